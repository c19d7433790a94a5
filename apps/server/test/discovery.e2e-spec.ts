import { RestIndexService, RestRouteRegistry } from '@gatehouse/core';
import { basic, createTestApp, TestApp } from './support/test-app';

const COLLECTION = '/wp/v2/users/(?P<user_id>(?:[\\d]+|me))/application-passwords';

describe('discovery (e2e)', () => {
  let t: TestApp;
  let key: string;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await t.createUser('administrator', 'boss');
    key = await t.basicKey(admin);
  });
  afterAll(() => t.close());

  const json = async (path: string, init: RequestInit = {}) => (await fetch(t.url + path, init)).json();

  it('GET /wp-json/ lists the site, its namespaces, authentication and routes with WordPress patterns', async () => {
    const response = await fetch(`${t.url}/wp-json/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('link')).toBe(`<${t.url}/wp-json/>; rel="https://api.w.org/"`);
    const index = await response.json();
    expect(Object.keys(index)).toEqual(['name', 'description', 'url', 'home', 'gmt_offset', 'timezone_string', 'namespaces', 'authentication', 'routes', 'site_logo', 'site_icon', 'site_icon_url', '_links']);
    expect(index).toMatchObject({ url: t.url, home: t.url, namespaces: ['wp/v2', 'gatehouse/v1'] });
    expect(index.authentication['application-passwords'].endpoints.authorization).toBe(`${t.url}/wp-admin/authorize-application.php`);
    for (const pattern of ['/', '/wp/v2', '/wp/v2/users', '/wp/v2/users/(?P<id>[\\d]+)', '/wp/v2/users/me', COLLECTION, `${COLLECTION}/introspect`, `${COLLECTION}/(?P<uuid>[\\w\\-]+)`]) {
      expect(index.routes).toHaveProperty([pattern]);
    }
    expect(index.routes[COLLECTION]).toEqual({
      namespace: 'wp/v2',
      methods: ['GET', 'POST', 'DELETE'],
      endpoints: [
        { methods: ['GET'], args: { context: { description: 'Scope under which the request is made; determines fields present in response.', type: 'string', enum: ['view', 'embed', 'edit'], default: 'view', required: false } } },
        {
          methods: ['POST'],
          args: {
            app_id: { description: 'A UUID provided by the application to uniquely identify it. It is recommended to use an UUID v5 with the URL or DNS namespace.', type: 'string', format: 'uuid', required: false },
            // Gatehouse adds maxLength 200, the stored name's width.
            name: { description: 'The name of the application password.', type: 'string', minLength: 1, maxLength: 200, pattern: '.*\\S.*', required: true },
            // Gatehouse's addition (issue 5): the password's policy.
            policy: { description: expect.stringContaining('What the application password may do'), type: 'object', required: false },
          },
        },
        { methods: ['DELETE'], args: [] },
      ],
    });
    expect(index.routes[`${COLLECTION}/(?P<uuid>[\\w\\-]+)`].methods).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
    expect(index.routes['/wp/v2/users']._links).toEqual({ self: [{ href: `${t.url}/wp-json/wp/v2/users` }] });
    expect(index.routes[COLLECTION]).not.toHaveProperty('_links');
  });

  it('filters the index with _fields, and shows its links only when asked', async () => {
    expect(await json('/wp-json/?_fields=name,url')).toEqual({ name: index_name(), url: t.url });
    const withLinks = await json('/wp-json/?_fields=name,_links');
    expect(Object.keys(withLinks)).toEqual(['name', '_links']);
    const nested = await json('/wp-json/?_fields=authentication.application-passwords.endpoints');
    expect(nested).toEqual({
      authentication: {
        'application-passwords': {
          endpoints: { authorization: `${t.url}/wp-admin/authorize-application.php`, exchange: `${t.url}/wp-json/gatehouse/v1/authorize/exchange` },
        },
      },
    });
  });

  function index_name(): string {
    return t.config.siteName;
  }

  it('serves the namespace index at /wp-json/wp/v2, including the namespace route itself', async () => {
    const index = await json('/wp-json/wp/v2');
    expect(index.namespace).toBe('wp/v2');
    expect(Object.keys(index.routes)[0]).toBe('/wp/v2');
    expect(index.routes).toHaveProperty([COLLECTION]);
    expect(index._links).toEqual({ up: [{ href: `${t.url}/wp-json/` }] });
  });

  it('answers OPTIONS with the route description, its schema and an Allow header for the caller', async () => {
    const anonymous = await fetch(`${t.url}/wp-json/wp/v2/users/me/application-passwords/introspect`, { method: 'OPTIONS' });
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('allow')).toBeNull();
    const body = await anonymous.json();
    expect(body).toMatchObject({ namespace: 'wp/v2', methods: ['GET'] });
    expect(body.schema).toMatchObject({ title: 'application-password', type: 'object' });
    expect(Object.keys(body.schema.properties)).toEqual(['uuid', 'app_id', 'name', 'password', 'created', 'last_used', 'last_ip', 'policy']);

    const owner = await fetch(`${t.url}/wp-json/wp/v2/users/me/application-passwords`, { method: 'OPTIONS', headers: { authorization: key } });
    expect(owner.headers.get('allow')).toBe('GET, POST, DELETE');
    const users = await fetch(`${t.url}/wp-json/wp/v2/users`, { method: 'OPTIONS' });
    expect(users.headers.get('allow')).toBe('GET');
    const usersAdmin = await fetch(`${t.url}/wp-json/wp/v2/users`, { method: 'OPTIONS', headers: { authorization: key } });
    expect(usersAdmin.headers.get('allow')).toBe('GET, POST');

    const root = await fetch(`${t.url}/wp-json/`, { method: 'OPTIONS' });
    expect(root.headers.get('allow')).toBe('GET');
    expect(await root.json()).toEqual({ namespace: '', methods: ['GET'], endpoints: [{ methods: ['GET'], args: { context: { default: 'view', required: false } } }], _links: { self: [{ href: `${t.url}/wp-json/` }] } });
    const unknown = await fetch(`${t.url}/wp-json/wp/v2/nothing`, { method: 'OPTIONS' });
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toEqual([]);
  });

  it('sends Allow on ordinary responses of a matched route, not on authentication failures', async () => {
    expect((await fetch(`${t.url}/wp-json/wp/v2/users/me`)).headers.get('allow')).toBe('GET');
    const item = await fetch(`${t.url}/wp-json/wp/v2/users/me/application-passwords/00000000-0000-4000-8000-000000000000`, { headers: { authorization: key } });
    expect(item.status).toBe(404);
    expect(item.headers.get('allow')).toBe('GET, POST, PUT, PATCH, DELETE');
    expect((await fetch(`${t.url}/wp-json/wp/v2/users/me/application-passwords`)).headers.get('allow')).toBeNull();
    expect((await fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization: basic('boss', 'wrong') } })).headers.get('allow')).toBeNull();
  });

  it('serves WordPress\'s ?rest_route= form for GET and POST, at / and /index.php', async () => {
    expect((await json('/?rest_route=/')).name).toBe(t.config.siteName);
    expect(await json('/index.php?rest_route=/wp/v2/users/me&_fields=username&context=edit', { headers: { authorization: key } })).toEqual({ username: 'boss' });
    const created = await fetch(`${t.url}/?rest_route=/wp/v2/users/me/application-passwords`, {
      method: 'POST',
      headers: { authorization: key, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'via rest_route' }),
    });
    expect(created.status).toBe(201);
    expect((await created.json()).name).toBe('via rest_route');
    expect(await json('/?rest_route=/wp/v2/nothing')).toMatchObject({ code: 'rest_no_route' });
  });
});

describe('discovery documents built once (e2e)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ GATEHOUSE_ENV: 'production', GATEHOUSE_TRUST_PROXY: 'true' });
  });
  afterAll(() => t.close());

  const index = async (secure: boolean) => (await fetch(`${t.url}/wp-json/`, { headers: secure ? { 'x-forwarded-proto': 'https' } : {} })).json();

  it('keeps one index per kind of request: production over plain HTTP hides secure-only entries, whatever was asked before', async () => {
    for (let round = 0; round < 2; round++) {
      expect((await index(true)).authentication).toHaveProperty('application-passwords');
      expect((await index(false)).authentication).toEqual([]);
    }
  });

  it('rebuilds the index and namespace indexes when an authentication method or a route is added later', async () => {
    await index(true);
    await index(false);
    const before = await (await fetch(`${t.url}/wp-json/gatehouse/v1`)).json();
    t.app.get(RestIndexService).addAuthentication('late-method', { endpoints: { token: 'https://late.example/token' } });
    expect((await index(true)).authentication['late-method']).toEqual({ endpoints: { token: 'https://late.example/token' } });
    expect((await index(false)).authentication).toEqual({ 'late-method': { endpoints: { token: 'https://late.example/token' } } });

    t.app.get(RestRouteRegistry).add({ method: 'GET', route: '/gatehouse/v1/late', args: {} });
    expect((await index(false)).routes).toHaveProperty(['/gatehouse/v1/late']);
    const after = await (await fetch(`${t.url}/wp-json/gatehouse/v1`)).json();
    expect(Object.keys(after.routes)).toEqual([...Object.keys(before.routes), '/gatehouse/v1/late']);
  });
});
