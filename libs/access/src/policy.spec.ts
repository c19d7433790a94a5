import { WpError } from '@gatehouse/core';
import { cidrWithin, grantPolicyOf, ipAllowed, normalizeCidr, parsePolicy, PolicyContext, policyWithin, splitPolicy } from './policy';
import type { GrantPolicy } from './principal';
import { capabilitiesOf, ROLE_NAMES } from './roles';

const NOW = new Date('2030-01-01T00:00:00Z');
const admin: PolicyContext = { ownerRole: 'administrator', now: NOW };

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WpError);
    const body = (error as WpError).body;
    expect(body.code).toBe('rest_invalid_param');
    expect(body.data.status).toBe(400);
    return (body.data.params as Record<string, string>).policy;
  }
  throw new Error('expected a 400');
}

describe('parsePolicy', () => {
  it('defaults to full and infers the type', () => {
    expect(parsePolicy(undefined, admin)).toEqual({ type: 'full' });
    expect(parsePolicy({}, admin)).toEqual({ type: 'full' });
    expect(parsePolicy({ role: 'author' }, admin)).toEqual({ type: 'role', role: 'author' });
    expect(parsePolicy({ allow: ['get /wp/v2/posts*'] }, admin)).toEqual({ type: 'rules', allow: ['GET /wp/v2/posts*'] });
  });

  it('combines a role with rules as type role', () => {
    expect(parsePolicy({ type: 'rules', role: 'editor', deny: ['* /wp/v2/users*'] }, admin)).toEqual({ type: 'role', role: 'editor', deny: ['* /wp/v2/users*'] });
  });

  it('normalises limits', () => {
    expect(parsePolicy({ expires_at: '2030-02-01T00:00:00', allowed_ips: ['10.1.2.3/8', '192.0.2.7', '10.0.0.0/8'] }, admin)).toEqual({
      type: 'full',
      expires_at: '2030-02-01T00:00:00.000Z',
      allowed_ips: ['10.0.0.0/8', '192.0.2.7/32'],
    });
    expect(parsePolicy({ expires_at: '2030-01-01T02:00:00+02:00', deny: [] }, { ...admin, now: new Date('2029-12-31T00:00:00Z') })).toEqual({
      type: 'full',
      expires_at: '2030-01-01T00:00:00.000Z',
    });
  });

  it.each([
    ['not an object', 'x', 'policy must be an object.'],
    ['unknown field', { roles: ['author'] }, '"roles" is not a policy field'],
    ['unknown type', { type: 'some' }, 'type must be one of full, role, rules.'],
    ['unknown role', { role: 'owner' }, 'role must be one of'],
    ['full with a role', { type: 'full', role: 'author' }, 'a full policy has no role'],
    ['role without a role', { type: 'role' }, 'a role policy needs a role.'],
    ['rules without rules', { type: 'rules', deny: [] }, 'a rules policy needs allow or deny entries.'],
    ['rules not a list', { allow: 'GET /x' }, 'allow must be a list'],
    ['bad rule', { deny: ['GET /wp/v2/../users'] }, 'deny: the route pattern'],
    ['bad method', { allow: ['FETCH /wp/v2/posts'] }, 'allow: "FETCH"'],
    ['bad date', { expires_at: 'tomorrow' }, 'expires_at must be a date-time'],
    ['past date', { expires_at: '2029-12-31T23:59:59Z' }, 'expires_at must be in the future.'],
    ['bad cidr', { allowed_ips: ['10.0.0.0/33'] }, 'allowed_ips: "10.0.0.0/33"'],
    ['bad ip', { allowed_ips: ['example.com'] }, 'allowed_ips: "example.com"'],
    ['ips not a list', { allowed_ips: '10.0.0.0/8' }, 'allowed_ips must be a list'],
  ])('refuses %s with a 400 naming the problem', (_name, input, message) => {
    expect(problem(() => parsePolicy(input, admin))).toContain(message);
  });

  it('refuses a role above the owner\'s own', () => {
    expect(problem(() => parsePolicy({ role: 'editor' }, { ownerRole: 'author', now: NOW }))).toBe("role must be at or below the user's own role (author).");
    expect(parsePolicy({ role: 'author' }, { ownerRole: 'author', now: NOW })).toEqual({ type: 'role', role: 'author' });
  });

  it('applies the maximum lifetime: a default expiry, and no later one', () => {
    const capped = { ...admin, maxLifetimeDays: 30 };
    expect(parsePolicy({}, capped)).toEqual({ type: 'full', expires_at: '2030-01-31T00:00:00.000Z' });
    expect(parsePolicy({ expires_at: '2030-01-31T00:00:00Z' }, capped).expires_at).toBe('2030-01-31T00:00:00.000Z');
    expect(problem(() => parsePolicy({ expires_at: '2030-01-31T00:00:01Z' }, capped))).toContain('within 30 days');
  });
});

