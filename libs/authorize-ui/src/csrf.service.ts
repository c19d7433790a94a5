import { Inject, Injectable } from '@nestjs/common';
import { GATEHOUSE_CONFIG, keyedHash, safeEqual } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';

/**
 * Synchroniser tokens: HMAC(server secret, purpose | action | binding), where the binding is the login
 * session's id or, before login, the random pre-session cookie. A token from another session, another
 * form or another site is useless, and nothing needs storing.
 */
@Injectable()
export class CsrfService {
  constructor(@Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig) {}

  token(binding: string, action: string): string {
    return keyedHash(this.config.secret, `csrf|${action}|${binding}`).toString('base64url');
  }

  verify(binding: string | undefined, action: string, token: unknown): boolean {
    if (!binding || typeof token !== 'string' || token.length > 200) return false;
    return safeEqual(Buffer.from(this.token(binding, action)), Buffer.from(token));
  }

  /** WordPress's `wp_rest` nonce: what a cookie-authenticated REST request must send as X-WP-Nonce. */
  restNonce(sessionId: string): string {
    return keyedHash(this.config.secret, `wp_rest|${sessionId}`).toString('hex').slice(0, 20);
  }

  verifyRestNonce(sessionId: string, nonce: string): boolean {
    return safeEqual(Buffer.from(this.restNonce(sessionId)), Buffer.from(nonce));
  }
}
