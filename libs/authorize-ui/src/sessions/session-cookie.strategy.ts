import { Injectable } from '@nestjs/common';
import { clientIp, Principal } from '@gatehouse/access';
import { WpError } from '@gatehouse/core';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-strategy';
import { CsrfService } from '../csrf.service';
import { SESSION_COOKIE } from './session-cookie';
import { SessionsService } from './sessions.service';

export const SESSION_COOKIE_STRATEGY = 'session-cookie';

function restNonceOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-wp-nonce'];
  if (typeof header === 'string' && header !== '') return header;
  const fromQuery = (request.query as Record<string, unknown> | undefined)?._wpnonce;
  if (typeof fromQuery === 'string') return fromQuery;
  const body = request.body as Record<string, unknown> | undefined;
  return body && typeof body === 'object' && typeof body._wpnonce === 'string' ? body._wpnonce : undefined;
}

/**
 * The fallback credential when no Authorization header is sent: the login session cookie, i.e. a person
 * in a browser (method 'cookie', no grant). On REST routes WordPress's CSRF rule applies: without a
 * `wp_rest` nonce (X-WP-Nonce or _wpnonce) the request is anonymous; with a wrong one it is refused.
 * Pages protect their forms with their own CSRF tokens.
 */
@Injectable()
export class SessionCookieStrategy extends Strategy {
  name = SESSION_COOKIE_STRATEGY;

  constructor(
    private readonly sessions: SessionsService,
    private readonly csrf: CsrfService,
  ) {
    super();
  }


  override authenticate(raw: unknown): void {
    const request = raw as FastifyRequest;
    const cookie = request.cookies?.[SESSION_COOKIE];
    if (!cookie) return this.pass();
    this.sessions.resolve(cookie, clientIp(request)).then(
      (found) => {
        if (!found) return this.pass();
        if (request.url.startsWith('/wp-json')) {
          const nonce = restNonceOf(request);
          if (nonce === undefined) return this.pass();
          if (!this.csrf.verifyRestNonce(found.session.id, nonce)) {
            return this.error(new WpError('rest_cookie_invalid_nonce', 'Cookie check failed', 403));
          }
        }
        request.loginSession = found.session;
        const principal: Principal = { user: found.user, grant: null, policy: { type: 'full' }, method: 'cookie' };
        this.success(principal);
      },
      (error: Error) => this.error(error),
    );
  }
}
