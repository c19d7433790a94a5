import { addQueryArgs, AuthorizeProblem, AuthorizeRequest } from '../authorize/authorize-request';
import { html } from '../html';
import { layout, LayoutUser, Notice, secretField } from './layout';

export const AUTHORIZE_PATH = '/wp-admin/authorize-application.php';

/** The consent form. Hidden fields carry the request verbatim (attribute-escaped, never URL-"sanitised"), so custom schemes survive. */
export function authorizePage(options: { siteName: string; siteUrl: string; user: LayoutUser; csrf: string; request: AuthorizeRequest; notices?: Notice[] }) {
  const { request, user } = options;
  const approveTarget = request.successUrl
    ? request.responseType === 'code'
      ? addQueryArgs(request.successUrl, { code: '[------]', ...(request.state !== null ? { state: request.state } : {}) })
      : addQueryArgs(request.successUrl, { site_url: options.siteUrl, user_login: user.login, password: '[------]' })
    : null;
  const hidden = (name: string, value: string | null) => (value === null ? '' : html`<input type="hidden" name="${name}" value="${value}">`);
  return layout({
    siteName: options.siteName,
    title: 'Authorize Application',
    user,
    notices: options.notices,
    body: html`<div class="card">
<h2>An application would like to connect to your account.</h2>
${request.appName
  ? html`<p>Would you like to give the application identifying itself as <strong>${request.appName}</strong> access to your account? You should only do this if you trust the application in question.</p>`
  : html`<p>Would you like to give this application access to your account? You should only do this if you trust the application in question.</p>`}
<form method="post" action="${AUTHORIZE_PATH}" data-once>
<input type="hidden" name="_wpnonce" value="${options.csrf}">
<input type="hidden" name="action" value="authorize_application_password">
${hidden('app_id', request.appId)}
${hidden('success_url', request.successUrl)}
${hidden('reject_url', request.rejectUrl)}
${hidden('state', request.state)}
${request.responseType === 'code' ? html`${hidden('response_type', 'code')}${hidden('code_challenge', request.codeChallenge)}${hidden('code_challenge_method', 'S256')}` : ''}
<label for="app_name">New Application Password Name</label>
<input type="text" id="app_name" name="app_name" value="${request.appName}" maxlength="200" required>
<p><button type="submit" class="primary" id="approve" name="approve" value="1" aria-describedby="description-approve">Yes, I approve of this connection</button></p>
<p class="description" id="description-approve">${approveTarget
  ? html`You will be sent to <strong><code>${approveTarget}</code></strong>`
  : 'You will be given a password to manually enter into the application in question.'}</p>
<p><button type="submit" id="reject" name="reject" value="1" formnovalidate aria-describedby="description-reject">No, I do not approve of this connection</button></p>
<p class="description" id="description-reject">${request.rejectUrl
  ? html`You will be sent to <strong><code>${request.rejectUrl}</code></strong>`
  : 'You will be returned to your profile, and no changes will be made.'}</p>
</form>
</div>`,
  });
}

/** WordPress answers a bad request with a 500 and one line; here it is a 400 naming every problem. */
export function authorizeInvalidPage(options: { siteName: string; user?: LayoutUser; problems: AuthorizeProblem[] }) {
  return layout({
    siteName: options.siteName,
    title: 'Cannot Authorize Application',
    user: options.user,
    notices: [{ kind: 'error', text: 'The Authorize Application request is not allowed.' }],
    body: html`<div class="card"><p>The application sent a request with ${options.problems.length === 1 ? 'this problem' : `these ${options.problems.length} problems`}:</p>
<ul id="problems">${options.problems.map((problem) => html`<li data-code="${problem.code}" data-field="${problem.field}"><code>${problem.field}</code>: ${problem.message}</li>`)}</ul>
<p>Nothing was changed. Tell the application's developer, or go back to the application.</p></div>`,
  });
}

/** No success_url: the password is shown here, once (WordPress's no-JavaScript path loses it). */
export function authorizeApprovedPage(options: { siteName: string; user: LayoutUser; appName: string; password: string }) {
  return layout({
    siteName: options.siteName,
    title: 'Authorize Application',
    user: options.user,
    body: html`<div class="card notice-success" role="status" tabindex="-1">
${secretField('new-application-password-value', html`Your new password for <strong>${options.appName}</strong> is:`, options.password)}
<p>Be sure to save this in a safe location. You will not be able to retrieve it.</p>
<p><a href="/wp-admin/profile.php">Go to your profile</a></p>
</div>`,
  });
}
