import type { RoleName } from './roles';

export type AuthMethod = 'app-password' | 'jwt' | 'oauth2' | 'oauth1' | 'cookie';

/** The user fields every check needs; the users lib's entity satisfies it. */
export interface PrincipalUser {
  id: number;
  login: string;
  email: string;
  role: RoleName;
}

/** Limits any policy may carry, whatever its kind. */
export interface PolicyLimits {
  /** ISO-8601 UTC instant after which the credential is refused (401 rest_credential_expired). */
  expires_at?: string;
  /** CIDR ranges the credential may be used from; absent: anywhere. */
  allowed_ips?: string[];
}

/** `METHODS ROUTE-PATTERN` entries, e.g. `GET,POST /wp/v2/posts*`; deny wins; an allow list admits nothing outside it. */
export interface PolicyRules {
  allow?: string[];
  deny?: string[];
}

/**
 * What a credential may do (see policy.ts for validation and narrowing):
 *  - `full`: everything its user can do;
 *  - `role`: acts as a role at or below the user's (capabilities are the intersection), optionally
 *    further limited by rules — the combination the design allows;
 *  - `rules`: only routes its allow/deny rules admit.
 */
export type GrantPolicy =
  | ({ type: 'full' } & PolicyLimits)
  | ({ type: 'role'; role: RoleName } & PolicyRules & PolicyLimits)
  | ({ type: 'rules' } & PolicyRules & PolicyLimits);

export interface PrincipalGrant {
  id: string;
  kind: 'app-password' | 'oauth2' | 'oauth1';
  appId: string;
  name: string;
  lastUsedAt: Date | null;
}

/** One shape for every kind of credential: who, through which grant, under which policy, how. */
export interface Principal {
  user: PrincipalUser;
  /** Null for a cookie session: the user acting in person. */
  grant: PrincipalGrant | null;
  policy: GrantPolicy;
  method: AuthMethod;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the access guard; undefined for an anonymous request. */
    principal?: Principal;
    /** Set by the access guard once the request's credentials (or their absence) were accepted. */
    credentialsChecked?: boolean;
    /** Route parameters validated and coerced against the route's declared arguments. */
    wpParams?: Record<string, unknown>;
  }
}
