import { basic, createTestApp, TestApp, TestUser } from './support/test-app';

describe('application passwords over HTTP Basic (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let adminPassword: { uuid: string; password: string };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.createUser('administrator', 'boss');
    adminPassword = await t.createAppPassword(admin.user);
  });
  afterAll(() => t.close());

  const get = (path: string, authorization?: string) =>
    fetch(t.url + path, { headers: authorization ? { authorization } : {} });

  it('authenticates /users/me with the password as shown (with spaces) and without them', async () => {
    for (const password of [adminPassword.password, adminPassword.password.replace(/ /g, '')]) {
      const response = await get('/wp-json/wp/v2/users/me', basic('boss', password));
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body).toMatchObject({ id: admin.user.id, name: 'boss', slug: 'boss' });
    }
  });

  it('creates a password: 201, Location, seven fields, shown once as six groups of four', async () => {
    const response = await fetch(`${t.url}/wp-json/wp/v2/users/me/application-passwords`, {
      method: 'POST',
      headers: { authorization: basic('boss', adminPassword.password), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'My App', app_id: '0b8f8e2c-6c1e-4b8e-9d1a-2f5a2a7b9e11' }),
    });
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(Object.keys(body)).toEqual(['uuid', 'app_id', 'name', 'created', 'last_used', 'last_ip', 'policy', 'password', '_links']);
    expect(body.policy).toEqual({ type: 'full' });
    expect(body.password).toMatch(/^[A-Za-z0-9]{4}( [A-Za-z0-9]{4}){5}$/);
    expect(body.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(response.headers.get('location')).toBe(`${t.url}/wp-json/wp/v2/users/${admin.user.id}/application-passwords/${body.uuid}`);

    const list = await (await get('/wp-json/wp/v2/users/me/application-passwords', basic('boss', adminPassword.password))).json();
    const listed = list.find((item: { uuid: string }) => item.uuid === body.uuid);
    expect(listed).toBeDefined();
    expect(listed).not.toHaveProperty('password');
  });

  it('refuses bad credentials with WordPress codes and a Basic challenge, never as anonymous', async () => {
    const wrong = await get('/wp-json/', basic('boss', 'aaaa bbbb cccc dddd eeee ffff'));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await wrong.json()).toEqual({
      code: 'incorrect_password',
      message: 'The provided password is an invalid application password.',
      data: { status: 401 },
    });
    expect((await (await get('/wp-json/', basic('nobody', 'x'))).json()).code).toBe('invalid_username');
    expect((await (await get('/wp-json/', basic('nobody@example.test', 'x'))).json()).code).toBe('invalid_email');
    // The login password never works over Basic.
    expect((await (await get('/wp-json/wp/v2/users/me', basic('boss', admin.password))).json()).code).toBe('incorrect_password');
  });

  it('refuses a revoked password on the very next request', async () => {
    const victim = await t.createAppPassword(admin.user, 'victim');
    expect((await get('/wp-json/wp/v2/users/me', basic('boss', victim.password))).status).toBe(200);
    const deleted = await fetch(`${t.url}/wp-json/wp/v2/users/me/application-passwords/${victim.uuid}`, {
      method: 'DELETE',
      headers: { authorization: basic('boss', adminPassword.password) },
    });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toMatchObject({ deleted: true, previous: { uuid: victim.uuid } });
    const after = await get('/wp-json/wp/v2/users/me', basic('boss', victim.password));
    expect(after.status).toBe(401);
  });
});
