import type { Grant } from '@gatehouse/access';
import { html, HtmlValue } from '../html';
import type { LoginSession } from '../sessions/sessions.service';
import type { Enrolment, TwoFactorStatus } from '../two-factor/two-factor.service';
import { layout, LayoutUser, Notice, secretField } from './layout';

export const PROFILE_PATH = '/wp-admin/profile.php';

function when(date: Date | null): string {
  return date ? date.toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : '—';
}

export interface ProfileTokens {
  create: string;
  logoutOthers: string;
  twoFactorBegin: string;
}

export function profilePage(options: {
  siteName: string;
  user: LayoutUser;
  tokens: ProfileTokens;
  restNonce: string;
  passwords: Grant[];
  sessions: LoginSession[];
  currentSessionId: string;
  twoFactor: TwoFactorStatus;
  notices?: Notice[];
}) {
  const { passwords, sessions } = options;
  return layout({
    siteName: options.siteName,
    title: 'Profile',
    user: options.user,
    notices: options.notices,
    body: html`<meta name="gatehouse-rest-nonce" content="${options.restNonce}">
<section class="card" aria-labelledby="app-passwords-title">
<h2 id="app-passwords-title">Application Passwords</h2>
<p class="description">Application passwords let apps use the REST API as you, without your login password. Two-factor does not apply to them: revoke any you no longer use.</p>
${passwords.length === 0
  ? html`<p id="no-app-passwords">You have no application passwords.</p>`
  : html`<table id="app-passwords"><caption class="skip">Your application passwords</caption>
<thead><tr><th scope="col">Name</th><th scope="col">App ID</th><th scope="col">Created</th><th scope="col">Last Used</th><th scope="col">Last IP</th><th scope="col"><span class="skip">Actions</span></th></tr></thead>
<tbody>${passwords.map((grant) => html`<tr data-uuid="${grant.id}"><td>${grant.name}</td><td><code>${grant.appId || '—'}</code></td><td>${when(grant.createdAt)}</td><td>${when(grant.lastUsedAt)}</td><td>${grant.lastIp ?? '—'}</td>
<td><a class="button danger" href="${PROFILE_PATH}?confirm=revoke-app-password&amp;uuid=${grant.id}" aria-label="Revoke “${grant.name}”">Revoke</a></td></tr>`)}</tbody></table>
<p><a class="button danger" id="revoke-all" href="${PROFILE_PATH}?confirm=revoke-all-app-passwords">Revoke all application passwords</a></p>`}
<form method="post" action="${PROFILE_PATH}" data-once>
<input type="hidden" name="_wpnonce" value="${options.tokens.create}">
<input type="hidden" name="action" value="create-app-password">
<label for="new_application_password_name">New Application Password Name</label>
<input type="text" id="new_application_password_name" name="name" maxlength="200" required>
<button type="submit" class="primary" id="do_new_application_password">Add New Application Password</button>
</form>
</section>

<section class="card" aria-labelledby="sessions-title">
<h2 id="sessions-title">Sessions</h2>
<table id="sessions"><caption class="skip">Where you are logged in</caption>
<thead><tr><th scope="col">Browser</th><th scope="col">IP</th><th scope="col">Logged in</th><th scope="col">Last seen</th></tr></thead>
<tbody>${sessions.map((session) => html`<tr${session.id === options.currentSessionId ? html` aria-current="true"` : ''}><td>${session.userAgent || 'Unknown'}${session.id === options.currentSessionId ? html` <strong>(this browser)</strong>` : ''}</td><td>${session.ip}</td><td>${when(session.createdAt)}</td><td>${when(session.lastSeenAt)}</td></tr>`)}</tbody></table>
${sessions.length > 1
  ? html`<form method="post" action="${PROFILE_PATH}"><input type="hidden" name="_wpnonce" value="${options.tokens.logoutOthers}"><input type="hidden" name="action" value="logout-others"><button type="submit" id="logout-others">Log Out Everywhere Else</button></form>`
  : html`<p class="description">You are only logged in at this location.</p>`}
</section>

<section class="card" aria-labelledby="two-factor-title">
<h2 id="two-factor-title">Two-Factor Authentication</h2>
${options.twoFactor.enabled
  ? html`<p id="two-factor-status">Two-factor authentication is <strong>on</strong>. Recovery codes left: ${options.twoFactor.recoveryCodesLeft}.</p>
<p><a class="button danger" id="two-factor-disable" href="${PROFILE_PATH}?confirm=two-factor-disable">Turn off two-factor authentication</a></p>`
  : html`<p id="two-factor-status">Two-factor authentication is <strong>off</strong>. With it on, logging in needs a code from an authenticator app as well as your password.</p>
<form method="post" action="${PROFILE_PATH}"><input type="hidden" name="_wpnonce" value="${options.tokens.twoFactorBegin}"><input type="hidden" name="action" value="two-factor-begin"><button type="submit" class="primary" id="two-factor-enable">Set up two-factor authentication</button></form>`}
</section>`,
  });
}

