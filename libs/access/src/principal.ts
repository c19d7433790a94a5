import type { RoleName } from './roles';

export type AuthMethod = 'app-password' | 'jwt' | 'oauth2' | 'oauth1' | 'cookie';

/** The user fields every check needs; the users lib's entity satisfies it. */
export interface PrincipalUser {
  id: number;
  login: string;
  email: string;
  role: RoleName;
}

/** What a credential may do (issue "access" widens this to role and rules). */
export interface GrantPolicy {
  type: 'full';
}

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
