import { html, HtmlValue, SafeHtml } from '../html';

export const ASSET_CSS = '/wp-admin/gatehouse/ui.css';
export const ASSET_JS = '/wp-admin/gatehouse/ui.js';

export interface LayoutUser {
  login: string;
  /** CSRF token of the logout form. */
  logoutToken: string;
}

export interface Notice {
  kind: 'error' | 'success' | 'warning' | 'info';
  text: HtmlValue;
}

export function notices(list: readonly Notice[]): SafeHtml {
  // Errors are alerts, read out on arrival; the rest are polite status messages.
  return html`${list.map((notice) => html`<div class="notice notice-${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}"><p>${notice.text}</p></div>`)}`;
}

/** The frame of every page: skip link, site bar (with logout when logged in), one h1, then the content. */
export function layout(options: { siteName: string; title: string; user?: LayoutUser; notices?: readonly Notice[]; body: SafeHtml; narrow?: boolean }): SafeHtml {
  const { siteName, title, user } = options;
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} ‹ ${siteName}</title>
<link rel="stylesheet" href="${ASSET_CSS}">
<script src="${ASSET_JS}" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
<header class="site">
<span class="site-name">${siteName}</span>
${user
  ? html`<a href="/wp-admin/profile.php">Profile (${user.login})</a>
<form method="post" action="/wp-login.php?action=logout"><input type="hidden" name="_wpnonce" value="${user.logoutToken}"><button type="submit" class="link">Log out</button></form>`
  : ''}
</header>
<main id="main" tabindex="-1"${options.narrow ? html` class="narrow"` : ''}>
<h1>${title}</h1>
<div id="live-region" class="description" aria-live="polite"></div>
${notices(options.notices ?? [])}
${options.body}
</main>
</body>
</html>
`;
}

/** A read-only secret with its label, and a copy button that the script reveals. */
export function secretField(id: string, label: HtmlValue, value: string): SafeHtml {
  return html`<label for="${id}">${label}</label>
<input type="text" id="${id}" class="code" readonly value="${value}">
<button type="button" data-copy="${id}" hidden>Copy</button>`;
}
