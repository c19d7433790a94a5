import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PrincipalUser } from '@gatehouse/access';
import { Clock, GATEHOUSE_CONFIG, keyedHash } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import { randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../sql';

/** WordPress's cookie lifetimes: two days, or fourteen with "Remember Me". */
export const SESSION_TTL_MS = 2 * 86_400_000;
export const REMEMBERED_SESSION_TTL_MS = 14 * 86_400_000;
/** A browsing user must not turn every page view into a write. */
const LAST_SEEN_WRITE_INTERVAL_MS = 60_000;

export interface LoginSession {
  id: string;
  userId: number;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  ip: string;
  userAgent: string;
}

interface SessionRow {
  id: string;
  user_id: number;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  ip: string;
  user_agent: string;
}

interface ResolvedRow extends SessionRow {
  login: string;
  email: string;
  role: PrincipalUser['role'];
}

function toSession(row: SessionRow): LoginSession {
  return { id: row.id, userId: row.user_id, createdAt: row.created_at, lastSeenAt: row.last_seen_at, expiresAt: row.expires_at, ip: row.ip, userAgent: row.user_agent };
}

/**
 * Browser logins, kept in PostgreSQL so a user can list and end them and every instance agrees. The
 * cookie holds 256 random bits; the table holds only their keyed hash.
 */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {}

  idFor(cookieValue: string): string {
    return keyedHash(this.config.secret, `session|${cookieValue}`).toString('hex');
  }

  async create(userId: number, details: { ip: string; userAgent: string; remember: boolean }): Promise<{ cookieValue: string; session: LoginSession }> {
    const cookieValue = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + (details.remember ? REMEMBERED_SESSION_TTL_MS : SESSION_TTL_MS));
    const rows: SessionRow[] = await this.dataSource.query(
      `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
       VALUES ($1, $2, $3, $3, $4, $5, $6) RETURNING *`,
      [this.idFor(cookieValue), userId, now, expiresAt, details.ip.slice(0, 45), details.userAgent.slice(0, 400)],
    );
    return { cookieValue, session: toSession(rows[0]) };
  }

  /** The live session a cookie names, with its user; one query (plus a throttled last-seen write). */
  async resolve(cookieValue: string, ip: string): Promise<{ session: LoginSession; user: PrincipalUser } | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(cookieValue)) return null;
    const now = this.clock.now();
    const rows: ResolvedRow[] = await this.dataSource.query(
      `SELECT s.*, u.login, u.email, u.role FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2`,
      [this.idFor(cookieValue), now],
    );
    const row = rows[0];
    if (!row) return null;
    if (now.getTime() - row.last_seen_at.getTime() >= LAST_SEEN_WRITE_INTERVAL_MS) {
      await this.dataSource.query(`UPDATE sessions SET last_seen_at = $2, ip = $3 WHERE id = $1`, [row.id, now, ip.slice(0, 45)]);
      row.last_seen_at = now;
      row.ip = ip;
    }
    return { session: toSession(row), user: { id: row.user_id, login: row.login, email: row.email, role: row.role } };
  }

  async listActive(userId: number): Promise<LoginSession[]> {
    const rows: SessionRow[] = await this.dataSource.query(
      `SELECT * FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY last_seen_at DESC`,
      [userId, this.clock.now()],
    );
    return rows.map(toSession);
  }

  async revoke(sessionId: string): Promise<void> {
    await this.dataSource.query(`UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, [sessionId, this.clock.now()]);
  }

  /**
   * Inside a password change's transaction: every session of the user ends, but `keepSessionId`
   * (the browser that changed it), as WordPress's cookies die with the old password hash.
   */
  async revokeAllInTransaction(manager: EntityManager, userId: number, keepSessionId: string | undefined): Promise<void> {
    await manager.query(
      `UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL`,
      [userId, keepSessionId ?? '', this.clock.now()],
    );
  }

  /** "Log out everywhere else": every session of the user but this one. */
  async revokeOthers(userId: number, keepSessionId: string): Promise<number> {
    const rows = returnedRows<{ id: string }>(await this.dataSource.query(
      `UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL RETURNING id`,
      [userId, keepSessionId, this.clock.now()],
    ));
    return rows.length;
  }
}