describe('policyWithin (narrowing)', () => {
  const p = (input: object): GrantPolicy => parsePolicy(input, { ownerRole: 'administrator', now: new Date('2020-01-01T00:00:00Z') });
  const within = (inner: object, outer: object) => policyWithin(p(inner), p(outer)).within;

  it('full contains everything, and only full contains full', () => {
    for (const inner of [{}, { role: 'author' }, { allow: ['GET /x'] }, { expires_at: '2030-01-01T00:00:00Z' }, { allowed_ips: ['10.0.0.0/8'] }]) {
      expect(within(inner, {})).toBe(true);
    }
    for (const outer of [{ role: 'author' }, { allow: ['GET /x'] }, { deny: ['GET /x'] }, { expires_at: '2030-01-01T00:00:00Z' }, { allowed_ips: ['10.0.0.0/8'] }]) {
      expect(within({}, outer)).toBe(false);
    }
  });

  it('roles: the same or lower', () => {
    expect(within({ role: 'author' }, { role: 'editor' })).toBe(true);
    expect(within({ role: 'editor' }, { role: 'editor' })).toBe(true);
    expect(within({ role: 'editor' }, { role: 'author' })).toBe(false);
    // Adding rules to a role narrows it; dropping the role widens.
    expect(within({ role: 'author', allow: ['GET /wp/v2/posts*'] }, { role: 'author' })).toBe(true);
    expect(within({ allow: ['GET /wp/v2/posts*'] }, { role: 'author' })).toBe(false);
  });

  it('the default roles are nested, so rank order is capability-set inclusion', () => {
    const own = (role: (typeof ROLE_NAMES)[number]) => capabilitiesOf(role).filter((cap) => !(ROLE_NAMES as readonly string[]).includes(cap));
    for (let index = 1; index < ROLE_NAMES.length; index++) {
      const higher = new Set(own(ROLE_NAMES[index - 1]));
      expect(own(ROLE_NAMES[index]).filter((cap) => !higher.has(cap))).toEqual([]);
    }
  });

  it('allow lists: each entry inside an old one', () => {
    expect(within({ allow: ['GET /wp/v2/posts/*'] }, { allow: ['GET,POST /wp/v2/posts*'] })).toBe(true);
    expect(within({ allow: ['GET /wp/v2/posts*', 'POST /wp/v2/posts'] }, { allow: ['GET,POST /wp/v2/posts*'] })).toBe(true);
    expect(within({ allow: [] }, { allow: ['GET /wp/v2/posts*'] })).toBe(true);
    expect(within({ allow: ['DELETE /wp/v2/posts/*'] }, { allow: ['GET,POST /wp/v2/posts*'] })).toBe(false);
    expect(within({ allow: ['GET /wp/v2/*'] }, { allow: ['GET /wp/v2/posts*'] })).toBe(false);
    expect(within({ deny: ['* /wp/v2/users*'] }, { allow: ['GET /wp/v2/posts*'] })).toBe(false);
  });

  it('deny lists: kept, or out of reach of the new allow list', () => {
    expect(within({ deny: ['* /wp/v2/users*'] }, { deny: ['* /wp/v2/users*'] })).toBe(true);
    expect(within({ deny: ['* /wp/v2/*'] }, { deny: ['DELETE /wp/v2/users*'] })).toBe(true);
    expect(within({ deny: ['GET /wp/v2/users*'] }, { deny: ['* /wp/v2/users*'] })).toBe(false);
    expect(within({ allow: ['GET /wp/v2/posts*'] }, { deny: ['* /wp/v2/users*'] })).toBe(true);
    expect(within({ allow: ['GET /wp/v2/*'] }, { deny: ['* /wp/v2/users*'] })).toBe(false);
    expect(within({ allow: ['GET /wp/v2/*'], deny: ['* /wp/v2/users*'] }, { allow: ['* /wp/v2/*'], deny: ['* /wp/v2/users*'] })).toBe(true);
  });

  it('expiry: no later than the old one', () => {
    expect(within({ expires_at: '2030-01-01T00:00:00Z' }, { expires_at: '2030-01-02T00:00:00Z' })).toBe(true);
    expect(within({ expires_at: '2030-01-02T00:00:00Z' }, { expires_at: '2030-01-02T00:00:00Z' })).toBe(true);
    expect(within({ expires_at: '2030-01-03T00:00:00Z' }, { expires_at: '2030-01-02T00:00:00Z' })).toBe(false);
    expect(within({}, { expires_at: '2030-01-02T00:00:00Z' })).toBe(false);
  });

  it('IP ranges: each inside an old one', () => {
    expect(within({ allowed_ips: ['10.1.0.0/16', '10.2.3.4'] }, { allowed_ips: ['10.0.0.0/8'] })).toBe(true);
    expect(within({ allowed_ips: ['10.0.0.0/7'] }, { allowed_ips: ['10.0.0.0/8'] })).toBe(false);
    expect(within({ allowed_ips: ['2001:db8::/48'] }, { allowed_ips: ['2001:db8::/32'] })).toBe(true);
    expect(within({ allowed_ips: ['2001:db8::/48'] }, { allowed_ips: ['10.0.0.0/8'] })).toBe(false);
    expect(within({}, { allowed_ips: ['10.0.0.0/8'] })).toBe(false);
    expect(within({ allowed_ips: [] }, { allowed_ips: ['10.0.0.0/8'] })).toBe(true);
  });

  it('says why a widening is refused', () => {
    expect(policyWithin(p({ role: 'editor' }), p({ role: 'author' }))).toEqual({ within: false, reason: 'it must act as author or a lower role' });
    expect(policyWithin(p({ allow: ['* /wp/v2/*'] }), p({ allow: ['GET /wp/v2/posts*'] }))).toEqual({
      within: false,
      reason: 'allow "* /wp/v2/*" is not inside the current allow list',
    });
  });
});

