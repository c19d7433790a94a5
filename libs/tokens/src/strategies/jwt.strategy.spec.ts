import { WpError } from '@gatehouse/core';
import { bearerFailure } from './jwt.strategy';

// jsonwebtoken's error classes, as passport-jwt hands them over: a name and a message.
const jwtError = (name: string) => class extends Error {
  constructor(message: string, _date?: Date) {
    super(message);
    this.name = name;
  }
};
const JsonWebTokenError = jwtError('JsonWebTokenError');
const TokenExpiredError = jwtError('TokenExpiredError');
const NotBeforeError = jwtError('NotBeforeError');

describe('bearerFailure: passport-jwt refusals as jwt-auth codes', () => {
  const code = (info: unknown) => {
    const error = bearerFailure(info);
    expect(error.getStatus()).toBe(401);
    expect(error.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token"');
    return error.code;
  };

  it('maps each kind of failure', () => {
    expect(code(new Error('No auth token'))).toBe('rest_authentication_no_token');
    expect(code(new TokenExpiredError('jwt expired', new Date()))).toBe('rest_authentication_token_expired');
    expect(code(new JsonWebTokenError('jwt issuer invalid. expected: https://a'))).toBe('rest_authentication_invalid_token_issuer');
    expect(code(new JsonWebTokenError('invalid signature'))).toBe('rest_authentication_token_error');
    expect(code(new JsonWebTokenError('invalid algorithm'))).toBe('rest_authentication_token_error');
    expect(code(new JsonWebTokenError('jwt malformed'))).toBe('rest_authentication_token_error');
    expect(code(new JsonWebTokenError('jwt audience invalid. expected: x'))).toBe('rest_authentication_token_error');
    expect(code(new NotBeforeError('jwt not active', new Date()))).toBe('rest_authentication_token_error');
    expect(code(undefined)).toBe('rest_authentication_token_error');
  });

  it('passes a WpError through unchanged', () => {
    const own = new WpError('rest_authentication_revoked_api_key', 'revoked', 401);
    expect(bearerFailure(own)).toBe(own);
  });
});
