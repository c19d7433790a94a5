import type { RoleName } from '@gatehouse/access';
import { Clock } from '@gatehouse/core';
import { PostsService } from '@gatehouse/posts';
import { basic, createTestApp, TestApp, TestUser } from './support/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field

/**
 * Per-credential policies against real PostgreSQL. The matrix is data: a route or a policy is a row
 * (or a named entry below), never new code.
 */

// Policies by name, given to credentials of several users.
const POLICIES: Record<string, object> = {
  full: {},
  'as-author': { role: 'author' },
  'as-contributor': { role: 'contributor' },
  'as-subscriber': { role: 'subscriber' },
  'read-posts': { allow: ['GET /wp/v2/posts*'] },
  'no-users': { deny: ['* /wp/v2/users*'] },
  'deny-wins': { allow: ['* /wp/v2/*'], deny: ['DELETE /wp/v2/posts*'] },
  'author-posts': { role: 'author', allow: ['GET,POST,PUT /wp/v2/posts*'] },
  'edit-me': { allow: ['POST /wp/v2/users/me'] },
  'users-broad': { allow: ['* /wp/*'] },
};

// Who holds which policy: `${login}:${policy}`.
const USERS: Record<string, RoleName> = { admin: 'administrator', ed: 'editor', contrib: 'contributor' };

/**
 * [credential, method, url, body, status, code]. URLs are below the site root; placeholders:
 * {own} a published post of the credential's user, {other} a published post of another author,
 * {fresh-other} a new published post of another author (for deletions), {fresh-own} likewise its own,
 * {unique} a unique suffix.
 */
