import { WpError } from '@gatehouse/core';
import { AccessRequest, decideAccess } from './access-rules';
import { parsePolicy } from './policy';
import type { Principal } from './principal';
import type { RoleName } from './roles';

const NOW = new Date('2030-01-01T00:00:00Z');

function principal(role: RoleName, policy: object | null): Principal {
  return {
    user: { id: 7, login: 'u', email: 'u@example.test', role },
    grant: policy === null ? null : { id: '00000000-0000-4000-8000-000000000001', kind: 'app-password', appId: '', name: 'x', lastUsedAt: null },
    policy: parsePolicy(policy ?? {}, { ownerRole: role, now: new Date('2020-01-01T00:00:00Z') }),
    method: policy === null ? 'cookie' : 'app-password',
  };
}

function outcome(request: Partial<AccessRequest>): string {
  try {
    decideAccess({ principal: undefined, method: 'GET', path: '/wp/v2/posts', ip: '10.0.0.1', now: NOW, params: {}, isPublic: true, ...request });
    return 'allowed';
  } catch (error) {
    const body = (error as WpError).body;
    return `${body.data.status} ${body.code}`;
  }
}

describe('decideAccess', () => {
  const createPost = { method: 'POST', isPublic: false, requirement: { capability: 'edit_posts', code: 'rest_cannot_create', message: 'no' } };

  it('checks expiry first (401), then IP (403), before the route', () => {
    const expired = principal('administrator', { expires_at: '2029-06-01T00:00:00Z', allowed_ips: ['192.0.2.0/24'] });
    expect(outcome({ principal: expired, ...createPost })).toBe('401 rest_credential_expired');
    const elsewhere = principal('administrator', { allowed_ips: ['192.0.2.0/24'] });
    expect(outcome({ principal: elsewhere, ...createPost })).toBe('403 rest_forbidden_by_credential_policy');
    expect(outcome({ principal: elsewhere, ...createPost, ip: '192.0.2.9' })).toBe('allowed');
  });

  it('answers the route\'s own code for the user, then the policy for the credential\'s role', () => {
    expect(outcome({ ...createPost })).toBe('401 rest_cannot_create');
    expect(outcome({ principal: principal('subscriber', {}), ...createPost })).toBe('403 rest_cannot_create');
    expect(outcome({ principal: principal('administrator', { role: 'subscriber' }), ...createPost })).toBe('403 rest_forbidden_by_credential_policy');
    expect(outcome({ principal: principal('administrator', { role: 'contributor' }), ...createPost })).toBe('allowed');
  });

  it('default deny: neither @Requires nor @Public', () => {
    expect(outcome({ principal: principal('administrator', {}), isPublic: false })).toBe('403 rest_forbidden');
    expect(outcome({ isPublic: false })).toBe('401 rest_forbidden');
    expect(outcome({ isPublic: false, requirement: {} })).toBe('401 rest_not_logged_in');
  });

  it('applies rules on public routes too: deny wins, an allow list admits nothing else', () => {
    const rules = principal('administrator', { allow: ['GET /wp/v2/*'], deny: ['* /wp/v2/users*'] });
    expect(outcome({ principal: rules })).toBe('allowed');
    expect(outcome({ principal: rules, path: '/wp/v2/users/1' })).toBe('403 rest_forbidden_by_credential_policy');
    expect(outcome({ principal: rules, method: 'POST' })).toBe('403 rest_forbidden_by_credential_policy');
    expect(outcome({ principal: rules, method: 'HEAD' })).toBe('allowed');
    expect(outcome({ principal: rules, path: null })).toBe('403 rest_forbidden_by_credential_policy');
  });

  it('names the refusing part in the message', () => {
    try {
      decideAccess({ principal: principal('administrator', { deny: ['* /wp/v2/users*'] }), method: 'GET', path: '/wp/v2/users/1', ip: '', now: NOW, params: {}, isPublic: true });
      throw new Error('not refused');
    } catch (error) {
      expect((error as WpError).body.message).toBe(`Sorry, this credential's policy does not allow that: refused by its rules (deny "* /wp/v2/users*" matches GET /wp/v2/users/1).`);
    }
  });

  it('leaves cookie sessions unrestricted by policy', () => {
    expect(outcome({ principal: principal('administrator', null), ...createPost })).toBe('allowed');
    expect(outcome({ principal: principal('administrator', null), sensitive: { what: 'credentials' } })).toBe('allowed');
  });

  describe('sensitive routes', () => {
    const sensitive = { what: 'credentials', selfParam: 'uuid' };
    const path = '/wp/v2/users/me/application-passwords';

    it('need a full policy or an allow entry naming the route', () => {
      expect(outcome({ principal: principal('administrator', {}), path, sensitive })).toBe('allowed');
      expect(outcome({ principal: principal('administrator', { expires_at: '2031-01-01T00:00:00Z' }), path, sensitive })).toBe('allowed');
      expect(outcome({ principal: principal('administrator', { role: 'editor' }), path, sensitive })).toBe('403 rest_forbidden_by_credential_policy');
      expect(outcome({ principal: principal('administrator', { deny: ['* /wp/v2/posts*'] }), path, sensitive })).toBe('403 rest_forbidden_by_credential_policy');
      expect(outcome({ principal: principal('administrator', { allow: ['* /*'] }), path, sensitive })).toBe('403 rest_forbidden_by_credential_policy');
      expect(outcome({ principal: principal('administrator', { allow: ['* /wp/v2/*'] }), path, sensitive })).toBe('403 rest_forbidden_by_credential_policy');
      expect(outcome({ principal: principal('administrator', { allow: ['* /wp/v2/users/me/application-passwords*'] }), path, sensitive })).toBe('allowed');
      expect(outcome({ principal: principal('administrator', { role: 'author', allow: ['GET /wp/v2/users*'] }), path, sensitive })).toBe('allowed');
    });

    it('let a credential act on itself', () => {
      const self = principal('administrator', { role: 'author' });
      expect(outcome({ principal: self, path: `${path}/x`, sensitive, params: { uuid: self.grant?.id.toUpperCase() } })).toBe('allowed');
      expect(outcome({ principal: self, path: `${path}/x`, sensitive, params: { uuid: '00000000-0000-4000-8000-000000000002' } })).toBe('403 rest_forbidden_by_credential_policy');
    });

    it('can depend on the parameters sent (password, email, roles)', () => {
      const account = { what: "the account's login password, email or roles", params: ['password', 'email', 'roles'] };
      const limited = principal('administrator', { role: 'editor' });
      expect(outcome({ principal: limited, method: 'POST', path: '/wp/v2/users/me', sensitive: account, params: { name: 'New' } })).toBe('allowed');
      expect(outcome({ principal: limited, method: 'POST', path: '/wp/v2/users/me', sensitive: account, params: { email: 'x@example.test' } })).toBe('403 rest_forbidden_by_credential_policy');
    });
  });
});
