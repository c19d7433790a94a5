import { basic, createTestApp, TestApp } from './support/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field

/**
 * Input the database would refuse (wider than its column, NUL characters, integers out of range,
 * addresses that are not addresses) answers a 4xx in WordPress's shape — never a 500 — and changes
 * nothing stored. Most are refused by the routes' argument schemas; the rest by the error filter's
 * safety net, which turns PostgreSQL's refusal into a 400.
 */
describe('over-long and unstorable input (e2e)', () => {
  let t: TestApp;
  let auth: string;
  let adminId: number;
  let uuid: string;

  async function request(method: string, url: string, body?: object | null, headers: Record<string, string> = {}, authorization: string | null = auth) {
    const all: Record<string, string> = { ...headers };
    if (authorization) all.authorization = authorization;
    if (body) all['content-type'] = 'application/json';
    const response = await fetch(t.url + url, { method, headers: all, body: body ? JSON.stringify(body) : undefined });
    return { status: response.status, body: (await response.json()) as Json };
  }

  /** Everything a refused request could have written. */
  async function snapshot(): Promise<unknown> {
    return {
      users: await t.dataSource.query('SELECT id, login, email, display_name, first_name, last_name, nickname, description, url, slug, locale, role, password_hash FROM users ORDER BY id'),
      grants: await t.dataSource.query('SELECT id, name, app_id, policy, expires_at, revoked_at FROM grants ORDER BY id'),
      posts: await t.dataSource.query('SELECT id, author_id, title, content, slug, status FROM posts ORDER BY id'),
    };
  }

  beforeAll(async () => {
    t = await createTestApp({ GATEHOUSE_TRUST_PROXY: 'true' });
    const admin = await t.createUser('administrator', 'limits');
    adminId = admin.user.id;
    const created = await t.createAppPassword(admin.user, 'the name');
    uuid = created.uuid;
    auth = basic('limits', created.password);
    await t.createUser('author', 'taken');
  });
  afterAll(() => t.close());

  const long = (n: number) => 'x'.repeat(n);
  const email = (n: number) => `${'e'.repeat(n - '@example.test'.length)}@example.test`;
  const newUser = (extra: object) => ({ username: 'newcomer', email: 'newcomer@example.test', password: 'pw', ...extra });

  /** [what, method, url, body, status, code, detail code (of rest_invalid_param)] */
  type Row = [string, string, string, object, number, string, string | null];
  const ROWS: Row[] = [
    ['app-password name of 201 characters', 'POST', '/wp-json/wp/v2/users/me/application-passwords', { name: long(201) }, 400, 'rest_invalid_param', 'rest_too_long'],
    ['app-password name with NUL', 'POST', '/wp-json/wp/v2/users/me/application-passwords', { name: 'a\u0000b' }, 400, 'rest_invalid_param', 'rest_invalid_characters'],
    ['app-password rename to 201 characters', 'PUT', '/wp-json/wp/v2/users/me/application-passwords/{uuid}', { name: long(201) }, 400, 'rest_invalid_param', 'rest_too_long'],
    ['app-password policy rule of 201 characters', 'POST', '/wp-json/wp/v2/users/me/application-passwords', { name: 'x', policy: { allow: [`GET /${long(196)}`] } }, 400, 'rest_invalid_param', 'rest_invalid_policy'],
    ['app-password policy with NUL', 'POST', '/wp-json/wp/v2/users/me/application-passwords', { name: 'x', policy: { deny: ['GET /wp/v2/posts\u0000'] } }, 400, 'rest_invalid_param', 'rest_invalid_policy'],
    ['new user email of 101 characters', 'POST', '/wp-json/wp/v2/users', newUser({ email: email(101) }), 400, 'rest_invalid_param', 'rest_too_long'],
    ['new user login of 61 characters', 'POST', '/wp-json/wp/v2/users', newUser({ username: long(61) }), 400, 'user_login_too_long', null],
    ['new user url of 101 characters', 'POST', '/wp-json/wp/v2/users', newUser({ url: `https://example.test/${long(81)}` }), 400, 'user_url_too_long', null],
    ['new user slug of 51 characters', 'POST', '/wp-json/wp/v2/users', newUser({ slug: long(51) }), 400, 'user_nicename_too_long', null],
    ['new user name of 251 characters', 'POST', '/wp-json/wp/v2/users', newUser({ name: long(251) }), 400, 'rest_invalid_param', 'rest_too_long'],
    ['new user description with NUL', 'POST', '/wp-json/wp/v2/users', newUser({ description: 'a\u0000' }), 400, 'rest_invalid_param', 'rest_invalid_characters'],
    ['new user email with NUL', 'POST', '/wp-json/wp/v2/users', newUser({ email: 'new\u0000comer@example.test' }), 400, 'rest_invalid_param', 'rest_invalid_characters'],
    ['new user with a taken login', 'POST', '/wp-json/wp/v2/users', newUser({ username: 'TAKEN' }), 400, 'existing_user_login', null],
    ['user email of 101 characters', 'POST', '/wp-json/wp/v2/users/me', { email: email(101) }, 400, 'rest_invalid_param', 'rest_too_long'],
    ['user nickname of 251 characters', 'PATCH', '/wp-json/wp/v2/users/{admin}', { nickname: long(251) }, 400, 'rest_invalid_param', 'rest_too_long'],
    ['user first name with NUL', 'PUT', '/wp-json/wp/v2/users/me', { first_name: '\u0000' }, 400, 'rest_invalid_param', 'rest_invalid_characters'],
    ['user url of 101 characters', 'PUT', '/wp-json/wp/v2/users/me', { url: `https://example.test/${long(81)}` }, 400, 'user_url_too_long', null],
    ['post title with NUL', 'POST', '/wp-json/wp/v2/posts', { title: 'a\u0000b' }, 400, 'rest_invalid_param', 'rest_invalid_characters'],
    // {raw: …} objects are not described by the schema: the database's refusal is the safety net.
    ['post content {raw} with NUL', 'POST', '/wp-json/wp/v2/posts', { title: 'ok', content: { raw: 'a\u0000b' } }, 400, 'rest_invalid_value', null],
  ];

  it.each(ROWS)('%s: %s %s', async (_what, method, url, body, status, code, detail) => {
    const before = await snapshot();
    const response = await request(method, url.replace('{uuid}', uuid).replace('{admin}', String(adminId)), body);
    expect({ status: response.status, code: response.body.code }).toEqual({ status, code });
    if (detail) expect(Object.values(response.body.data.details as Record<string, { code: string }>).map((problem) => problem.code)).toEqual([detail]);
    expect(response.body.data.status).toBe(status);
    expect(await snapshot()).toEqual(before);
  });

  it('limits are exact: 200 characters name an application password, 100 an email', async () => {
    const created = await request('POST', '/wp-json/wp/v2/users/me/application-passwords', { name: long(200) });
    expect(created.status).toBe(201);
    expect(created.body.name).toBe(long(200));
    // Characters, not bytes: 200 multi-byte characters fit too.
    expect((await request('POST', '/wp-json/wp/v2/users/me/application-passwords', { name: 'é'.repeat(200) })).status).toBe(201);
    expect((await request('POST', '/wp-json/wp/v2/users', newUser({ username: 'exactly', email: email(100) }))).status).toBe(201);
  });

  /** [what, url]: queries PostgreSQL would refuse. */
  it.each([
    ['a posts author beyond integer range', '/wp-json/wp/v2/posts?author=99999999999'],
    ['a posts page past any offset', '/wp-json/wp/v2/posts?page=100000000000000000000000'],
    ['a users page past any offset', '/wp-json/wp/v2/users?page=100000000000000000000000'],
    ['a users search with NUL', '/wp-json/wp/v2/users?search=a%00b'],
    ['a posts search with NUL', '/wp-json/wp/v2/posts?search=a%00b'],
    ['a users roles filter with NUL', '/wp-json/wp/v2/users?roles=%00'],
  ])('%s is a 400, not a 500', async (_what, url) => {
    const response = await request('GET', url);
    expect(response.status).toBe(400);
    expect(typeof response.body.code).toBe('string');
    expect(JSON.stringify(response.body)).not.toMatch(/SELECT|integer|bigint|syntax|0x00/i);
  });

  it('token endpoint: over-long secrets and refresh tokens are refused as invalid, never a 500', async () => {
    const secret = await request('POST', '/wp-json/wp/v2/token', { api_key: uuid, api_secret: long(5000) }, {}, null);
    expect(secret).toMatchObject({ status: 403, body: { code: 'rest_authentication_invalid_api_key_secret' } });
    const refresh = await request('POST', '/wp-json/wp/v2/token', { refresh_token: `ghr_${long(5000)}` }, {}, null);
    expect(refresh).toMatchObject({ status: 403, body: { code: 'rest_authentication_invalid_refresh_token' } });
    const nul = await request('POST', '/wp-json/wp/v2/token', { api_key: 'a\u0000', api_secret: 'b' }, {}, null);
    expect(nul.status).toBe(400);
  });

  it('a forwarded address that is no address is recorded as unknown, not written as given', async () => {
    const admin = await t.users.findByLogin('limits');
    for (const forwarded of [long(100), `${long(100)}, 203.0.113.9`, `fe80::1%${'e'.repeat(60)}`]) {
      const fresh = await t.createAppPassword(admin!, 'forwarded');
      const response = await request('GET', '/wp-json/wp/v2/users/me', null, { 'x-forwarded-for': forwarded }, basic('limits', fresh.password));
      expect(response.status).toBe(200);
      const [row] = await t.dataSource.query('SELECT last_ip FROM grants WHERE id = $1', [fresh.uuid]);
      expect(row.last_ip).toBe('');
    }
  });
});
