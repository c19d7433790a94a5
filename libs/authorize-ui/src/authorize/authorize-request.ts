import type { GatehouseEnvironment } from '@gatehouse/core';
import { isUuid } from '@gatehouse/core';

/** One reason an authorize request is refused; `code` is WordPress's where WordPress has one. */
export interface AuthorizeProblem {
  field: string;
  code: string;
  message: string;
}

export interface AuthorizeRequest {
  appName: string;
  appId: string;
  successUrl: string | null;
  /** As given, or WordPress's default: success_url with success=false. */
  rejectUrl: string | null;
  state: string | null;
  /** 'code': approval redirects with a single-use code instead of the password (PKCE S256). */
  responseType: 'password' | 'code';
  codeChallenge: string | null;
}

const BAD_SCHEMES = ['javascript', 'data'];
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
// RFC 7636: BASE64URL(SHA256(verifier)) is 43 characters.
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const MAX_URL_LENGTH = 2000;
const MAX_STATE_LENGTH = 500;

/**
 * WordPress's wp_is_authorize_application_redirect_url_valid, with its case-sensitivity bug fixed:
 * a scheme and a host are required, `javascript:` and `data:` are refused, plain `http` only in a
 * local environment, whatever the scheme's case. Control characters, spaces and backslashes are refused
 * too: such a URL would be read differently by different parsers (and cannot go in a Location header).
 */
export function redirectUrlProblem(url: string, env: GatehouseEnvironment): Omit<AuthorizeProblem, 'field'> | null {
  const format = { code: 'invalid_redirect_url_format', message: 'Invalid URL format.' };
  if (url.length > MAX_URL_LENGTH || /[\u0000-\u0020\u007f\\]/.test(url)) return format;
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (!scheme) return format;
  const authority = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/?#]*)/.exec(url)?.[1];
  // The host is what follows any user-info and precedes any port.
  const host = authority?.slice(authority.lastIndexOf('@') + 1).replace(/:\d*$/, '');
  if (!host || BAD_SCHEMES.includes(scheme)) return format;
  if (scheme === 'http' && env !== 'local') {
    return { code: 'invalid_redirect_scheme', message: 'The URL must be served over a secure connection.' };
  }
  return null;
}

/** Appends query parameters as WordPress's add_query_arg does, keeping any fragment at the end. */
export function addQueryArgs(url: string, params: Record<string, string>): string {
  const hash = url.indexOf('#');
  const base = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? '' : url.slice(hash);
  const query = Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  if (query === '') return url;
  const separator = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${separator}${query}${fragment}`;
}

function text(value: unknown): string {
  if (Array.isArray(value)) return '';
  return typeof value === 'string' ? value : '';
}

/**
 * Reads and checks an authorize-application request (query on display, form on submit: both pass here).
 * Every problem is reported, not just the first.
 */
export function parseAuthorizeRequest(input: Record<string, unknown>, env: GatehouseEnvironment): { request: AuthorizeRequest; problems: AuthorizeProblem[] } {
  const problems: AuthorizeProblem[] = [];
  const appName = text(input.app_name).trim();
  const appId = text(input.app_id);
  const successUrl = text(input.success_url) || null;
  const givenRejectUrl = text(input.reject_url) || null;
  const state = input.state === undefined ? null : text(input.state);
  const responseTypeRaw = text(input.response_type);
  const codeChallenge = text(input.code_challenge) || null;
  const challengeMethod = text(input.code_challenge_method);

  if (appName.length > 200) problems.push({ field: 'app_name', code: 'invalid_app_name', message: 'The application name must be at most 200 characters long.' });
  // PostgreSQL text cannot hold NUL.
  if (appName.includes('\u0000')) problems.push({ field: 'app_name', code: 'invalid_app_name', message: 'The application name must not contain NUL characters.' });
  for (const [field, url] of [['success_url', successUrl], ['reject_url', givenRejectUrl]] as const) {
    if (url === null) continue;
    const problem = redirectUrlProblem(url, env);
    if (problem) problems.push({ field, ...problem });
  }
  if (appId !== '' && !isUuid(appId)) problems.push({ field: 'app_id', code: 'invalid_app_id', message: 'The application ID must be a UUID.' });
  if (state !== null && (state.length > MAX_STATE_LENGTH || /[\u0000-\u001f\u007f]/.test(state))) {
    problems.push({ field: 'state', code: 'invalid_state', message: `The state must be at most ${MAX_STATE_LENGTH} printable characters.` });
  }

  let responseType: AuthorizeRequest['responseType'] = 'password';
  if (responseTypeRaw === 'code') {
    responseType = 'code';
    if (!successUrl) problems.push({ field: 'success_url', code: 'missing_success_url', message: 'response_type=code needs a success_url to send the code to.' });
    if (!codeChallenge || !S256_CHALLENGE.test(codeChallenge)) {
      problems.push({ field: 'code_challenge', code: 'invalid_code_challenge', message: 'response_type=code needs a PKCE code_challenge: the base64url SHA-256 of the code verifier (43 characters).' });
    }
    if (challengeMethod !== 'S256') {
      problems.push({ field: 'code_challenge_method', code: 'invalid_code_challenge_method', message: 'The code_challenge_method must be S256.' });
    }
  } else if (responseTypeRaw !== '') {
    problems.push({ field: 'response_type', code: 'unsupported_response_type', message: 'The response_type must be "code" or absent.' });
  } else if (codeChallenge) {
    // A client that sends a challenge expects no password in the URL: never fall back silently.
    problems.push({ field: 'code_challenge', code: 'invalid_code_challenge', message: 'A code_challenge needs response_type=code.' });
  }

  const rejectUrl = givenRejectUrl ?? (successUrl ? addQueryArgs(successUrl, { success: 'false' }) : null);
  return { request: { appName, appId, successUrl, rejectUrl, state, responseType, codeChallenge }, problems };
}
