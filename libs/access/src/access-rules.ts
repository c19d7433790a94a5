import { WpError } from '@gatehouse/core';
import type { Requirement, SensitiveRouteOptions } from './access.decorators';
import { authorizationStatus, userCan } from './capabilities';
import { ipAllowed, policyRole, policyRules } from './policy';
import type { Principal } from './principal';
import { roleHasCapability } from './roles';
import { RouteRule, ruleMatches, ruleMethodOf } from './route-rules';

/**
 * Who may call which route: the guard gathers the facts, this file decides. Order of checks, after
 * authentication and parameter validation:
 *   1. expiry     — an expired credential is 401 rest_credential_expired, whatever the route;
 *   2. IP         — a credential used outside its allowed_ips is 403;
 *   3. the route's requirement — `@Requires`: anonymous is 401 (the route's code when it has one);
 *      the *user* lacking the capability is the route's own 401/403; then the credential's *role*
 *      lacking it is 403 rest_forbidden_by_credential_policy; `@Public()` routes skip this step and
 *      their service decides; a route with neither is refused (default deny);
 *   4. rules      — deny entries win, and an allow list admits nothing outside it (403);
 *   5. sensitive routes (`@SensitiveRoute`: credentials, account security) — a credential whose policy
 *      is not `full` needs an allow entry naming the route (403).
 * Cookie sessions (no grant) skip 1, 2, 4 and 5: the user acting in person is unrestricted.
 * Which *rows* a caller may touch stays with the services, through principalCan (which applies the
 * policy's role too).
 */
export interface AccessRequest {
  principal: Principal | undefined;
  /** HTTP method as received. */
  method: string;
  /** Canonical REST route (route-rules.ts), or null when it could not be read. */
  path: string | null;
  ip: string;
  now: Date;
  /** Validated parameters (for SensitiveRoute's selfParam and params). */
  params: Record<string, unknown>;
  requirement?: Requirement;
  isPublic: boolean;
  sensitive?: SensitiveRouteOptions;
}

export const POLICY_REFUSAL = 'rest_forbidden_by_credential_policy';

function refusedBy(part: string, detail: string): WpError {
  return new WpError(POLICY_REFUSAL, `Sorry, this credential's policy does not allow that: refused by its ${part} (${detail}).`, 403, { policy_part: part });
}

export function decideAccess(request: AccessRequest): void {
  const { principal, requirement } = request;
  const policy = principal?.grant ? principal.policy : undefined;

  // 1, 2: is the credential usable at all, here and now?
  if (policy?.expires_at !== undefined && Date.parse(policy.expires_at) <= request.now.getTime()) {
    throw new WpError('rest_credential_expired', `This credential expired at ${policy.expires_at}.`, 401);
  }
  if (policy?.allowed_ips !== undefined && !ipAllowed(request.ip, policy.allowed_ips)) {
    throw refusedBy('allowed_ips', `requests from ${request.ip || 'an unknown address'} are not in its ranges`);
  }

  // 3: the route's requirement.
  if (requirement) {
    if (!principal) {
      if (requirement.capability && requirement.code) throw new WpError(requirement.code, requirement.message ?? 'Sorry, you are not allowed to do that.', 401);
      throw new WpError('rest_not_logged_in', 'You are not currently logged in.', 401);
    }
    if (requirement.capability) {
      if (!userCan(principal, requirement.capability)) {
        throw new WpError(requirement.code ?? 'rest_forbidden', requirement.message ?? 'Sorry, you are not allowed to do that.', authorizationStatus(principal));
      }
      const role = policy ? policyRole(policy) : undefined;
      if (role && !roleHasCapability(role, requirement.capability)) {
        throw refusedBy('role', `acting as ${role}, which lacks the ${requirement.capability} capability`);
      }
    }
  } else if (!request.isPublic) {
    throw new WpError('rest_forbidden', 'Sorry, you are not allowed to do that.', authorizationStatus(principal));
  }
  if (!policy || policy.type === 'full') return;

  // 4: route rules.
  const rules = policyRules(policy);
  const method = ruleMethodOf(request.method);
  const allowedBy: RouteRule[] = [];
  if (rules) {
    if (method === null || request.path === null) throw refusedBy('rules', 'the request route could not be read');
    const denied = rules.deny.find((rule) => ruleMatches(rule, method, request.path as string));
    if (denied) throw refusedBy('rules', `deny "${denied.source}" matches ${method} ${request.path}`);
    if (rules.allow) {
      allowedBy.push(...rules.allow.filter((rule) => ruleMatches(rule, method, request.path as string)));
      if (allowedBy.length === 0) throw refusedBy('rules', `${method} ${request.path} is not in its allow list`);
    }
  }

  // 5: credentials and account security need an explicit allow entry.
  const sensitive = request.sensitive;
  if (sensitive && appliesTo(sensitive, request)) {
    if (!allowedBy.some(namesRoute)) {
      throw refusedBy('type', `${policy.type}: managing ${sensitive.what} needs a full policy or an allow rule naming this route`);
    }
  }
}

function appliesTo(sensitive: SensitiveRouteOptions, request: AccessRequest): boolean {
  if (sensitive.params && !sensitive.params.some((name) => request.params[name] !== undefined)) return false;
  if (sensitive.selfParam) {
    const target = request.params[sensitive.selfParam];
    if (typeof target === 'string' && target.toLowerCase() === request.principal?.grant?.id) return false;
  }
  return true;
}

/**
 * An allow entry "names" a route when the literal text before its first wildcard reaches at least
 * the namespace and the resource (`/wp/v2/users…`): `* /*` or `* /wp/v2/*` do not count.
 */
function namesRoute(rule: RouteRule): boolean {
  const literal = rule.pattern.split('*')[0];
  return literal.split('/').filter(Boolean).length >= 3;
}
