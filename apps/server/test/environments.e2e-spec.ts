import { basic, createTestApp, TestApp, TestUser } from './support/test-app';

describe('GATEHOUSE_ENV=production (e2e)', () => {
  describe('without a trusted proxy', () => {
    let t: TestApp;
    let admin: TestUser;
    let key: string;

    beforeAll(async () => {
      t = await createTestApp({ GATEHOUSE_ENV: 'production' });
      admin = await t.createUser('administrator', 'boss');
      key = await t.basicKey(admin);
    });
    afterAll(() => t.close());

    it('ignores application passwords over plain HTTP, as WordPress does: the request is anonymous', async () => {
      const response = await fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization: key } });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ code: 'rest_not_logged_in', message: 'You are not currently logged in.', data: { status: 401 } });
      // A forwarded protocol is not believed without GATEHOUSE_TRUST_PROXY.
      const forwarded = await fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization: key, 'x-forwarded-proto': 'https' } });
      expect(forwarded.status).toBe(401);
    });

    it('answers the application-password routes with 501 application_passwords_disabled', async () => {
      for (const [method, path] of [
        ['GET', `/wp-json/wp/v2/users/${admin.user.id}/application-passwords`],
        ['GET', '/wp-json/wp/v2/users/me/application-passwords'],
        ['GET', '/wp-json/wp/v2/users/me/application-passwords/introspect'],
        ['DELETE', `/wp-json/wp/v2/users/${admin.user.id}/application-passwords/00000000-0000-4000-8000-000000000000`],
      ]) {
        const response = await fetch(t.url + path, { method, headers: { authorization: key } });
        expect({ path, status: response.status, body: await response.json() }).toEqual({
          path,
          status: 501,
          body: { code: 'application_passwords_disabled', message: 'Application passwords are not available.', data: { status: 501 } },
        });
      }
    });

    it('does not advertise application passwords in the index over plain HTTP', async () => {
      const index = await (await fetch(`${t.url}/wp-json/`)).json();
      expect(index.authentication).toEqual([]);
    });
  });

  describe('behind a trusted proxy (GATEHOUSE_TRUST_PROXY)', () => {
    let t: TestApp;
    let key: string;

    beforeAll(async () => {
      t = await createTestApp({ GATEHOUSE_ENV: 'production', GATEHOUSE_TRUST_PROXY: 'true' });
      const admin = await t.createUser('administrator', 'boss');
      key = await t.basicKey(admin);
    });
    afterAll(() => t.close());

    it('honours X-Forwarded-Proto: https', async () => {
      const secure = await fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization: key, 'x-forwarded-proto': 'https' } });
      expect(secure.status).toBe(200);
      const list = await fetch(`${t.url}/wp-json/wp/v2/users/me/application-passwords`, { headers: { authorization: key, 'x-forwarded-proto': 'https' } });
      expect(list.status).toBe(200);
      const index = await (await fetch(`${t.url}/wp-json/`, { headers: { 'x-forwarded-proto': 'https' } })).json();
      expect(index.authentication).toHaveProperty('application-passwords');
      const plain = await fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization: key } });
      expect(plain.status).toBe(401);
    });
  });

  describe('GATEHOUSE_ENV=local (the default)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('accepts application passwords over plain HTTP and advertises them', async () => {
      const admin = await t.createUser('administrator', 'boss');
      const key = await t.basicKey(admin);
      expect((await fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization: key } })).status).toBe(200);
      expect((await (await fetch(`${t.url}/wp-json/`)).json()).authentication).toHaveProperty('application-passwords');
    });
  });
});
