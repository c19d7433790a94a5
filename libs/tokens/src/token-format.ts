import { randomBytes } from 'node:crypto';

/**
 * Refresh tokens are opaque: a prefix that tells them apart from JWTs at a glance (and lets secret
 * scanners find leaked ones), then 256 random bits. A JWT never contains `_` before its first dot.
 */
export const REFRESH_TOKEN_PREFIX = 'ghr_';
const REFRESH_TOKEN = /^ghr_[A-Za-z0-9_-]{43}$/;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

export function generateRefreshToken(): string {
  return REFRESH_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function isRefreshTokenShaped(value: string): boolean {
  return value.startsWith(REFRESH_TOKEN_PREFIX);
}

export function isWellFormedRefreshToken(value: string): boolean {
  return REFRESH_TOKEN.test(value);
}

export function isJwtShaped(value: string): boolean {
  return JWT_SHAPE.test(value);
}
