import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Clock, GATEHOUSE_CONFIG, keyedHash } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import type { DataSource } from 'typeorm';

/** Failures allowed per window before the account, or the address, must wait. */
export const ACCOUNT_FAILURE_LIMIT = 5;
export const IP_FAILURE_LIMIT = 20;
export const THROTTLE_WINDOW_MS = 15 * 60_000;

/**
 * Failed logins counted in PostgreSQL, so every instance enforces the same limits. The account key is a
 * keyed hash of what was typed (login or email), whether or not such an account exists: an unknown name
 * is throttled exactly like a real one, so the throttle never tells which accounts exist.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {}

  accountKey(identifier: string): Buffer {
    return keyedHash(this.config.secret, `login|${identifier.trim().toLowerCase()}`);
  }

  /** Seconds to wait before another attempt, or 0 when one is allowed now. */
  async retryAfter(accountKey: Buffer, ip: string): Promise<number> {
    const now = this.clock.now();
    const since = new Date(now.getTime() - THROTTLE_WINDOW_MS);
    const byAccount = await this.nthNewest(`account_key = $1`, accountKey, since, ACCOUNT_FAILURE_LIMIT);
    const byIp = await this.nthNewest(`ip = $1`, ip, since, IP_FAILURE_LIMIT);
    // Once the limit-th newest failure leaves the window, the count is under the limit again.
    const until = Math.max(byAccount?.getTime() ?? 0, byIp?.getTime() ?? 0) + THROTTLE_WINDOW_MS;
    return until > now.getTime() ? Math.ceil((until - now.getTime()) / 1000) : 0;
  }

  async recordFailure(accountKey: Buffer, ip: string): Promise<void> {
    const now = this.clock.now();
    await this.dataSource.query(`INSERT INTO login_attempts (account_key, ip, attempted_at) VALUES ($1, $2, $3)`, [accountKey, ip, now]);
    // Keep the table small: anything older than a window no longer counts.
    await this.dataSource.query(`DELETE FROM login_attempts WHERE attempted_at < $1`, [new Date(now.getTime() - 2 * THROTTLE_WINDOW_MS)]);
  }

  /** A successful login forgives the account's failures (not the address's). */
  async clearAccount(accountKey: Buffer): Promise<void> {
    await this.dataSource.query(`DELETE FROM login_attempts WHERE account_key = $1`, [accountKey]);
  }

  private async nthNewest(condition: string, value: unknown, since: Date, limit: number): Promise<Date | undefined> {
    const rows: { attempted_at: Date }[] = await this.dataSource.query(
      `SELECT attempted_at FROM login_attempts WHERE ${condition} AND attempted_at > $2 ORDER BY attempted_at DESC OFFSET $3 LIMIT 1`,
      [value, since, limit - 1],
    );
    return rows[0]?.attempted_at;
  }
}