/** A destructive action, confirmed on its own page: works without JavaScript and by keyboard alone. */
export function confirmPage(options: { siteName: string; user: LayoutUser; title: string; question: HtmlValue; action: string; fields: Record<string, string>; csrf: string; confirmLabel: string; codeField?: boolean }) {
  return layout({
    siteName: options.siteName,
    title: options.title,
    user: options.user,
    body: html`<form method="post" action="${PROFILE_PATH}" class="card">
<p id="confirm-question">${options.question}</p>
<input type="hidden" name="_wpnonce" value="${options.csrf}">
<input type="hidden" name="action" value="${options.action}">
${Object.entries(options.fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
${options.codeField
  ? html`<label for="authcode">Authentication code</label><p class="description" id="authcode-help">A current code from your authenticator app, or a recovery code.</p><input type="text" id="authcode" name="authcode" autocomplete="one-time-code" aria-describedby="authcode-help" required autofocus>`
  : ''}
<button type="submit" class="danger" id="confirm"${options.codeField ? '' : ' autofocus'}>${options.confirmLabel}</button>
<a class="button" href="${PROFILE_PATH}" id="cancel">Cancel</a>
</form>`,
  });
}

export function newAppPasswordPage(options: { siteName: string; user: LayoutUser; name: string; password: string }) {
  return layout({
    siteName: options.siteName,
    title: 'New Application Password',
    user: options.user,
    body: html`<div class="card">
${secretField('new-application-password-value', html`Your new password for <strong>${options.name}</strong> is:`, options.password)}
<p>Be sure to save this in a safe location. You will not be able to retrieve it.</p>
<p><a href="/wp-admin/profile.php">Back to your profile</a></p>
</div>`,
  });
}

export function enrolPage(options: { siteName: string; user: LayoutUser; enrolment: Enrolment; csrf: string; notices?: Notice[] }) {
  return layout({
    siteName: options.siteName,
    title: 'Set Up Two-Factor Authentication',
    user: options.user,
    notices: options.notices,
    body: html`<div class="card">
<ol>
<li>Scan this QR code with an authenticator app, or type the key below into it.
<div class="qr"><img id="two-factor-qr" src="${options.enrolment.qrDataUrl}" alt="QR code for your authenticator app; the same key is written below" width="220" height="220"></div>
${secretField('two-factor-secret', 'Key', options.enrolment.secret)}</li>
<li><form method="post" action="${PROFILE_PATH}">
<input type="hidden" name="_wpnonce" value="${options.csrf}">
<input type="hidden" name="action" value="two-factor-confirm">
<label for="authcode">Enter the six-digit code the app shows</label>
<input type="text" id="authcode" name="authcode" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required>
<button type="submit" class="primary" id="two-factor-confirm">Turn on two-factor authentication</button>
</form></li>
</ol>
<p><a href="${PROFILE_PATH}">Cancel</a></p>
</div>`,
  });
}

export function recoveryCodesPage(options: { siteName: string; user: LayoutUser; codes: string[] }) {
  return layout({
    siteName: options.siteName,
    title: 'Recovery Codes',
    user: options.user,
    notices: [{ kind: 'success', text: 'Two-factor authentication is now on.' }],
    body: html`<div class="card">
<p>Keep these ten recovery codes somewhere safe. Each one logs you in once if you lose your authenticator. They are shown only now.</p>
<ul class="codes" id="recovery-codes">${options.codes.map((code) => html`<li><code>${code}</code></li>`)}</ul>
<p><a href="${PROFILE_PATH}">I have saved them — back to your profile</a></p>
</div>`,
  });
}
