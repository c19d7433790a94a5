import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Grant, GrantEventsService, GrantPolicy, grantPolicyOf, parsePolicy, Principal, policyWithin, RoleName, splitPolicy } from '@gatehouse/access';
import { Clock, GATEHOUSE_CONFIG, isUuidIgnoringCase, keyedHash, safeEqual, WpError } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import { UsersService } from '@gatehouse/users';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull, Repository } from 'typeorm';
import { chunkAppPassword, generateAppPassword, normalizeAppPassword } from './app-password-format';
import { CredentialCache } from './credential-cache';
import { AppPassword } from './entities/app-password.entity';

export interface CreateAppPasswordInput {
  name: string;
  appId?: string;
  /** The policy as a client sent it (validated here); absent: full, or the longest lifetime allowed. */
  policy?: unknown;
}

/** The owner of the password being created or changed, and (for a request) the caller. */
export interface PolicyParties {
  ownerRole: RoleName;
  /** The request's principal; a credential can only create credentials within its own policy. */
  actor?: Principal;
}

const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="Gatehouse", charset="UTF-8"' };

function unauthorized(code: string, message: string): WpError {
  return new WpError(code, message, 401, {}, BASIC_CHALLENGE);
}

interface CredentialRow {
  grant_id: string;
  secret_hash: Buffer;
  app_id: string;
  policy: GrantPolicy;
  expires_at: Date | null;
  name: string;
  last_used_at: Date | null;
  user_id: number;
  login: string;
  email: string;
  role: Principal['user']['role'];
}

