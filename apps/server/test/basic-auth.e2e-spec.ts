import { basic, createTestApp, TestApp, TestUser } from './support/test-app';

describe('HTTP Basic with application passwords (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let key: { uuid: string; password: string };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.createUser('administrator', 'boss');
    key = await t.createAppPassword(admin.user);
  });
  afterAll(() => t.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(t.url + path, { headers });
  const me = (authorization: string, extra: Record<string, string> = {}) => get('/wp-json/wp/v2/users/me', { authorization, ...extra });

  it('accepts the scheme in any case, the login or the email, with or without spaces', async () => {
    const token = Buffer.from(`boss:${key.password}`).toString('base64');
    for (const authorization of [`Basic ${token}`, `basic ${token}`, `BASIC ${token}`, basic('BOSS', key.password), basic('boss@example.test', key.password), basic('boss', key.password.replace(/ /g, ''))]) {
      const response = await me(authorization);
      expect({ authorization, status: response.status }).toEqual({ authorization, status: 200 });
    }
  });

  it('refuses bad credentials with WordPress codes and a Basic challenge, never as anonymous', async () => {
    const wrong = await get('/wp-json/', { authorization: basic('boss', 'aaaa bbbb cccc dddd eeee ffff') });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await wrong.json()).toEqual({ code: 'incorrect_password', message: 'The provided password is an invalid application password.', data: { status: 401 } });
    const user = await get('/wp-json/', { authorization: basic('nobody', 'x') });
    expect(user.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await user.json()).toEqual({ code: 'invalid_username', message: '<strong>Error:</strong> Unknown username. Check again or try your email address.', data: { status: 401 } });
    expect(await (await get('/wp-json/', { authorization: basic('nobody@example.test', 'x') })).json()).toEqual({
      code: 'invalid_email',
      message: '<strong>Error:</strong> Unknown email address. Check again or try your username.',
      data: { status: 401 },
    });
    // Someone else's valid password does not log in as boss.
    const other = await t.createUser('subscriber', 'other');
    const otherKey = await t.createAppPassword(other.user);
    expect((await (await me(basic('boss', otherKey.password))).json()).code).toBe('incorrect_password');
  });

  it('never accepts the login password over Basic', async () => {
    const response = await me(basic('boss', admin.password));
    expect(response.status).toBe(401);
    expect((await response.json()).code).toBe('incorrect_password');
  });

  it('refuses a revoked password on the very next request', async () => {
    const victim = await t.createAppPassword(admin.user, 'victim');
    expect((await me(basic('boss', victim.password))).status).toBe(200);
    const deleted = await fetch(`${t.url}/wp-json/wp/v2/users/me/application-passwords/${victim.uuid}`, { method: 'DELETE', headers: { authorization: basic('boss', key.password) } });
    expect(deleted.status).toBe(200);
    expect((await me(basic('boss', victim.password))).status).toBe(401);
  });

  describe('last use', () => {
    const introspect = async (password: string) =>
      (await (await get('/wp-json/wp/v2/users/me/application-passwords/introspect', { authorization: basic('boss', password) })).json()) as { last_used: string | null; last_ip: string | null };

    it('is recorded with the socket address and visible to the very next read, then rewritten at most once a minute', async () => {
      const tracked = await t.createAppPassword(admin.user, 'tracked');
      const start = new Date('2030-01-01T10:00:00Z');
      let now = start;
      t.clock.now = () => now;
      try {
        // The request that authenticates is the one that is recorded, and it already shows it.
        expect(await introspect(tracked.password)).toMatchObject({ last_used: '2030-01-01T10:00:00', last_ip: '127.0.0.1' });
        now = new Date(start.getTime() + 59_000);
        expect((await introspect(tracked.password)).last_used).toBe('2030-01-01T10:00:00');
        now = new Date(start.getTime() + 60_000);
        expect((await introspect(tracked.password)).last_used).toBe('2030-01-01T10:01:00');
        const rows = await t.dataSource.query('SELECT last_used_at, last_ip FROM grants WHERE id = $1', [tracked.uuid]);
        expect(rows[0].last_used_at.toISOString()).toBe('2030-01-01T10:01:00.000Z');
      } finally {
        t.clock.now = () => new Date();
      }
    });

    it('ignores X-Forwarded-For unless GATEHOUSE_TRUST_PROXY is set', async () => {
      const ignored = await t.createAppPassword(admin.user, 'xff ignored');
      await me(basic('boss', ignored.password), { 'x-forwarded-for': '203.0.113.7' });
      expect((await introspect(ignored.password)).last_ip).toBe('127.0.0.1');

      const proxied = await createTestApp({ GATEHOUSE_TRUST_PROXY: 'true' });
      try {
        const user = await proxied.createUser('subscriber', 'behindproxy');
        const honoured = await proxied.createAppPassword(user.user, 'xff honoured');
        const response = await fetch(`${proxied.url}/wp-json/wp/v2/users/me/application-passwords/introspect`, {
          headers: { authorization: basic('behindproxy', honoured.password), 'x-forwarded-for': '203.0.113.7' },
        });
        expect((await response.json()).last_ip).toBe('203.0.113.7');
      } finally {
        await proxied.close();
      }
    });
  });
});
