import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Clock, GATEHOUSE_CONFIG, keyedHash, safeEqual, WpError } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import { createHash, randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { returnedRows } from '../sql';

export const AUTHORIZE_CODE_TTL_MS = 60_000;

export interface ApprovedConsent {
  userId: number;
  appName: string;
  appId: string;
}

interface CodeRow {
  user_id: number;
  app_name: string;
  app_id: string;
  code_challenge: string;
  expires_at: Date;
}

function invalidGrant(message: string): WpError {
  return new WpError('invalid_grant', message, 400);
}

/**
 * Single-use codes for the authorize flow's `response_type=code`: the approval is stored (as the keyed
 * hash of the code), and the application password is only created when the app proves, with its PKCE
 * verifier, that it is the one that asked — so no password ever travels in a URL or sits in a table.
 */
@Injectable()
export class AuthorizeCodesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {}

  async issue(consent: ApprovedConsent, codeChallenge: string): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await this.dataSource.query(
      `INSERT INTO authorize_codes (code_hash, user_id, app_name, app_id, code_challenge, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [this.hash(code), consent.userId, consent.appName, consent.appId, codeChallenge, now, new Date(now.getTime() + AUTHORIZE_CODE_TTL_MS)],
    );
    await this.dataSource.query(`DELETE FROM authorize_codes WHERE expires_at < $1`, [new Date(now.getTime() - AUTHORIZE_CODE_TTL_MS)]);
    return code;
  }

  /**
   * Consumes a code: any attempt uses it up (a wrong verifier included, so a stolen code cannot be
   * tried against many verifiers). Returns the consent it stood for.
   */
  async redeem(code: string, codeVerifier: string): Promise<ApprovedConsent> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(code)) throw invalidGrant('The authorization code is invalid.');
    const now = this.clock.now();
    const rows = returnedRows<CodeRow>(await this.dataSource.query(
      `UPDATE authorize_codes SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL
       RETURNING user_id, app_name, app_id, code_challenge, expires_at`,
      [this.hash(code), now],
    ));
    const row = rows[0];
    if (!row) throw invalidGrant('The authorization code is invalid or has already been used.');
    if (row.expires_at.getTime() <= now.getTime()) throw invalidGrant('The authorization code has expired.');
    // RFC 7636: verifier of 43–128 unreserved characters; S256 challenge = BASE64URL(SHA256(verifier)).
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(codeVerifier)) throw invalidGrant('The code verifier does not match the code challenge.');
    const computed = createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
    if (!safeEqual(Buffer.from(computed), Buffer.from(row.code_challenge))) {
      throw invalidGrant('The code verifier does not match the code challenge.');
    }
    return { userId: row.user_id, appName: row.app_name, appId: row.app_id };
  }

  private hash(code: string): Buffer {
    return keyedHash(this.config.secret, `authorize-code|${code}`);
  }
}
