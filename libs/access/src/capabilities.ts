import { policyRole } from './policy';
import type { Principal } from './principal';
import { roleHasCapability } from './roles';

/** Whether the user behind the principal holds a capability, whatever the credential's policy says. */
export function userCan(principal: Principal | undefined, capability: string): boolean {
  return !!principal && roleHasCapability(principal.user.role, capability);
}

/**
 * Whether the request's principal holds a primitive capability: the one place that answers "may
 * this caller do X", for the guard and for services' row-level checks alike. A policy acting as a
 * lower role narrows it to the intersection of the user's capabilities and that role's.
 */
export function principalCan(principal: Principal | undefined, capability: string): boolean {
  if (!principal || !userCan(principal, capability)) return false;
  const role = policyRole(principal.policy);
  return role === undefined || roleHasCapability(role, capability);
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