describe('IP ranges', () => {
  it('normalises and matches addresses, IPv4-mapped IPv6 as IPv4', () => {
    expect(normalizeCidr('::ffff:10.1.2.3/104')).toBe('10.0.0.0/8');
    expect(normalizeCidr('2001:db8::1')).toBe('2001:db8::1/128');
    expect(ipAllowed('10.9.8.7', ['10.0.0.0/8'])).toBe(true);
    expect(ipAllowed('::ffff:10.9.8.7', ['10.0.0.0/8'])).toBe(true);
    expect(ipAllowed('11.0.0.1', ['10.0.0.0/8'])).toBe(false);
    expect(ipAllowed('2001:db8::5', ['10.0.0.0/8', '2001:db8::/32'])).toBe(true);
    expect(ipAllowed('', ['0.0.0.0/0'])).toBe(false);
    expect(cidrWithin('10.0.0.0/8', '0.0.0.0/0')).toBe(true);
  });
});

describe('storage', () => {
  it('keeps expiry in the grant column and the rest in the policy', () => {
    const policy = parsePolicy({ role: 'author', expires_at: '2031-01-01T00:00:00Z' }, admin);
    const { stored, expiresAt } = splitPolicy(policy);
    expect(stored).toEqual({ type: 'role', role: 'author' });
    expect(expiresAt?.toISOString()).toBe('2031-01-01T00:00:00.000Z');
    expect(grantPolicyOf(stored, expiresAt)).toEqual(policy);
    expect(grantPolicyOf(null, null)).toEqual({ type: 'full' });
  });
});
