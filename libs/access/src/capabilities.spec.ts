import { authorizationStatus, principalCan, principalCanEditUser } from './capabilities';
import type { Principal } from './principal';
import { capabilitiesOf, isRoleAtOrBelow, isRoleName, ROLE_NAMES, roleHasCapability, RoleName } from './roles';

function principal(role: RoleName, id = 7): Principal {
  return { user: { id, login: `u${id}`, email: `u${id}@example.test`, role }, grant: null, policy: { type: 'full' }, method: 'app-password' };
}

describe('roles', () => {
  it('are WordPress\'s five, in its order', () => {
    expect(ROLE_NAMES).toEqual(['administrator', 'editor', 'author', 'contributor', 'subscriber']);
    expect(isRoleName('editor')).toBe(true);
    expect(isRoleName('king')).toBe(false);
    expect(isRoleName(undefined)).toBe(false);
  });

  it('grant WordPress\'s capabilities, each role also its own name', () => {
    expect(capabilitiesOf('subscriber')).toEqual(['read', 'level_0', 'subscriber']);
    expect(capabilitiesOf('administrator')[0]).toBe('switch_themes');
    expect(capabilitiesOf('administrator')).toHaveLength(62);
    for (const role of ROLE_NAMES) expect(roleHasCapability(role, role)).toBe(true);
    expect(roleHasCapability('administrator', 'create_users')).toBe(true);
    expect(roleHasCapability('administrator', 'list_users')).toBe(true);
    for (const role of ['editor', 'author', 'contributor', 'subscriber'] as const) {
      expect(roleHasCapability(role, 'edit_users')).toBe(false);
      expect(roleHasCapability(role, 'list_users')).toBe(false);
      expect(roleHasCapability(role, 'create_users')).toBe(false);
    }
    expect(roleHasCapability('editor', 'edit_others_posts')).toBe(true);
    expect(roleHasCapability('author', 'publish_posts')).toBe(true);
    expect(roleHasCapability('contributor', 'publish_posts')).toBe(false);
    expect(roleHasCapability('subscriber', 'edit_posts')).toBe(false);
  });

  it('rank from administrator down to subscriber', () => {
    expect(isRoleAtOrBelow('author', 'editor')).toBe(true);
    expect(isRoleAtOrBelow('editor', 'editor')).toBe(true);
    expect(isRoleAtOrBelow('administrator', 'editor')).toBe(false);
  });
});

describe('capability checks', () => {
  it('principalCan: anonymous holds nothing', () => {
    expect(principalCan(undefined, 'read')).toBe(false);
    expect(principalCan(principal('subscriber'), 'read')).toBe(true);
    expect(principalCan(principal('editor'), 'create_users')).toBe(false);
  });

  it('principalCanEditUser: oneself always, anyone else only with edit_users', () => {
    expect(principalCanEditUser(principal('subscriber', 7), 7)).toBe(true);
    expect(principalCanEditUser(principal('subscriber', 7), 8)).toBe(false);
    expect(principalCanEditUser(principal('editor', 7), 8)).toBe(false);
    expect(principalCanEditUser(principal('administrator', 7), 8)).toBe(true);
    expect(principalCanEditUser(undefined, 7)).toBe(false);
  });

  it('authorizationStatus: 401 anonymous, 403 authenticated', () => {
    expect(authorizationStatus(undefined)).toBe(401);
    expect(authorizationStatus(principal('subscriber'))).toBe(403);
  });
});
