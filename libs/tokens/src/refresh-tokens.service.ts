import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GrantEventsService, Principal } from '@gatehouse/access';
import { Clock, GATEHOUSE_CONFIG, keyedHash } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { GrantRow, principalFromRow } from './access-tokens.service';
import { TokenErrors } from './token-errors';
import { generateRefreshToken } from './token-format';

const PRUNE_INTERVAL_MS = 3_600_000;

interface DiagnosisRow {
  family_id: string;
  grant_id: string;
  retired_at: Date | null;
  family_revoked_at: Date | null;
  grant_revoked_at: Date | null;
}

/**
 * Refresh tokens: opaque, stored as keyed hashes, one per use. Each use retires the token and issues
 * its child in the same family (RFC 9700 §4.14.2); presenting a retired token again means it leaked,
 * so the whole family — every refresh token and every access token minted in it — is revoked.
 */
@Injectable()
export class RefreshTokensService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RefreshTokens');
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly clock: Clock,
    private readonly events: GrantEventsService,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.prune().catch((error: Error) => this.logger.warn(`pruning refresh tokens failed: ${error.message}`)), PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Starts a family for a grant with its first refresh token (one statement). */
  async startFamily(grantId: string): Promise<{ refreshToken: string; familyId: string }> {
    const now = this.clock.now();
    const familyId = randomUUID();
    const refreshToken = generateRefreshToken();
    await this.dataSource.query(
      `WITH family AS (
         INSERT INTO token_families (id, grant_id, created_at, last_used_at) VALUES ($1, $2, $3, $3) RETURNING id
       )
       INSERT INTO refresh_tokens (token_hash, family_id, grant_id, issued_at, expires_at)
       SELECT $4, family.id, $2, $3, $5 FROM family`,
      [familyId, grantId, now, this.hash(refreshToken), this.expiry(now)],
    );
    return { refreshToken, familyId };
  }

  /**
   * Exchanges a refresh token for its child. One statement: the UPDATE ... WHERE retired_at IS NULL
   * is the atomic claim (two concurrent uses of one token cannot both pass it), the family row is the
   * serialization point with a concurrent family revocation, and the grant and user come back with it.
   */
  async rotate(refreshToken: string): Promise<{ refreshToken: string; familyId: string; principal: Principal }> {
    const now = this.clock.now();
    const hash = this.hash(refreshToken);
    const child = generateRefreshToken();
    const rows: (GrantRow & { family_id: string })[] = await this.dataSource.query(
      `WITH rotated AS (
         UPDATE refresh_tokens r SET retired_at = $2
          WHERE r.token_hash = $1 AND r.retired_at IS NULL AND r.expires_at > $2
            AND EXISTS (SELECT 1 FROM grants g WHERE g.id = r.grant_id AND g.revoked_at IS NULL)
         RETURNING r.id, r.family_id, r.grant_id
       ), family AS (
         UPDATE token_families f SET last_used_at = $2 FROM rotated
          WHERE f.id = rotated.family_id AND f.revoked_at IS NULL
         RETURNING f.id
       ), inserted AS (
         INSERT INTO refresh_tokens (token_hash, family_id, grant_id, parent_id, issued_at, expires_at)
         SELECT $3, rotated.family_id, rotated.grant_id, rotated.id, $2, $4
           FROM rotated JOIN family ON family.id = rotated.family_id
         RETURNING family_id, grant_id
       )
       SELECT i.family_id, g.id AS grant_id, g.kind, g.app_id, g.name, g.last_used_at, g.policy, g.expires_at,
              u.id AS user_id, u.login, u.email, u.role
         FROM inserted i JOIN grants g ON g.id = i.grant_id JOIN users u ON u.id = g.user_id`,
      [hash, now, this.hash(child), this.expiry(now)],
    );
    const row = rows[0];
    if (row) return { refreshToken: child, familyId: row.family_id, principal: principalFromRow(row) };
    throw await this.refusal(hash);
  }

  /** Revokes a family: its refresh tokens stop rotating and its access tokens stop authenticating, everywhere. */
  async revokeFamily(familyId: string, grantId: string, reason: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // TypeORM answers an UPDATE with [rows, affected].
      const [, affected]: [unknown[], number] = await manager.query(
        `UPDATE token_families SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
        [familyId, this.clock.now(), reason],
      );
      // Bearer caches of every process hold the grant's revoked families: make them re-read.
      if (affected > 0) await this.events.publish(manager, grantId);
    });
  }

  /** Removes refresh tokens long expired and families nothing can use any more. */
  async prune(): Promise<void> {
    const now = this.clock.now().getTime();
    await this.dataSource.query(`DELETE FROM refresh_tokens WHERE expires_at < $1`, [new Date(now - 86_400_000)]);
    await this.dataSource.query(`DELETE FROM token_families WHERE last_used_at < $1`, [new Date(now - (this.config.refreshTokenTtl + 86_400) * 1000)]);
  }

  /** Why a refresh token was not accepted; a retired one is reuse, and costs its family. */
  private async refusal(hash: Buffer): Promise<Error> {
    const rows: DiagnosisRow[] = await this.dataSource.query(
      `SELECT r.family_id, r.grant_id, r.retired_at, f.revoked_at AS family_revoked_at, g.revoked_at AS grant_revoked_at
         FROM refresh_tokens r JOIN token_families f ON f.id = r.family_id JOIN grants g ON g.id = r.grant_id
        WHERE r.token_hash = $1`,
      [hash],
    );
    const row = rows[0];
    if (!row) return TokenErrors.invalidRefresh();
    if (row.grant_revoked_at) return TokenErrors.revokedKeyPair();
    if (row.family_revoked_at) return TokenErrors.invalidRefresh();
    if (row.retired_at) {
      this.logger.warn(`refresh token reused: revoking token family ${row.family_id} of grant ${row.grant_id}`);
      await this.revokeFamily(row.family_id, row.grant_id, 'reuse');
      return TokenErrors.invalidRefresh();
    }
    // What is left: expired after its inactivity limit.
    return TokenErrors.invalidRefresh();
  }

  private expiry(now: Date): Date {
    return new Date(now.getTime() + this.config.refreshTokenTtl * 1000);
  }

  private hash(token: string): Buffer {
    return keyedHash(this.config.secret, token);
  }
}
