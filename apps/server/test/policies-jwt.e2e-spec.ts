import { Clock } from '@gatehouse/core';
import { PostsService } from '@gatehouse/posts';
import { basic, createTestApp, TestApp, TestUser } from './support/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field

/**
 * JWT access tokens (`POST /wp/v2/token` with api_key/api_secret, then `Authorization: Bearer`) carry
 * their application password's grant, hence exactly its policy.
 */
describe('per-credential policies through JWT access tokens (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let other: TestUser;
  let otherPost: number;
  let ownPost: number;

  async function request(method: string, url: string, authorization: string, body?: object, headers: Record<string, string> = {}) {
    const all: Record<string, string> = { ...headers, authorization };
    if (body) all['content-type'] = 'application/json';
    const response = await fetch(t.url + url, { method, headers: all, body: body ? JSON.stringify(body) : undefined });
    return { status: response.status, body: (await response.json()) as Json };
  }

  async function tokenFor(policy: object, headers: Record<string, string> = {}): Promise<{ bearer: string; uuid: string; password: string }> {
    const { uuid, password } = await t.createAppPassword(admin.user, 'jwt', policy);
    const response = await fetch(`${t.url}/wp-json/wp/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ api_key: uuid, api_secret: password }),
    });
    const body = (await response.json()) as Json;
    expect(response.status).toBe(200);
    expect(body.token_type).toBe('Bearer');
    return { bearer: `Bearer ${body.access_token}`, uuid, password };
  }

  async function publish(user: TestUser): Promise<number> {
    const inPerson = { user: { id: user.user.id, login: user.login, email: user.user.email, role: user.user.role }, grant: null, policy: { type: 'full' as const }, method: 'cookie' as const };
    return (await t.app.get(PostsService).create(inPerson, { title: 'fixture', status: 'publish' })).id;
  }

  beforeAll(async () => {
    t = await createTestApp({ GATEHOUSE_TRUST_PROXY: 'true' });
    admin = await t.createUser('administrator', 'jadmin');
    other = await t.createUser('author', 'jother');
    otherPost = await publish(other);
    ownPost = await publish(admin);
  });
  afterAll(() => t.close());

  it('a token minted from a password limited to author has exactly its limits', async () => {
    const { bearer } = await tokenFor({ role: 'author', deny: ['* /wp/v2/users*'] });
    expect((await request('POST', '/wp-json/wp/v2/posts', bearer, { title: 'mine', status: 'publish' })).status).toBe(201);
    expect((await request('PUT', `/wp-json/wp/v2/posts/${ownPost}`, bearer, { title: 'mine' })).status).toBe(200);
    expect(await request('PUT', `/wp-json/wp/v2/posts/${otherPost}`, bearer, { title: 'theirs' })).toMatchObject({ status: 403, body: { code: 'rest_cannot_edit' } });
    expect(await request('GET', '/wp-json/wp/v2/users/me', bearer)).toMatchObject({ status: 403, body: { code: 'rest_forbidden_by_credential_policy', data: { policy_part: 'rules' } } });
    expect(await request('GET', '/?rest_route=/wp/v2/users/me', bearer)).toMatchObject({ status: 403, body: { code: 'rest_forbidden_by_credential_policy' } });
  });

  it('an allow list of GET /wp/v2/posts* refuses POST through a token too', async () => {
    const { bearer } = await tokenFor({ allow: ['GET /wp/v2/posts*'] });
    expect((await request('GET', '/wp-json/wp/v2/posts', bearer)).status).toBe(200);
    expect(await request('POST', '/wp-json/wp/v2/posts', bearer, { title: 'x' })).toMatchObject({ status: 403, body: { code: 'rest_forbidden_by_credential_policy' } });
  });

  it('a token cannot mint or manage credentials beyond its password', async () => {
    const { bearer } = await tokenFor({ role: 'editor' });
    expect(await request('POST', '/wp-json/wp/v2/users/me/application-passwords', bearer, { name: 'minted' })).toMatchObject({ status: 403, body: { code: 'rest_forbidden_by_credential_policy' } });
    expect(await request('DELETE', '/wp-json/wp/v2/users/me/application-passwords', bearer)).toMatchObject({ status: 403, body: { code: 'rest_forbidden_by_credential_policy' } });
  });

  it('a token dies with its password\'s expiry and obeys its IP ranges', async () => {
    const clock = t.app.get(Clock);
    const expiresAt = new Date(clock.now().getTime() + 600_000);
    const { bearer } = await tokenFor({ expires_at: expiresAt.toISOString(), allowed_ips: ['203.0.113.0/24'] }, { 'x-forwarded-for': '203.0.113.5' });
    expect((await request('GET', '/wp-json/wp/v2/users/me', bearer, undefined, { 'x-forwarded-for': '203.0.113.5' })).status).toBe(200);
    expect(await request('GET', '/wp-json/wp/v2/users/me', bearer, undefined, { 'x-forwarded-for': '198.51.100.7' })).toMatchObject({ status: 403, body: { code: 'rest_forbidden_by_credential_policy', data: { policy_part: 'allowed_ips' } } });
    const spy = jest.spyOn(clock, 'now').mockReturnValue(new Date(expiresAt.getTime() + 1000));
    try {
      expect(await request('GET', '/wp-json/wp/v2/users/me', bearer, undefined, { 'x-forwarded-for': '203.0.113.5' })).toMatchObject({ status: 401, body: { code: 'rest_credential_expired' } });
    } finally {
      spy.mockRestore();
    }
  });

  it('narrowing the password narrows tokens already issued, at once', async () => {
    const { bearer, uuid, password } = await tokenFor({});
    expect((await request('GET', '/wp-json/wp/v2/users/me', bearer)).status).toBe(200);
    const narrowed = await request('PUT', `/wp-json/wp/v2/users/me/application-passwords/${uuid}`, basic('jadmin', password), { policy: { deny: ['* /wp/v2/users*'] } });
    expect(narrowed.status).toBe(200);
    expect(await request('GET', '/wp-json/wp/v2/users/me', bearer)).toMatchObject({ status: 403, body: { code: 'rest_forbidden_by_credential_policy' } });
  });

  it('a token from a limited password cannot change the login password, email or roles, nor delete the account (issue 5 item 4)', async () => {
    const { bearer } = await tokenFor({ role: 'author' });
    for (const body of [{ password: 'new-login-password' }, { email: 'jwt-new@example.test' }, { roles: ['administrator'] }, { name: 'x', email: 'jwt-new@example.test' }]) {
      expect(await request('POST', '/wp-json/wp/v2/users/me', bearer, body)).toMatchObject({ status: 403, body: { code: 'rest_forbidden_by_credential_policy', data: { policy_part: 'type' } } });
      expect(await request('PATCH', `/wp-json/wp/v2/users/${admin.user.id}`, bearer, body)).toMatchObject({ status: 403, body: { code: 'rest_forbidden_by_credential_policy' } });
    }
    expect(await request('DELETE', '/wp-json/wp/v2/users/me?force=true&reassign=false', bearer)).toMatchObject({ status: 403, body: { code: 'rest_forbidden_by_credential_policy' } });
    // Ordinary profile fields are the author role's to edit.
    expect(await request('POST', '/wp-json/wp/v2/users/me', bearer, { description: 'edited through a token' })).toMatchObject({ status: 200, body: { description: 'edited through a token' } });
    expect(await t.users.verifyPassword(admin.user.id, 'new-login-password')).toBe(false);
    expect((await t.users.findById(admin.user.id))?.email).toBe(admin.user.email);

    // The same through a token whose password's rules name the route.
    const allowed = await tokenFor({ allow: ['POST /wp/v2/users/me'] });
    expect(await request('POST', '/wp-json/wp/v2/users/me', allowed.bearer, { email: 'jwt-new@example.test' })).toMatchObject({ status: 200, body: { email: 'jwt-new@example.test' } });
  });

  it('shows the effective policy on /token/validate', async () => {
    const { bearer } = await tokenFor({ role: 'author', allowed_ips: ['127.0.0.0/8'] });
    const validated = await request('GET', '/wp-json/wp/v2/token/validate', bearer);
    expect(validated.status).toBe(200);
    expect(validated.body.code).toBe('rest_authentication_valid_access_token');
    expect(validated.body.data.policy).toEqual({ type: 'role', role: 'author', allowed_ips: ['127.0.0.0/8'] });
  });
});
