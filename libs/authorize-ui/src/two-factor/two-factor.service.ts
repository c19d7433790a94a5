import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Clock, deriveKey, GATEHOUSE_CONFIG, keyedHash, open, seal } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import { Secret, TOTP } from 'otpauth';
import { toDataURL } from 'qrcode';
import type { DataSource } from 'typeorm';
import { generateRecoveryCode, normalizeRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes';
import { returnedRows } from '../sql';

const SECRET_PURPOSE = 'two-factor-secret';
const PERIOD_SECONDS = 30;

export interface Enrolment {
  secret: string;
  otpauthUrl: string;
  qrDataUrl: string;
}

export interface TwoFactorStatus {
  enabled: boolean;
  pending: boolean;
  recoveryCodesLeft: number;
}

interface TwoFactorRow {
  secret_encrypted: Buffer;
  enabled_at: Date | null;
  last_used_step: string | null;
}

/**
 * TOTP (RFC 6238: SHA-1, six digits, 30 s, one step of clock drift either way) with ten single-use
 * recovery codes. The TOTP secret is stored sealed with AES-256-GCM under a key derived from the server
 * secret; recovery codes only as keyed hashes. A code's time step is remembered, so one code cannot be
 * used twice, even within its window.
 */
@Injectable()
export class TwoFactorService {
  private readonly key: Buffer;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {
    this.key = deriveKey(config.secret, SECRET_PURPOSE);
  }

  async status(userId: number): Promise<TwoFactorStatus> {
    const row = await this.row(userId);
    if (!row) return { enabled: false, pending: false, recoveryCodesLeft: 0 };
    const left: { count: string }[] = await this.dataSource.query(
      `SELECT count(*) FROM two_factor_recovery_codes WHERE user_id = $1 AND used_at IS NULL`,
      [userId],
    );
    return { enabled: row.enabled_at !== null, pending: row.enabled_at === null, recoveryCodesLeft: Number(left[0].count) };
  }

  async isEnabled(userId: number): Promise<boolean> {
    return (await this.row(userId))?.enabled_at != null;
  }

  /** Starts (or restarts) enrolment with a new secret; two-factor is on only once a code confirms it. */
  async beginEnrolment(userId: number, login: string): Promise<Enrolment> {
    if (await this.isEnabled(userId)) throw new Error('two-factor is already enabled');
    const secret = new Secret({ size: 20 }).base32;
    await this.dataSource.query(
      `INSERT INTO two_factor (user_id, secret_encrypted, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET secret_encrypted = EXCLUDED.secret_encrypted, created_at = EXCLUDED.created_at, last_used_step = NULL
       WHERE two_factor.enabled_at IS NULL`,
      [userId, seal(this.key, secret, SECRET_PURPOSE), this.clock.now()],
    );
    return this.describe(secret, login);
  }

  /** The pending enrolment again (a page reload must not change the secret the person just scanned). */
  async pendingEnrolment(userId: number, login: string): Promise<Enrolment | null> {
    const row = await this.row(userId);
    if (!row || row.enabled_at !== null) return null;
    return this.describe(open(this.key, row.secret_encrypted, SECRET_PURPOSE), login);
  }

  /** Confirms enrolment with a current code; returns the ten recovery codes, shown once. */
  async confirmEnrolment(userId: number, code: string): Promise<string[] | null> {
    const row = await this.row(userId);
    if (!row || row.enabled_at !== null) return null;
    if (!(await this.acceptTotp(userId, row, code))) return null;
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`UPDATE two_factor SET enabled_at = $2 WHERE user_id = $1`, [userId, this.clock.now()]);
      await manager.query(`DELETE FROM two_factor_recovery_codes WHERE user_id = $1`, [userId]);
      for (const recovery of codes) {
        await manager.query(`INSERT INTO two_factor_recovery_codes (user_id, code_hash) VALUES ($1, $2)`, [userId, this.recoveryHash(recovery)]);
      }
    });
    return codes;
  }

  /** Login's second step: a current TOTP code or an unused recovery code. */
  async verify(userId: number, code: string): Promise<'totp' | 'recovery' | null> {
    const row = await this.row(userId);
    if (!row || row.enabled_at === null) return null;
    if (/^\s*\d{6}\s*$/.test(code)) return (await this.acceptTotp(userId, row, code)) ? 'totp' : null;
    const normalized = normalizeRecoveryCode(code);
    if (!/^[a-z0-9]{10}$/.test(normalized)) return null;
    const used = returnedRows<{ id: number }>(await this.dataSource.query(
      `UPDATE two_factor_recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING id`,
      [userId, this.recoveryHash(normalized), this.clock.now()],
    ));
    return used.length > 0 ? 'recovery' : null;
  }

  /** Turning two-factor off needs a fresh TOTP code (a recovery code will do for a lost device). */
  async disable(userId: number, code: string): Promise<boolean> {
    if (!(await this.verify(userId, code))) return false;
    await this.dataSource.query(`DELETE FROM two_factor WHERE user_id = $1`, [userId]);
    await this.dataSource.query(`DELETE FROM two_factor_recovery_codes WHERE user_id = $1`, [userId]);
    return true;
  }

  /** The current code for a secret (tests and the CLI use it; the server never shows it). */
  static codeAt(secret: string, at: Date): string {
    return new TOTP({ secret: Secret.fromBase32(secret), period: PERIOD_SECONDS }).generate({ timestamp: at.getTime() });
  }

  private async acceptTotp(userId: number, row: TwoFactorRow, code: string): Promise<boolean> {
    const token = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(token)) return false;
    const secret = open(this.key, row.secret_encrypted, SECRET_PURPOSE);
    const totp = new TOTP({ secret: Secret.fromBase32(secret), period: PERIOD_SECONDS });
    const timestamp = this.clock.now().getTime();
    const delta = totp.validate({ token, timestamp, window: 1 });
    if (delta === null) return false;
    const step = Math.floor(timestamp / 1000 / PERIOD_SECONDS) + delta;
    // Only a step newer than the last one used is accepted: atomic, so two racing logins cannot both win.
    const updated = returnedRows<{ user_id: number }>(await this.dataSource.query(
      `UPDATE two_factor SET last_used_step = $2 WHERE user_id = $1 AND (last_used_step IS NULL OR last_used_step < $2) RETURNING user_id`,
      [userId, step],
    ));
    return updated.length > 0;
  }

  private async describe(secret: string, login: string): Promise<Enrolment> {
    const totp = new TOTP({ issuer: this.config.siteName, label: login, secret: Secret.fromBase32(secret), period: PERIOD_SECONDS });
    const otpauthUrl = totp.toString();
    return { secret, otpauthUrl, qrDataUrl: await toDataURL(otpauthUrl, { errorCorrectionLevel: 'M', margin: 2, width: 220 }) };
  }

  private recoveryHash(code: string): Buffer {
    return keyedHash(this.config.secret, `recovery|${normalizeRecoveryCode(code)}`);
  }

  private async row(userId: number): Promise<TwoFactorRow | undefined> {
    const rows: TwoFactorRow[] = await this.dataSource.query(
      `SELECT secret_encrypted, enabled_at, last_used_step FROM two_factor WHERE user_id = $1`,
      [userId],
    );
    return rows[0];
  }
}
