import { WpError } from '@gatehouse/core';

/**
 * RFC 6750 §3: a bearer credential that fails answers 401 with this challenge (jwt-auth answered 403,
 * which no HTTP client treats as "get a new token").
 */
export const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer error="invalid_token"' };

/** A failure of an `Authorization: Bearer` access token: 401 with the jwt-auth code. */
export function bearerError(code: string, message: string): WpError {
  return new WpError(code, message, 401, {}, BEARER_CHALLENGE);
}

/** A refusal at the token endpoint: 403, as jwt-auth answers it. */
export function tokenEndpointError(code: string, message: string): WpError {
  return new WpError(code, message, 403);
}

export const TokenErrors = {
  noToken: () => bearerError('rest_authentication_no_token', 'Authorization header not found.'),
  malformed: (detail = 'The token is malformed.') => bearerError('rest_authentication_token_error', detail),
  expired: () => bearerError('rest_authentication_token_expired', 'The token has expired.'),
  issuer: () => bearerError('rest_authentication_invalid_token_issuer', 'The token was not issued by this site.'),
  revokedKey: () => bearerError('rest_authentication_revoked_api_key', 'The API key this token was made from has been revoked.'),
  bearerType: () => bearerError('rest_authentication_invalid_token_type', 'A refresh token cannot be used as an access token.'),

  keyPairRequired: () => tokenEndpointError('rest_authentication_required_api_key_secret', 'An API key-pair is required to generate a token.'),
  invalidKeyPair: () => tokenEndpointError('rest_authentication_invalid_api_key_secret', 'The API key-pair is invalid.'),
  revokedKeyPair: () => tokenEndpointError('rest_authentication_revoked_api_key', 'The API key has been revoked.'),
  invalidRefresh: () => tokenEndpointError('rest_authentication_invalid_refresh_token', 'Invalid refresh token.'),
  refreshType: () => tokenEndpointError('rest_authentication_invalid_token_type', 'An access token cannot be used as a refresh token.'),
};
