import type { Principal } from '@gatehouse/access';
import type { FastifyRequest } from 'fastify';
import type { LayoutUser } from './pages/layout';
import type { LoginSession } from './sessions/sessions.service';
import type { CsrfService } from './csrf.service';

export interface BrowserUser {
  principal: Principal;
  session: LoginSession;
  layout: LayoutUser;
}

/**
 * The person behind a page request: only a login session counts. A request that authenticated with an
 * application password or a token is an app, not a person at a browser, and gets no page.
 */
export function browserUser(request: FastifyRequest, csrf: CsrfService): BrowserUser | null {
  const principal = request.principal;
  const session = request.loginSession;
  if (!principal || principal.method !== 'cookie' || !session) return null;
  return { principal, session, layout: { login: principal.user.login, logoutToken: csrf.token(session.id, 'logout') } };
}

/** Only a path on this site: `/x`, never `//host`, `/\host`, a scheme, or control characters. */
export function safeRedirectPath(value: unknown): string | null {
  if (typeof value !== 'string' || value === '' || value.length > 2000) return null;
  if (!value.startsWith('/') || value.startsWith('//')) return null;
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return null;
  try {
    // Resolved against a dummy origin it must stay on that origin (catches encoded tricks such as /%2F%2Fhost only if decoded later).
    const resolved = new URL(value, 'http://gatehouse.invalid');
    if (resolved.origin !== 'http://gatehouse.invalid') return null;
  } catch {
    return null;
  }
  return value;
}

export function formField(body: unknown, name: string): string {
  if (body === null || typeof body !== 'object') return '';
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}
