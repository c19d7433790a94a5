import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { grantPolicyOf } from '@gatehouse/access';
import type { GrantPolicy, Principal, PrincipalGrant, RoleName } from '@gatehouse/access';
import { Clock, GATEHOUSE_CONFIG, isUuid } from '@gatehouse/core';
import type { GatehouseConfig } from '@gatehouse/core';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { epochSeconds } from './epoch-seconds';
import { GrantState, GrantStateCache } from './grant-state.cache';
import { CLOCK_LEEWAY_SECONDS, SigningKeysService } from './signing-keys.service';
import { TokenErrors } from './token-errors';

/** The claims of a Gatehouse access token. */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  /** The application password (grant) the token was made from, as jwt-auth names it. */
  api_key: string;
  /** The refresh-token family the token was minted in: reuse detection revokes the whole family. */
  fam: string;
  data: { user: TokenUser };
}

export interface TokenUser {
  id: number;
  type: 'wp_user';
  user_login: string;
  user_email: string;
  api_key: string;
}

/** What the bearer strategy leaves on the request for `/token/validate`. */
export interface VerifiedAccessToken {
  exp: number;
  familyId: string;
  jti: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the request was authenticated by an access token. */
    accessToken?: VerifiedAccessToken;
  }
}


/** A grant joined with its user, as the token paths read it. */
export interface GrantRow {
  grant_id: string;
  kind: PrincipalGrant['kind'];
  app_id: string;
  name: string;
  last_used_at: Date | null;
  policy: GrantPolicy;
  /** The grant's expiry, part of its policy (the access guard refuses an expired grant's tokens). */
  expires_at: Date | null;
  user_id: number;
  login: string;
  email: string;
  role: RoleName;
}

/** The principal a token of this grant acts as: the application password's own, so every rule applies unchanged. */
export function principalFromRow(row: GrantRow): Principal {
  return {
    user: { id: row.user_id, login: row.login, email: row.email, role: row.role },
    grant: { id: row.grant_id, kind: row.kind, appId: row.app_id, name: row.name, lastUsedAt: row.last_used_at },
    policy: grantPolicyOf(row.policy, row.expires_at),
    method: 'jwt',
  };
}

export function tokenUser(principal: Principal): TokenUser {
  return {
    id: principal.user.id,
    type: 'wp_user',
    user_login: principal.user.login,
    user_email: principal.user.email,
    api_key: principal.grant?.id ?? '',
  };
}

/** Mints access tokens and turns a verified token back into its principal. */
@Injectable()
export class AccessTokensService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly keys: SigningKeysService,
    private readonly clock: Clock,
    private readonly cache: GrantStateCache,
  ) {}

  get issuer(): string {
    return this.config.siteUrl;
  }

  /** Tokens are for this site's REST API; a verifier elsewhere checks `aud` against this. */
  get audience(): string {
    return `${this.config.siteUrl}/wp-json`;
  }

  async mint(principal: Principal, familyId: string): Promise<{ token: string; expiresIn: number }> {
    if (!principal.grant) throw new Error('access tokens are made from a grant');
    const now = epochSeconds(this.clock.now());
    const ttl = this.config.accessTokenTtl;
    const claims: AccessTokenClaims = {
      iss: this.issuer,
      aud: this.audience,
      sub: String(principal.user.id),
      iat: now,
      nbf: now,
      exp: now + ttl,
      jti: randomUUID(),
      api_key: principal.grant.id,
      fam: familyId,
      data: { user: tokenUser(principal) },
    };
    return { token: await this.keys.sign(claims as unknown as Record<string, unknown>), expiresIn: ttl };
  }

  /**
   * Signature, algorithm, issuer and audience are checked by passport-jwt before this. Here: the time
   * claims against the injected clock (with the leeway), the claims' shape, then the grant — active,
   * same user, family not revoked — from the cache or one query.
   */
  async principalFor(payload: unknown): Promise<{ principal: Principal; token: VerifiedAccessToken }> {
    const claims = payload as Partial<AccessTokenClaims> | null;
    if (!claims || typeof claims !== 'object') throw TokenErrors.malformed();
    const now = epochSeconds(this.clock.now());
    if (typeof claims.exp !== 'number') throw TokenErrors.malformed('The token has no expiry.');
    if (now >= claims.exp + CLOCK_LEEWAY_SECONDS) throw TokenErrors.expired();
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > now + CLOCK_LEEWAY_SECONDS)) {
      throw TokenErrors.malformed('The token is not valid yet.');
    }
    if (claims.iat !== undefined && (typeof claims.iat !== 'number' || claims.iat > now + CLOCK_LEEWAY_SECONDS)) {
      throw TokenErrors.malformed('The token is not valid yet.');
    }
    const { sub, api_key: grantId, fam, jti } = claims;
    if (typeof sub !== 'string' || typeof grantId !== 'string' || !isUuid(grantId) || typeof fam !== 'string' || typeof jti !== 'string') {
      throw TokenErrors.malformed();
    }
    const state = await this.grantState(grantId);
    if (!state.principal) throw TokenErrors.revokedKey();
    if (String(state.principal.user.id) !== sub) throw TokenErrors.malformed();
    if (state.revokedFamilies.has(fam)) throw TokenErrors.malformed('The token has been revoked.');
    return { principal: state.principal, token: { exp: claims.exp, familyId: fam, jti } };
  }

  /** The grant's status, from the cache or one query (grant, user and recently revoked families together). */
  async grantState(grantId: string): Promise<GrantState> {
    const cached = await this.cache.getFresh(grantId);
    if (cached) return cached;
    const snapshot = this.cache.snapshot();
    // A family revoked longer ago than an access token lives has no live access tokens left.
    const horizon = new Date(this.clock.now().getTime() - (this.config.accessTokenTtl + CLOCK_LEEWAY_SECONDS * 2) * 1000);
    const rows: (GrantRow & { revoked_at: Date | null; revoked_families: string[] })[] = await this.dataSource.query(
      `SELECT g.id AS grant_id, g.kind, g.app_id, g.name, g.last_used_at, g.policy, g.expires_at, g.revoked_at,
              u.id AS user_id, u.login, u.email, u.role,
              ARRAY(SELECT f.id::text FROM token_families f
                     WHERE f.grant_id = g.id AND f.revoked_at IS NOT NULL AND f.revoked_at > $2) AS revoked_families
         FROM grants g JOIN users u ON u.id = g.user_id
        WHERE g.id = $1`,
      [grantId, horizon],
    );
    const row = rows[0];
    const state: GrantState = {
      grantId,
      principal: row && row.revoked_at === null ? principalFromRow(row) : null,
      revokedFamilies: new Set(row?.revoked_families ?? []),
    };
    this.cache.set(grantId, state, snapshot);
    return state;
  }
}
