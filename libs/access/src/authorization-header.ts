import { WpError } from '@gatehouse/core';

/** Longer than any credential Gatehouse issues; longer headers are refused before any parsing. */
export const MAX_AUTHORIZATION_LENGTH = 4096;

export function malformedAuthorization(detail: string): WpError {
  return new WpError('rest_invalid_authorization_header', `The Authorization header is malformed: ${detail}`, 400);
}

/** The scheme of an `Authorization` header (case-insensitive per RFC 7235), lower-cased. */
export function authorizationScheme(header: string): string {
  const space = header.indexOf(' ');
  return (space < 0 ? header : header.slice(0, space)).toLowerCase();
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Parses `Basic base64(user:password)` (RFC 7617). The user part ends at the first colon; the
 * password may contain colons. Anything else is malformed: a 400, never anonymous.
 */
export function parseBasicCredentials(header: string): { username: string; password: string } {
  const token = header.slice(header.indexOf(' ') + 1).trim();
  if (token === '' || header.indexOf(' ') < 0) throw malformedAuthorization('Basic credentials are missing.');
  if (!BASE64.test(token) || token.length % 4 !== 0) throw malformedAuthorization('Basic credentials are not valid base64.');
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw malformedAuthorization('Basic credentials must be "user:password".');
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  // An empty user is looked up like any other (WordPress: invalid_username); an empty password is no credential at all.
  if (password === '') throw malformedAuthorization('Basic credentials need a password.');
  return { username, password };
}
