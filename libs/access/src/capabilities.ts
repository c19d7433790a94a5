import type { Principal } from './principal';
import { roleHasCapability } from './roles';

/**
 * Whether the request's principal holds a primitive capability. The one place that answers
 * "may this caller do X"; policies (role, rules) narrow it here.
 */
export function principalCan(principal: Principal | undefined, capability: string): boolean {
  if (!principal) return false;
  return roleHasCapability(principal.user.role, capability);
}

/**
 * WordPress's `edit_user` meta capability: a user may always edit themself; editing anyone else
 * needs `edit_users`.
 */
export function principalCanEditUser(principal: Principal | undefined, userId: number): boolean {
  if (!principal) return false;
  return principal.user.id === userId || principalCan(principal, 'edit_users');
}

/** WordPress answers 401 to anonymous callers and 403 to authenticated ones lacking permission. */
export function authorizationStatus(principal: Principal | undefined): 401 | 403 {
  return principal ? 403 : 401;
}