type Row = [string, string, string, object | null, number, string | null];
const MATRIX: Row[] = [
  // Control: the user's own capabilities, under a full policy.
  ['anonymous', 'GET', '/wp-json/wp/v2/posts', null, 200, null],
  ['anonymous', 'POST', '/wp-json/wp/v2/posts', { title: 'x' }, 401, 'rest_cannot_create'],
  ['admin:full', 'GET', '/wp-json/wp/v2/posts', null, 200, null],
  ['admin:full', 'POST', '/wp-json/wp/v2/posts', { title: 'x', status: 'publish' }, 201, null],
  ['admin:full', 'PUT', '/wp-json/wp/v2/posts/{other}', { title: 'by admin' }, 200, null],
  ['admin:full', 'DELETE', '/wp-json/wp/v2/posts/{fresh-other}', null, 200, null],
  ['admin:full', 'GET', '/wp-json/wp/v2/users?context=edit', null, 200, null],
  ['admin:full', 'POST', '/wp-json/wp/v2/users', { username: 'new{unique}', email: 'new{unique}@example.test', password: 'pw-{unique}' }, 201, null],
  ['admin:full', 'GET', '/wp-json/wp/v2/users/me/application-passwords', null, 200, null],
  ['ed:full', 'PUT', '/wp-json/wp/v2/posts/{other}', { title: 'by editor' }, 200, null],
  ['ed:full', 'DELETE', '/wp-json/wp/v2/posts/{fresh-other}', null, 200, null],
  ['ed:full', 'POST', '/wp-json/wp/v2/users', { username: 'x{unique}', email: 'x{unique}@example.test', password: 'pw' }, 403, 'rest_cannot_create_user'],
  ['contrib:full', 'POST', '/wp-json/wp/v2/posts', { title: 'x', status: 'publish' }, 403, 'rest_cannot_publish'],
  ['contrib:full', 'POST', '/wp-json/wp/v2/posts', { title: 'x' }, 201, null],

  // An administrator acting as author: publishes its own, cannot touch another user's post.
  ['admin:as-author', 'POST', '/wp-json/wp/v2/posts', { title: 'x', status: 'publish' }, 201, null],
  ['admin:as-author', 'PUT', '/wp-json/wp/v2/posts/{own}', { title: 'mine' }, 200, null],
  ['admin:as-author', 'DELETE', '/wp-json/wp/v2/posts/{fresh-own}', null, 200, null],
  ['admin:as-author', 'PUT', '/wp-json/wp/v2/posts/{other}', { title: 'theirs' }, 403, 'rest_cannot_edit'],
  ['admin:as-author', 'DELETE', '/wp-json/wp/v2/posts/{fresh-other}', null, 403, 'rest_cannot_delete'],
  ['admin:as-author', 'POST', '/wp-json/wp/v2/posts', { title: 'x', author: '{other-author}' }, 403, 'rest_cannot_edit_others'],
  ['admin:as-author', 'GET', '/wp-json/wp/v2/users?context=edit', null, 403, 'rest_forbidden_context'],
  ['admin:as-author', 'POST', '/wp-json/wp/v2/users', { username: 'y{unique}', email: 'y{unique}@example.test', password: 'pw' }, 403, 'rest_cannot_create_user'],
  ['admin:as-author', 'GET', '/wp-json/wp/v2/users/me', null, 200, null],
  ['ed:as-contributor', 'POST', '/wp-json/wp/v2/posts', { title: 'x', status: 'publish' }, 403, 'rest_cannot_publish'],
  ['ed:as-contributor', 'POST', '/wp-json/wp/v2/posts', { title: 'x' }, 201, null],
  ['ed:as-contributor', 'PUT', '/wp-json/wp/v2/posts/{other}', { title: 'x' }, 403, 'rest_cannot_edit'],
  // A role lacking the route's capability is refused by the guard, naming the role.
  ['admin:as-subscriber', 'POST', '/wp-json/wp/v2/posts', { title: 'x' }, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:as-subscriber', 'GET', '/wp-json/wp/v2/posts', null, 200, null],
  ['contrib:as-subscriber', 'PUT', '/wp-json/wp/v2/posts/{own}', { title: 'x' }, 403, 'rest_cannot_edit'],

  // An allow list of GET /wp/v2/posts*: reads posts, nothing else, however the URL is spelled.
  ['admin:read-posts', 'GET', '/wp-json/wp/v2/posts', null, 200, null],
  ['admin:read-posts', 'GET', '/wp-json/wp/v2/posts/{other}', null, 200, null],
  ['admin:read-posts', 'GET', '/wp-json/wp/v2/posts/', null, 200, null],
  ['admin:read-posts', 'GET', '/?rest_route=/wp/v2/posts', null, 200, null],
  ['admin:read-posts', 'POST', '/wp-json/wp/v2/posts', { title: 'x' }, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:read-posts', 'PUT', '/wp-json/wp/v2/posts/{own}', { title: 'x' }, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:read-posts', 'DELETE', '/wp-json/wp/v2/posts/{fresh-own}', null, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:read-posts', 'GET', '/wp-json/wp/v2/users/me', null, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:read-posts', 'GET', '/?rest_route=/wp/v2/users/me', null, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:read-posts', 'GET', '/wp-json/', null, 403, 'rest_forbidden_by_credential_policy'],

  // A deny list: every spelling of the users routes is refused, the rest is the user's.
  ['admin:no-users', 'GET', '/wp-json/wp/v2/users/me', null, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:no-users', 'GET', '/wp-json/wp/v2/users/me/', null, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:no-users', 'GET', '/wp-json/wp//v2/users/me', null, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:no-users', 'GET', '/?rest_route=/wp/v2/users/me', null, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:no-users', 'GET', '/?rest_route=%2Fwp%2Fv2%2Fusers%2Fme', null, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:no-users', 'GET', '/wp-json/wp/v2/users/{admin-id}', null, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:no-users', 'GET', '/wp-json/wp/v2/users/me/application-passwords', null, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:no-users', 'GET', '/wp-json/wp/v2/posts', null, 200, null],
  ['admin:no-users', 'POST', '/wp-json/wp/v2/posts', { title: 'x', status: 'publish' }, 201, null],

  // Deny wins over allow.
  ['admin:deny-wins', 'PUT', '/wp-json/wp/v2/posts/{other}', { title: 'x' }, 200, null],
  ['admin:deny-wins', 'DELETE', '/wp-json/wp/v2/posts/{fresh-other}', null, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:deny-wins', 'DELETE', '/?rest_route=/wp/v2/posts/{fresh-other}', null, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:deny-wins', 'GET', '/wp-json/wp/v2/users/me', null, 200, null],
  // A broad allow entry does not name the credentials routes.
  ['admin:deny-wins', 'GET', '/wp-json/wp/v2/users/me/application-passwords', null, 403, 'rest_forbidden_by_credential_policy'],

  // Role and rules together: both apply.
  ['admin:author-posts', 'POST', '/wp-json/wp/v2/posts', { title: 'x', status: 'publish' }, 201, null],
  ['admin:author-posts', 'PUT', '/wp-json/wp/v2/posts/{own}', { title: 'x' }, 200, null],
  ['admin:author-posts', 'PUT', '/wp-json/wp/v2/posts/{other}', { title: 'x' }, 403, 'rest_cannot_edit'],
  ['admin:author-posts', 'DELETE', '/wp-json/wp/v2/posts/{fresh-own}', null, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:author-posts', 'GET', '/wp-json/wp/v2/users/me', null, 403, 'rest_forbidden_by_credential_policy'],

  // Issue 5 item 4: the login password, email and roles (and deleting the account) need a full
  // policy or an allow rule naming the route; other profile fields are ordinary edits.
  ['admin:as-author', 'POST', '/wp-json/wp/v2/users/me', { password: 'pw-{unique}' }, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:as-author', 'PUT', '/wp-json/wp/v2/users/me', { email: 'admin{unique}@example.test' }, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:as-author', 'PATCH', '/wp-json/wp/v2/users/{admin-id}', { roles: ['administrator'] }, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:as-author', 'POST', '/wp-json/wp/v2/users/me', { description: 'edited', email: 'admin{unique}@example.test' }, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:as-author', 'DELETE', '/wp-json/wp/v2/users/me?force=true&reassign=false', null, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:as-author', 'POST', '/wp-json/wp/v2/users/me', { description: 'edited as author' }, 200, null],
  ['ed:as-contributor', 'POST', '/wp-json/wp/v2/users/me', { password: 'pw-{unique}' }, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:no-users', 'POST', '/wp-json/wp/v2/users/me', { description: 'x' }, 403, 'rest_forbidden_by_credential_policy'],
  // A broad allow entry does not name the users routes.
  ['admin:users-broad', 'POST', '/wp-json/wp/v2/users/me', { password: 'pw-{unique}' }, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:users-broad', 'POST', '/wp-json/wp/v2/users/me', { description: 'broad' }, 200, null],
  // Rules that name the route allow it, and nothing beside it.
  ['admin:edit-me', 'POST', '/wp-json/wp/v2/users/me', { password: 'pw-{unique}' }, 200, null],
  ['admin:edit-me', 'POST', '/wp-json/wp/v2/users/me', { email: 'admin{unique}@example.test' }, 200, null],
  ['admin:edit-me', 'POST', '/wp-json/wp/v2/users/me', { roles: ['administrator'] }, 200, null],
  ['admin:edit-me', 'PUT', '/wp-json/wp/v2/users/me', { password: 'pw-{unique}' }, 403, 'rest_forbidden_by_credential_policy'],
  ['admin:edit-me', 'POST', '/wp-json/wp/v2/users/{admin-id}', { password: 'pw-{unique}' }, 403, 'rest_forbidden_by_credential_policy'],
  // A full credential may, as WordPress lets any application password.
  ['admin:full', 'POST', '/wp-json/wp/v2/users/me', { password: 'pw-{unique}' }, 200, null],
  ['admin:full', 'PATCH', '/wp-json/wp/v2/users/me', { email: 'admin{unique}@example.test', roles: ['administrator'] }, 200, null],
  ['contrib:full', 'POST', '/wp-json/wp/v2/users/me', { password: 'pw-{unique}', email: 'contrib{unique}@example.test' }, 200, null],
  // …within the user's own rights: a contributor cannot change its role.
  ['contrib:full', 'POST', '/wp-json/wp/v2/users/me', { roles: ['administrator'] }, 403, 'rest_cannot_edit_roles'],
];

describe('per-credential policies (e2e)', () => {
  let t: TestApp;
  const users: Record<string, TestUser> = {};
  const credentials: Record<string, { uuid: string; password: string }> = {};
  let otherAuthor: TestUser;
  const ownPosts: Record<string, number> = {};
  let otherPost: number;
  let counter = 0;

  const auth = (login: string, password: string) => basic(login, password);
  const credentialAuth = (key: string) => auth(key.split(':')[0], credentials[key].password);

  async function request(method: string, url: string, authorization?: string, body?: object | null, headers: Record<string, string> = {}) {
    const all: Record<string, string> = { ...headers };
    if (authorization) all.authorization = authorization;
    if (body) all['content-type'] = 'application/json';
    const response = await fetch(t.url + url, { method, headers: all, body: body ? JSON.stringify(body) : undefined });
    return { status: response.status, body: (await response.json()) as Json };
  }

  /** Fixture posts (drafts for contributors), made through the service by the user in person (a cookie-style principal): not the subject under test. */
  async function publishedPost(user: TestUser): Promise<number> {
    const inPerson = { user: { id: user.user.id, login: user.login, email: user.user.email, role: user.user.role }, grant: null, policy: { type: 'full' as const }, method: 'cookie' as const };
    const post = await t.app.get(PostsService).create(inPerson, { title: `fixture ${++counter}`, status: user.user.role === 'contributor' ? 'draft' : 'publish' });
    return post.id;
  }

  beforeAll(async () => {
    t = await createTestApp({ GATEHOUSE_TRUST_PROXY: 'true' });
    for (const [login, role] of Object.entries(USERS)) users[login] = await t.createUser(role, login);
    otherAuthor = await t.createUser('author', 'other');
    for (const [key] of MATRIX) {
      if (key === 'anonymous' || credentials[key]) continue;
      const [login, policy] = key.split(':');
      credentials[key] = await t.createAppPassword(users[login].user, key, POLICIES[policy]);
    }
    for (const login of Object.keys(USERS)) ownPosts[login] = await publishedPost(users[login]);
    otherPost = await publishedPost(otherAuthor);
  });
  afterAll(() => t.close());

  it.each(MATRIX)('%s %s %s → %d %s', async (key, method, template, body, status, code) => {
    const login = key.split(':')[0];
    const fill = async (text: string) => {
      let result = text.replace(/\{unique\}/g, () => String(++counter));
      if (result.includes('{fresh-other}')) result = result.replace('{fresh-other}', String(await publishedPost(otherAuthor)));
      if (result.includes('{fresh-own}')) result = result.replace('{fresh-own}', String(await publishedPost(users[login])));
      return result
        .replace('{own}', String(ownPosts[login]))
        .replace('{other}', String(otherPost))
        .replace('{admin-id}', String(users.admin.user.id));
    };
    const url = await fill(template);
    const filledBody = body ? JSON.parse(await fill(JSON.stringify(body)).then((text) => text.replace('"{other-author}"', String(otherAuthor.user.id)))) : null;
    const response = await request(method, url, key === 'anonymous' ? undefined : credentialAuth(key), filledBody);
    expect({ status: response.status, code: response.status >= 400 ? response.body.code : null }).toEqual({ status, code });
  });

  // Spellings of a users route that a posts-only or no-users credential must never get a 200 from:
  // either the router finds no route (404) or the guard sees the canonical users route (403).
  const SPELLINGS = [
    '/wp-json/wp/v2/posts/..%2F..%2Fv2%2Fusers%2Fme',
    '/wp-json/wp/v2/posts/%2e%2e/users/me',
    '/wp-json/wp/v2/users%2Fme',
    '/wp-json/wp/v2/%75sers/me',
    '/wp-json/wp/v2/%2575sers/me',
    '/wp-json/WP/V2/USERS/ME',
    '/?rest_route=/wp/v2/posts/../users/me',
    '/?rest_route=/WP/V2/USERS/ME',
    '/?rest_route=/wp/v2/users/me/',
    '/index.php?rest_route=%2Fwp%2Fv2%2Fusers%2Fme',
  ];
  it.each(SPELLINGS.flatMap((url) => [['admin:read-posts', url], ['admin:no-users', url]]))('%s GET %s is never served', async (key, url) => {
    const response = await request('GET', url, credentialAuth(key));
    expect([403, 404]).toContain(response.status);
    expect(response.body.code).toBe(response.status === 403 ? 'rest_forbidden_by_credential_policy' : 'rest_no_route');
    // The same spelling with a full credential shows what the router makes of it.
    const full = await request('GET', url, credentialAuth('admin:full'));
    if (full.status === 200) expect(response.status).toBe(403);
  });

  it('names the refusing part of the policy', async () => {
    const byRules = await request('POST', '/wp-json/wp/v2/posts', credentialAuth('admin:read-posts'), { title: 'x' });
    expect(byRules.body).toEqual({
      code: 'rest_forbidden_by_credential_policy',
      message: `Sorry, this credential's policy does not allow that: refused by its rules (POST /wp/v2/posts is not in its allow list).`,
      data: { status: 403, policy_part: 'rules' },
    });
    const byRole = await request('POST', '/wp-json/wp/v2/posts', credentialAuth('admin:as-subscriber'), { title: 'x' });
    expect(byRole.body.message).toBe(`Sorry, this credential's policy does not allow that: refused by its role (acting as subscriber, which lacks the edit_posts capability).`);
    expect(byRole.body.data.policy_part).toBe('role');
  });

  describe('expiry and IP ranges', () => {
    it('refuses an expired credential with 401 rest_credential_expired', async () => {
      const clock = t.app.get(Clock);
      const expiresAt = new Date(clock.now().getTime() + 3_600_000);
      const limited = await t.createAppPassword(users.admin.user, 'expiring', { expires_at: expiresAt.toISOString() });
      expect((await request('GET', '/wp-json/wp/v2/users/me', auth('admin', limited.password))).status).toBe(200);
      const spy = jest.spyOn(clock, 'now').mockReturnValue(new Date(expiresAt.getTime() + 1000));
      try {
        const expired = await request('GET', '/wp-json/wp/v2/posts', auth('admin', limited.password));
        expect(expired.status).toBe(401);
        expect(expired.body).toEqual({ code: 'rest_credential_expired', message: `This credential expired at ${expiresAt.toISOString()}.`, data: { status: 401 } });
      } finally {
        spy.mockRestore();
      }
      expect((await request('GET', '/wp-json/wp/v2/posts', auth('admin', limited.password))).status).toBe(200);
    });

    it('refuses a credential used from outside its allowed_ips', async () => {
      const limited = await t.createAppPassword(users.admin.user, 'office', { allowed_ips: ['203.0.113.0/24'] });
      const inside = await request('GET', '/wp-json/wp/v2/users/me', auth('admin', limited.password), null, { 'x-forwarded-for': '203.0.113.9' });
      expect(inside.status).toBe(200);
      const outside = await request('GET', '/wp-json/wp/v2/users/me', auth('admin', limited.password), null, { 'x-forwarded-for': '198.51.100.1' });
      expect(outside.status).toBe(403);
      expect(outside.body).toMatchObject({ code: 'rest_forbidden_by_credential_policy', data: { policy_part: 'allowed_ips' } });
      expect(outside.body.message).toContain('198.51.100.1');
      // Loopback without a forwarded address is outside too.
      expect((await request('GET', '/wp-json/wp/v2/posts', auth('admin', limited.password))).status).toBe(403);
    });
  });

  describe('no escalation', () => {
    const collection = '/wp-json/wp/v2/users/me/application-passwords';

    it('a limited credential cannot reach the credentials routes at all, except to look at, narrow or revoke itself', async () => {
      const limited = await t.createAppPassword(users.admin.user, 'limited', { role: 'editor' });
      const sibling = await t.createAppPassword(users.admin.user, 'sibling');
      const as = auth('admin', limited.password);
      for (const [method, url, body] of [
        ['POST', collection, { name: 'minted' }],
        ['POST', collection, { name: 'minted', policy: { role: 'author' } }],
        ['GET', collection, null],
        ['DELETE', collection, null],
        ['GET', `${collection}/${sibling.uuid}`, null],
        ['DELETE', `${collection}/${sibling.uuid}`, null],
        ['PUT', `${collection}/${sibling.uuid}`, { policy: { role: 'subscriber' } }],
        ['GET', `/wp-json/wp/v2/users/${users.ed.user.id}/application-passwords`, null],
        ['POST', `/wp-json/wp/v2/users/${users.ed.user.id}/application-passwords`, { name: 'for editor' }],
      ] as [string, string, object | null][]) {
        const refused = await request(method, url, as, body);
        expect({ method, url, status: refused.status, code: refused.body.code }).toEqual({ method, url, status: 403, code: 'rest_forbidden_by_credential_policy' });
      }
      // The sibling survived all of that.
      expect((await request('GET', '/wp-json/wp/v2/users/me', auth('admin', sibling.password))).status).toBe(200);
      // Itself: introspect, read, narrow, revoke.
      const introspected = await request('GET', `${collection}/introspect`, as);
      expect(introspected).toMatchObject({ status: 200, body: { uuid: limited.uuid, policy: { type: 'role', role: 'editor' } } });
      expect((await request('GET', `${collection}/${limited.uuid}`, as)).status).toBe(200);
      expect((await request('PUT', `${collection}/${limited.uuid}`, as, { policy: { role: 'author' } })).body.policy).toEqual({ type: 'role', role: 'author' });
      expect((await request('DELETE', `${collection}/${limited.uuid}`, as)).status).toBe(200);
      expect((await request('GET', '/wp-json/wp/v2/posts', as)).status).toBe(401);
    });

    it('a credential allowed to manage credentials may only mint ones inside its own policy', async () => {
      const manager = await t.createAppPassword(users.admin.user, 'manager', {
        allow: ['* /wp/v2/users/me/application-passwords*', 'GET /wp/v2/posts*'],
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      });
      const as = auth('admin', manager.password);
      for (const policy of [undefined, {}, { allow: ['* /wp/v2/*'] }, { allow: ['GET /wp/v2/posts*'] }, { allow: ['GET /wp/v2/posts*'], expires_at: new Date(Date.now() + 2 * 86_400_000).toISOString() }]) {
        const refused = await request('POST', collection, as, { name: 'child', policy });
        expect({ policy, status: refused.status, code: refused.body.code }).toEqual({ policy, status: 403, code: 'rest_credential_policy_escalation' });
      }
      const child = await request('POST', collection, as, { name: 'child', policy: { allow: ['GET /wp/v2/posts*'], expires_at: new Date(Date.now() + 3_600_000).toISOString() } });
      expect(child.status).toBe(201);
      expect(child.body.policy).toMatchObject({ type: 'rules', allow: ['GET /wp/v2/posts*'] });
      // Cannot widen its own policy either.
      expect(await request('PUT', `${collection}/${manager.uuid}`, as, { policy: {} })).toMatchObject({ status: 403, body: { code: 'rest_credential_policy_widening' } });
    });

    it('a full credential with limits passes them on', async () => {
      const fenced = await t.createAppPassword(users.admin.user, 'fenced', { allowed_ips: ['127.0.0.0/8'] });
      const as = auth('admin', fenced.password);
      expect(await request('POST', collection, as, { name: 'anywhere' })).toMatchObject({ status: 403, body: { code: 'rest_credential_policy_escalation' } });
      const narrower = await request('POST', collection, as, { name: 'loopback', policy: { allowed_ips: ['127.0.0.1'] } });
      expect(narrower).toMatchObject({ status: 201, body: { policy: { type: 'full', allowed_ips: ['127.0.0.1/32'] } } });
    });
  });

  describe('narrowing', () => {
    const item = (uuid: string) => `/wp-json/wp/v2/users/me/application-passwords/${uuid}`;

    it('narrows with PUT, POST or PATCH, takes effect on the very next request, and never widens', async () => {
      const target = await t.createAppPassword(users.admin.user, 'to narrow');
      const as = auth('admin', target.password);
      const owner = credentialAuth('admin:full');
      // Warm the credential cache.
      expect((await request('GET', '/wp-json/wp/v2/users/me', as)).status).toBe(200);

      const narrowed = await request('PUT', item(target.uuid), owner, { policy: { deny: ['* /wp/v2/users*'] } });
      expect(narrowed).toMatchObject({ status: 200, body: { policy: { type: 'rules', deny: ['* /wp/v2/users*'] } } });
      expect((await request('GET', '/wp-json/wp/v2/users/me', as)).status).toBe(403);

      expect((await request('POST', item(target.uuid), owner, { policy: { role: 'author', deny: ['* /wp/v2/users*'] } })).status).toBe(200);
      expect((await request('PATCH', item(target.uuid), owner, { policy: { role: 'contributor', deny: ['* /wp/v2/*'] } })).status).toBe(200);
      expect((await request('POST', '/wp-json/wp/v2/posts', as, { title: 'x' })).status).toBe(403);

      for (const policy of [{}, { role: 'author', deny: ['* /wp/v2/*'] }, { role: 'contributor' }, { role: 'contributor', deny: ['GET /wp/v2/*'] }]) {
        const widened = await request('PUT', item(target.uuid), owner, { policy });
        expect({ policy, status: widened.status, code: widened.body.code }).toEqual({ policy, status: 403, code: 'rest_credential_policy_widening' });
      }
      const shown = await request('GET', item(target.uuid), owner);
      expect(shown.body.policy).toEqual({ type: 'role', role: 'contributor', deny: ['* /wp/v2/*'] });
      const listed = await request('GET', '/wp-json/wp/v2/users/me/application-passwords', owner);
      expect(listed.body.find((entry: Json) => entry.uuid === target.uuid).policy).toEqual(shown.body.policy);
    });

    it('validates policies with clear 400s', async () => {
      const owner = credentialAuth('admin:full');
      const bad = await request('POST', '/wp-json/wp/v2/users/me/application-passwords', owner, { name: 'bad', policy: { allow: ['GET wp/v2/posts'] } });
      expect(bad).toMatchObject({ status: 400, body: { code: 'rest_invalid_param', data: { params: { policy: expect.stringContaining('must start with "/"') } } } });
      const notObject = await request('POST', '/wp-json/wp/v2/users/me/application-passwords', owner, { name: 'bad', policy: 'full' });
      expect(notObject).toMatchObject({ status: 400, body: { code: 'rest_invalid_param' } });
      const editorCred = await t.createAppPassword(users.ed.user, 'ed');
      const aboveOwn = await request('POST', '/wp-json/wp/v2/users/me/application-passwords', auth('ed', editorCred.password), { name: 'bad', policy: { role: 'administrator' } });
      expect(aboveOwn.body.data.params.policy).toBe("role must be at or below the user's own role (editor).");
    });
  });

  it('caps new credentials at GATEHOUSE_MAX_CREDENTIAL_DAYS', async () => {
    const capped = await createTestApp({ GATEHOUSE_MAX_CREDENTIAL_DAYS: '30' });
    try {
      const owner = await capped.createUser('administrator', 'capped');
      const { password } = await capped.createAppPassword(owner.user);
      const as = basic('capped', password);
      const create = (policy?: object) =>
        fetch(`${capped.url}/wp-json/wp/v2/users/me/application-passwords`, {
          method: 'POST',
          headers: { authorization: as, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'n', policy }),
        }).then(async (response) => ({ status: response.status, body: (await response.json()) as Json }));
      // The helper's own password got the default expiry too; a child within it is fine.
      const defaulted = await create({ expires_at: new Date(Date.now() + 86_400_000).toISOString() });
      expect(defaulted.status).toBe(201);
      const tooLong = await create({ expires_at: new Date(Date.now() + 31 * 86_400_000).toISOString() });
      expect(tooLong).toMatchObject({ status: 400, body: { data: { params: { policy: expect.stringContaining('within 30 days') } } } });
      const listed = await capped.appPasswords.listActive(owner.user.id);
      const first = listed[0];
      expect(first.expiresAt).not.toBeNull();
      const days = ((first.expiresAt as Date).getTime() - first.createdAt.getTime()) / 86_400_000;
      expect(days).toBeCloseTo(30, 3);
    } finally {
      await capped.close();
    }
  });
});
