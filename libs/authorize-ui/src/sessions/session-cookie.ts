import type { GatehouseConfig } from '@gatehouse/core';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { LoginSession } from './sessions.service';

export const SESSION_COOKIE = 'gatehouse_session';
/** Random value binding the login form's CSRF token before a session exists. */
export const PRESESSION_COOKIE = 'gatehouse_csrf';

export function cookieOptions(config: GatehouseConfig, expires?: Date): CookieSerializeOptions {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure: config.env === 'production', ...(expires ? { expires } : {}) };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The login session behind a cookie-authenticated request. */
    loginSession?: LoginSession;
  }
}
