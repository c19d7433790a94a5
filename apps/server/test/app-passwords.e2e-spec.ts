import { basic, createTestApp, TestApp, TestUser } from './support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/;

describe('application passwords (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let editor: TestUser;
  let subscriber: TestUser;
  let adminKey: string;
  let editorKey: string;
  let subscriberKey: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.createUser('administrator', 'boss');
    editor = await t.createUser('editor', 'ed');
    subscriber = await t.createUser('subscriber', 'sub');
    adminKey = await t.basicKey(admin);
    editorKey = await t.basicKey(editor);
    subscriberKey = await t.basicKey(subscriber);
  });
  afterAll(() => t.close());

  const call = (method: string, path: string, authorization?: string, body?: unknown) =>
    fetch(t.url + path, {
      method,
      headers: { ...(authorization ? { authorization } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  const base = (user: string | number) => `/wp-json/wp/v2/users/${user}/application-passwords`;
  const create = async (authorization: string, user: string | number, name: string) => {
    const response = await call('POST', base(user), authorization, { name });
    expect(response.status).toBe(201);
    return (await response.json()) as { uuid: string; password: string };
  };

  it('authenticates with the password as shown (with spaces) and without them', async () => {
    const key = await t.createAppPassword(admin.user, 'spaces');
    for (const password of [key.password, key.password.replace(/ /g, '')]) {
      const response = await call('GET', '/wp-json/wp/v2/users/me', basic('boss', password));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ id: admin.user.id, name: 'boss', slug: 'boss' });
    }
  });

  it('creates: 201, Location, the seven fields in order, password shown once as six groups of four', async () => {
    const response = await call('POST', base('me'), adminKey, { name: 'My App', app_id: '0b8f8e2c-6c1e-4b8e-9d1a-2f5a2a7b9e11' });
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(Object.keys(body)).toEqual(['uuid', 'app_id', 'name', 'created', 'last_used', 'last_ip', 'policy', 'password', '_links']);
    expect(body.policy).toEqual({ type: 'full' });
    expect(body).toMatchObject({ app_id: '0b8f8e2c-6c1e-4b8e-9d1a-2f5a2a7b9e11', name: 'My App', last_used: null, last_ip: null });
    expect(body.uuid).toMatch(UUID);
    expect(body.password).toMatch(/^[A-Za-z0-9]{4}( [A-Za-z0-9]{4}){5}$/);
    expect(body.created).toMatch(DATE);
    const self = `${t.url}/wp-json/wp/v2/users/${admin.user.id}/application-passwords/${body.uuid}`;
    expect(response.headers.get('location')).toBe(self);
    expect(body._links).toEqual({ self: [{ href: self }] });

    const listed = (await (await call('GET', base('me'), adminKey)).json()).find((item: { uuid: string }) => item.uuid === body.uuid);
    expect(Object.keys(listed)).toEqual(['uuid', 'app_id', 'name', 'created', 'last_used', 'last_ip', 'policy', '_links']);
    const single = await (await call('GET', `${base(admin.user.id)}/${body.uuid}`, adminKey)).json();
    expect(single).toEqual(listed);
  });

  it('creates from a form body, allows duplicate names and stores an empty app_id when none is given', async () => {
    const form = await fetch(t.url + base('me'), {
      method: 'POST',
      headers: { authorization: adminKey, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Twin',
    });
    expect(form.status).toBe(201);
    expect((await form.json()).app_id).toBe('');
    const again = await create(adminKey, 'me', 'Twin');
    const names = (await (await call('GET', base('me'), adminKey)).json()).filter((item: { name: string }) => item.name === 'Twin');
    expect(names).toHaveLength(2);
    expect(names.map((item: { uuid: string }) => item.uuid)).toContain(again.uuid);
  });

  it('sanitizes the name as WordPress does and refuses one that sanitizes to nothing', async () => {
    const created = await call('POST', base('me'), adminKey, { name: '  <b>Bold</b>\n  app ' });
    expect((await created.json()).name).toBe('Bold app');
    const empty = await call('POST', base('me'), adminKey, { name: '<i></i>' });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({
      code: 'application_password_empty_name',
      message: 'An application name is required to create an application password.',
      data: { status: 400 },
    });
  });

  it('validates parameters first (400), with WordPress codes and messages', async () => {
    const missing = await call('POST', base('me'), adminKey, {});
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ code: 'rest_missing_callback_param', message: 'Missing parameter(s): name', data: { status: 400, params: ['name'] } });

    const badAppId = await call('POST', base('me'), adminKey, { name: 'x', app_id: '0B8F8E2C-6C1E-4B8E-9D1A-2F5A2A7B9E11' });
    expect(await badAppId.json()).toEqual({
      code: 'rest_invalid_param',
      message: 'Invalid parameter(s): app_id',
      data: {
        status: 400,
        params: { app_id: 'app_id is not a valid UUID.' },
        details: { app_id: { code: 'rest_invalid_uuid', message: 'app_id is not a valid UUID.', data: null } },
      },
    });

    const blank = await (await call('POST', base('me'), adminKey, { name: '   ' })).json();
    expect(blank.data.params).toEqual({ name: 'name does not match pattern .*\\S.*.' });

    const context = await (await call('GET', `${base('me')}?context=bogus`, adminKey)).json();
    expect(context.data.params).toEqual({ context: 'context is not one of view, embed, and edit.' });

    // Validation comes before the permission check: an anonymous caller with a bad body gets the 400.
    const anonymous = await call('POST', base(admin.user.id), undefined, {});
    expect(anonymous.status).toBe(400);
  });

  it('shows each context: view and edit have six fields, embed three', async () => {
    const { uuid } = await create(adminKey, 'me', 'contexts');
    const item = `${base('me')}/${uuid}`;
    const embed = await (await call('GET', `${item}?context=embed`, adminKey)).json();
    expect(Object.keys(embed)).toEqual(['uuid', 'app_id', 'name', '_links']);
    const edit = await (await call('GET', `${item}?context=edit`, adminKey)).json();
    expect(Object.keys(edit)).toEqual(['uuid', 'app_id', 'name', 'created', 'last_used', 'last_ip', 'policy', '_links']);
    const list = await (await call('GET', `${base('me')}?context=embed`, adminKey)).json();
    expect(Object.keys(list[0])).toEqual(['uuid', 'app_id', 'name', '_links']);
  });

  it('filters with _fields: nested fields, _links only when asked, [] when nothing matches', async () => {
    const { uuid } = await create(adminKey, 'me', 'fields');
    const item = `${base('me')}/${uuid}`;
    expect(await (await call('GET', `${item}?_fields=uuid,name`, adminKey)).json()).toEqual({ uuid, name: 'fields' });
    const withLinks = await (await call('GET', `${item}?_fields=name,_links`, adminKey)).json();
    expect(Object.keys(withLinks)).toEqual(['name', '_links']);
    const selfOnly = await (await call('GET', `${item}?_fields=_links.self`, adminKey)).json();
    expect(Object.keys(selfOnly)).toEqual(['_links']);
    expect(await (await call('GET', `${item}?_fields=nothing`, adminKey)).json()).toEqual([]);
    const list = await (await call('GET', `${base('me')}?_fields[]=uuid&_fields[]=_links.self`, adminKey)).json();
    expect(Object.keys(list[0])).toEqual(['uuid', '_links']);
    const created = await call('POST', `${base('me')}?_fields=password`, adminKey, { name: 'only the password' });
    expect(Object.keys(await created.json())).toEqual(['password']);
    // Errors are never filtered.
    const error = await (await call('GET', `${base('me')}/00000000-0000-4000-8000-000000000000?_fields=uuid`, adminKey)).json();
    expect(error.code).toBe('rest_application_password_not_found');
  });

  it('renames with POST, PUT and PATCH (edit context, app_id unchanged) and ignores an app_id change', async () => {
    const created = await call('POST', base('me'), adminKey, { name: 'before', app_id: '1b8f8e2c-6c1e-4b8e-9d1a-2f5a2a7b9e11' });
    const { uuid } = await created.json();
    for (const method of ['POST', 'PUT', 'PATCH']) {
      const name = `renamed by ${method}`;
      const response = await call(method, `${base('me')}/${uuid}`, adminKey, { name, app_id: '2b8f8e2c-6c1e-4b8e-9d1a-2f5a2a7b9e11' });
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(Object.keys(body)).toEqual(['uuid', 'app_id', 'name', 'created', 'last_used', 'last_ip', 'policy', '_links']);
      expect(body).toMatchObject({ uuid, name, app_id: '1b8f8e2c-6c1e-4b8e-9d1a-2f5a2a7b9e11' });
    }
    const noName = await call('PUT', `${base('me')}/${uuid}`, adminKey, {});
    expect((await noName.json()).name).toBe('renamed by PATCH');
  });

  it('deletes one: {deleted, previous} in the edit context without links; then 404', async () => {
    const { uuid } = await create(adminKey, 'me', 'doomed');
    const response = await call('DELETE', `${base('me')}/${uuid}`, adminKey);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.deleted).toBe(true);
    expect(Object.keys(body.previous)).toEqual(['uuid', 'app_id', 'name', 'created', 'last_used', 'last_ip', 'policy']);
    expect(body.previous).toMatchObject({ uuid, name: 'doomed' });
    const again = await call('DELETE', `${base('me')}/${uuid}`, adminKey);
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({ code: 'rest_application_password_not_found', message: 'Application password not found.', data: { status: 404 } });
  });

  it('deletes all of a user\'s passwords: {deleted: true, count}', async () => {
    const victim = await t.createUser('author', 'victim');
    const keys = [await t.createAppPassword(victim.user, 'a'), await t.createAppPassword(victim.user, 'b')];
    const response = await call('DELETE', base(victim.user.id), adminKey);
    expect(await response.json()).toEqual({ deleted: true, count: 2 });
    const refused = await call('GET', '/wp-json/wp/v2/users/me', basic('victim', keys[0].password));
    expect(refused.status).toBe(401);
    expect(await (await call('DELETE', base(victim.user.id), adminKey)).json()).toEqual({ deleted: true, count: 0 });
  });

  it('introspects the password in use, only for the current user', async () => {
    const key = await t.createAppPassword(subscriber.user, 'introspected');
    const response = await call('GET', `${base('me')}/introspect`, basic('sub', key.password));
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ uuid: key.uuid, name: 'introspected' });
    expect(body).not.toHaveProperty('password');
    expect((await call('GET', `${base(subscriber.user.id)}/introspect`, basic('sub', key.password))).status).toBe(200);

    const other = await call('GET', `${base(subscriber.user.id)}/introspect`, adminKey);
    expect(other.status).toBe(403);
    expect((await other.json()).code).toBe('rest_cannot_introspect_app_password_for_non_authenticated_user');
    const anonymous = await call('GET', `${base(subscriber.user.id)}/introspect`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).code).toBe('rest_cannot_introspect_app_password_for_non_authenticated_user');
  });

  describe('permissions across roles', () => {
    it('a subscriber manages its own passwords', async () => {
      const created = await create(subscriberKey, 'me', 'mine');
      expect((await call('GET', `${base(subscriber.user.id)}/${created.uuid}`, subscriberKey)).status).toBe(200);
      expect((await call('PATCH', `${base('me')}/${created.uuid}`, subscriberKey, { name: 'still mine' })).status).toBe(200);
      expect((await call('DELETE', `${base('me')}/${created.uuid}`, subscriberKey)).status).toBe(200);
    });

    it('an editor is refused another user\'s passwords (403) with each route\'s code', async () => {
      const target = await t.createAppPassword(subscriber.user, 'target');
      const cases: [string, string, string, unknown?][] = [
        ['GET', base(subscriber.user.id), 'rest_cannot_list_application_passwords'],
        ['POST', base(subscriber.user.id), 'rest_cannot_create_application_passwords', { name: 'x' }],
        ['DELETE', base(subscriber.user.id), 'rest_cannot_delete_application_passwords'],
        ['GET', `${base(subscriber.user.id)}/${target.uuid}`, 'rest_cannot_read_application_password'],
        ['PUT', `${base(subscriber.user.id)}/${target.uuid}`, 'rest_cannot_edit_application_password', { name: 'x' }],
        ['DELETE', `${base(subscriber.user.id)}/${target.uuid}`, 'rest_cannot_delete_application_password'],
      ];
      for (const [method, path, code, body] of cases) {
        const response = await call(method, path, editorKey, body);
        expect({ method, path, status: response.status, code: (await response.json()).code }).toEqual({ method, path, status: 403, code });
      }
      const anonymous = await call('GET', base(subscriber.user.id));
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual({
        code: 'rest_cannot_list_application_passwords',
        message: 'Sorry, you are not allowed to list application passwords for this user.',
        data: { status: 401 },
      });
      expect(await (await call('GET', base('me'))).json()).toEqual({ code: 'rest_not_logged_in', message: 'You are not currently logged in.', data: { status: 401 } });
    });

    it('an administrator manages anyone\'s passwords', async () => {
      const created = await create(adminKey, editor.user.id, 'for the editor');
      const listed = await (await call('GET', base(editor.user.id), adminKey)).json();
      expect(listed.map((item: { uuid: string }) => item.uuid)).toContain(created.uuid);
      expect((await call('DELETE', `${base(editor.user.id)}/${created.uuid}`, adminKey)).status).toBe(200);
    });

    it('resolves the user before the permission check and the item after it', async () => {
      expect(await (await call('GET', base(999999), editorKey)).json()).toMatchObject({ code: 'rest_user_invalid_id', data: { status: 404 } });
      expect(await (await call('GET', base(0), adminKey)).json()).toMatchObject({ code: 'rest_user_invalid_id', data: { status: 404 } });
      // An editor asking for another user's missing item is refused, not told it is missing.
      expect((await call('GET', `${base(subscriber.user.id)}/00000000-0000-4000-8000-000000000000`, editorKey)).status).toBe(403);
      expect((await call('GET', `${base('me')}/not-a-uuid`, adminKey)).status).toBe(404);
      // Another user's item is not found through one's own collection.
      const theirs = await t.createAppPassword(subscriber.user, 'theirs');
      expect((await call('GET', `${base('me')}/${theirs.uuid}`, adminKey)).status).toBe(404);
    });
  });
});
