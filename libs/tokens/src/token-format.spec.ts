import { generateRefreshToken, isJwtShaped, isRefreshTokenShaped, isWellFormedRefreshToken } from './token-format';

describe('token formats', () => {
  it('refresh tokens: prefix and 256 random bits, each one different', () => {
    const token = generateRefreshToken();
    expect(token).toMatch(/^ghr_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
    expect(generateRefreshToken()).not.toBe(token);
    expect(isWellFormedRefreshToken(token)).toBe(true);
    expect(isRefreshTokenShaped(token)).toBe(true);
    expect(isJwtShaped(token)).toBe(false);
  });

  it('tells a JWT from a refresh token', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
    expect(isJwtShaped(jwt)).toBe(true);
    expect(isRefreshTokenShaped(jwt)).toBe(false);
    expect(isWellFormedRefreshToken(jwt)).toBe(false);
    expect(isWellFormedRefreshToken('ghr_short')).toBe(false);
  });
});