/** Application passwords: each is a grant plus the keyed hash of its secret. */
@Injectable()
export class AppPasswordsService {
  constructor(
    @InjectRepository(Grant) private readonly grants: Repository<Grant>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly users: UsersService,
    private readonly events: GrantEventsService,
    private readonly cache: CredentialCache,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates a password; the plain password is returned once, chunked for display, and never stored.
   * The policy is validated for the owner (400) and, when a credential asks, must lie within that
   * credential's own policy (403 rest_credential_policy_escalation): no credential mints a stronger one.
   */
  async create(userId: number, input: CreateAppPasswordInput, parties?: PolicyParties): Promise<{ grant: Grant; password: string }> {
    const ownerRole = parties?.ownerRole ?? (await this.users.findById(userId))?.role;
    if (!ownerRole) throw new WpError('rest_user_invalid_id', 'Invalid user ID.', 404);
    const now = this.clock.now();
    const policy = parsePolicy(input.policy, { ownerRole, now, maxLifetimeDays: this.config.maxCredentialDays });
    const actor = parties?.actor;
    if (actor?.grant) {
      const containment = policyWithin(policy, actor.policy);
      if (!containment.within) {
        throw new WpError(
          'rest_credential_policy_escalation',
          `A credential can only create credentials within its own policy: ${containment.reason}.`,
          403,
        );
      }
    }
    const { stored, expiresAt } = splitPolicy(policy);
    const password = generateAppPassword();
    const grant = this.grants.create({
      id: randomUUID(),
      userId,
      kind: 'app-password',
      appId: input.appId ?? '',
      name: input.name,
      policy: stored,
      createdAt: now,
      expiresAt,
      lastUsedAt: null,
      lastIp: null,
      revokedAt: null,
    });
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(Grant, grant);
      await manager.insert(AppPassword, { grantId: grant.id, secretHash: this.hash(password) });
    });
    return { grant, password: chunkAppPassword(password) };
  }

  listActive(userId: number): Promise<Grant[]> {
    return this.grants.find({
      where: { userId, kind: 'app-password', revokedAt: IsNull() },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  async findActive(userId: number, uuid: string): Promise<Grant | null> {
    if (!isUuidIgnoringCase(uuid)) return null;
    return this.grants.findOneBy({ id: uuid.toLowerCase(), userId, kind: 'app-password', revokedAt: IsNull() });
  }

  async rename(grant: Grant, name: string): Promise<Grant> {
    await this.grants.update({ id: grant.id }, { name });
    grant.name = name;
    return grant;
  }

  /**
   * Narrows a password's policy. The new policy must lie within the current one (403
   * rest_credential_policy_widening otherwise); every process forgets the cached principal at once.
   */
  async narrowPolicy(grant: Grant, input: unknown, ownerRole: RoleName): Promise<Grant> {
    const current = grantPolicyOf(grant.policy, grant.expiresAt);
    const policy = parsePolicy(input, { ownerRole, now: this.clock.now() });
    const containment = policyWithin(policy, current);
    if (!containment.within) {
      throw new WpError('rest_credential_policy_widening', `A credential's policy can only be narrowed: ${containment.reason}.`, 403);
    }
    const { stored, expiresAt } = splitPolicy(policy);
    await this.dataSource.transaction(async (manager) => {
      await manager.update(Grant, { id: grant.id }, { policy: stored, expiresAt });
      await this.events.publish(manager, grant.id);
    });
    grant.policy = stored;
    grant.expiresAt = expiresAt;
    return grant;
  }

  /** Revokes one password; every token made from it dies with it, in every process. */
  async revoke(grantId: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager
        .createQueryBuilder()
        .update(Grant)
        .set({ revokedAt: () => 'now()' })
        .where('id = :id AND revoked_at IS NULL', { id: grantId })
        .execute();
      // The hash is useless once revoked: drop it.
      await manager.delete(AppPassword, { grantId });
      if (!result.affected) return false;
      await this.events.publish(manager, grantId);
      return true;
    });
  }

  async revokeAll(userId: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      // TypeORM's postgres driver answers an UPDATE … RETURNING with [rows, affectedCount].
      const [rows] = (await manager.query(
        `UPDATE grants SET revoked_at = now() WHERE user_id = $1 AND kind = 'app-password' AND revoked_at IS NULL RETURNING id`,
        [userId],
      )) as [{ id: string }[], number];
      if (rows.length > 0) {
        await manager.query(`DELETE FROM app_passwords WHERE grant_id = ANY($1::uuid[])`, [rows.map((row) => row.id)]);
        for (const row of rows) await this.events.publish(manager, row.id);
      }
      return rows.length;
    });
  }

  /**
   * HTTP Basic with an application password. `identifier` is a login or (with `@`) an email. Errors
   * are WordPress's: `invalid_username`/`invalid_email` for an unknown user, `incorrect_password`
   * for anything else — including the user's login password, which never works here.
   */
  async authenticate(identifier: string, rawPassword: string): Promise<Principal> {
    const hash = this.hash(normalizeAppPassword(rawPassword));
    const key = hash.toString('base64');
    const cached = await this.cache.getFresh(key);
    if (cached && identifies(identifier, cached.user)) return cached;

    const snapshot = this.cache.snapshot();
    const rows: CredentialRow[] = await this.dataSource.query(
      `SELECT ap.grant_id, ap.secret_hash, g.app_id, g.name, g.policy, g.expires_at, g.last_used_at, u.id AS user_id, u.login, u.email, u.role
         FROM app_passwords ap
         JOIN grants g ON g.id = ap.grant_id
         JOIN users u ON u.id = g.user_id
        WHERE ap.secret_hash = $1 AND g.revoked_at IS NULL`,
      [hash],
    );
    const row = rows[0];
    if (row && safeEqual(row.secret_hash, hash) && identifies(identifier, row)) {
      const principal: Principal = {
        user: { id: row.user_id, login: row.login, email: row.email, role: row.role },
        grant: { id: row.grant_id, kind: 'app-password', appId: row.app_id, name: row.name, lastUsedAt: row.last_used_at },
        // Expiry and IP ranges are enforced by the access guard, so an expired password gets its own 401.
        policy: grantPolicyOf(row.policy, row.expires_at),
        method: 'app-password',
      };
      this.cache.set(key, principal, snapshot);
      return principal;
    }

    const user = await this.users.findByLoginOrEmail(identifier);
    if (!user) {
      throw identifier.includes('@')
        ? unauthorized('invalid_email', '<strong>Error:</strong> Unknown email address. Check again or try your username.')
        : unauthorized('invalid_username', '<strong>Error:</strong> Unknown username. Check again or try your email address.');
    }
    throw unauthorized('incorrect_password', 'The provided password is an invalid application password.');
  }

  private hash(password: string): Buffer {
    return keyedHash(this.config.secret, password);
  }
}

function identifies(identifier: string, user: { login: string; email: string }): boolean {
  const wanted = identifier.toLowerCase();
  return identifier.includes('@') ? user.email.toLowerCase() === wanted : user.login.toLowerCase() === wanted;
}
