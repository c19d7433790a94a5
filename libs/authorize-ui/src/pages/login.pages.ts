import { html } from '../html';
import { layout, Notice } from './layout';

export function loginPage(options: { siteName: string; csrf: string; redirectTo: string; login?: string; notices?: Notice[] }) {
  return layout({
    siteName: options.siteName,
    title: 'Log In',
    narrow: true,
    notices: options.notices,
    body: html`<form method="post" action="/wp-login.php" class="card" data-once>
<input type="hidden" name="_wpnonce" value="${options.csrf}">
<input type="hidden" name="redirect_to" value="${options.redirectTo}">
<label for="user_login">Username or Email Address</label>
<input type="text" id="user_login" name="log" value="${options.login ?? ''}" autocomplete="username" autocapitalize="off" spellcheck="false" required autofocus>
<label for="user_pass">Password</label>
<input type="password" id="user_pass" name="pwd" autocomplete="current-password" required>
<p><input type="checkbox" id="rememberme" name="rememberme" value="forever"> <label class="inline" for="rememberme">Remember Me</label></p>
<button type="submit" class="primary" id="wp-submit">Log In</button>
</form>`,
  });
}

export function twoFactorLoginPage(options: { siteName: string; csrf: string; redirectTo: string; pending: string; notices?: Notice[] }) {
  return layout({
    siteName: options.siteName,
    title: 'Two-Factor Authentication',
    narrow: true,
    notices: options.notices,
    body: html`<form method="post" action="/wp-login.php?step=two-factor" class="card" data-once>
<input type="hidden" name="_wpnonce" value="${options.csrf}">
<input type="hidden" name="redirect_to" value="${options.redirectTo}">
<input type="hidden" name="pending" value="${options.pending}">
<label for="authcode">Authentication code</label>
<p class="description" id="authcode-help">Enter the six-digit code from your authenticator app, or one of your recovery codes.</p>
<input type="text" id="authcode" name="authcode" inputmode="text" autocomplete="one-time-code" autocapitalize="off" spellcheck="false" aria-describedby="authcode-help" required autofocus>
<button type="submit" class="primary">Log In</button>
</form>
<p><a href="/wp-login.php">Start over</a></p>`,
  });
}

export function messagePage(options: { siteName: string; title: string; notices: Notice[]; link?: { href: string; text: string } }) {
  return layout({
    siteName: options.siteName,
    title: options.title,
    narrow: true,
    notices: options.notices,
    body: options.link ? html`<p><a href="${options.link.href}">${options.link.text}</a></p>` : html``,
  });
}
