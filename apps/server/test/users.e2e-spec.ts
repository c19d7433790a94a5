import { basic, createTestApp, TestApp, TestUser } from './support/test-app';

const VIEW_KEYS = ['id', 'name', 'url', 'description', 'link', 'slug', 'avatar_urls', 'meta', '_links'];
const EDIT_KEYS = ['id', 'username', 'name', 'first_name', 'last_name', 'email', 'url', 'description', 'link', 'locale', 'nickname', 'slug', 'roles', 'registered_date', 'capabilities', 'extra_capabilities', 'avatar_urls', 'meta', '_links'];

describe('users (e2e)', () => {
  let t: TestApp;
  let admin: TestUser;
  let author: TestUser;
  let subscriber: TestUser;
  let adminKey: string;
  let authorKey: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.createUser('administrator', 'boss');
    author = await t.createUser('author', 'writer');
    subscriber = await t.createUser('subscriber', 'reader');
    adminKey = await t.basicKey(admin);
    authorKey = await t.basicKey(author);
  });
  afterAll(() => t.close());

  const call = (path: string, authorization?: string, init: RequestInit = {}) =>
    fetch(t.url + path, { ...init, headers: { ...(authorization ? { authorization } : {}), ...(init.headers as Record<string, string> | undefined) } });
  const post = (authorization: string | undefined, body: unknown) =>
    call('/wp-json/wp/v2/users', authorization, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('GET /users/me in each context, with WordPress field names and order', async () => {
    const view = await (await call('/wp-json/wp/v2/users/me', authorKey)).json();
    expect(Object.keys(view)).toEqual(VIEW_KEYS);
    expect(view).toMatchObject({ id: author.user.id, name: 'writer', slug: 'writer', link: `${t.url}/author/writer/`, meta: [] });
    expect(Object.keys(view.avatar_urls)).toEqual(['24', '48', '96']);
    expect(view._links).toEqual({ self: [{ href: `${t.url}/wp-json/wp/v2/users/${author.user.id}` }], collection: [{ href: `${t.url}/wp-json/wp/v2/users` }] });

    const edit = await (await call('/wp-json/wp/v2/users/me?context=edit', authorKey)).json();
    expect(Object.keys(edit)).toEqual(EDIT_KEYS);
    expect(edit).toMatchObject({ username: 'writer', email: 'writer@example.test', roles: ['author'], locale: 'en_US', extra_capabilities: { author: true } });
    expect(edit.registered_date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    expect(edit.capabilities).toMatchObject({ publish_posts: true, author: true });
    expect(edit.capabilities).not.toHaveProperty('edit_users');

    const embed = await (await call('/wp-json/wp/v2/users/me?context=embed', authorKey)).json();
    expect(Object.keys(embed)).toEqual(['id', 'name', 'url', 'description', 'link', 'slug', 'avatar_urls', '_links']);

    const anonymous = await call('/wp-json/wp/v2/users/me');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ code: 'rest_not_logged_in', message: 'You are not currently logged in.', data: { status: 401 } });
  });

  it('GET /users/{id}: own always; others need list_users or edit_users', async () => {
    expect((await call(`/wp-json/wp/v2/users/${author.user.id}`, authorKey)).status).toBe(200);
    const refused = await call(`/wp-json/wp/v2/users/${subscriber.user.id}`, authorKey);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ code: 'rest_user_cannot_view', message: 'Sorry, you are not allowed to list users.', data: { status: 403 } });
    expect((await call(`/wp-json/wp/v2/users/${subscriber.user.id}`)).status).toBe(401);
    const editContext = await call(`/wp-json/wp/v2/users/${admin.user.id}?context=edit`, authorKey);
    expect(await editContext.json()).toEqual({ code: 'rest_forbidden_context', message: 'Sorry, you are not allowed to edit this user.', data: { status: 403 } });
    const asAdmin = await (await call(`/wp-json/wp/v2/users/${subscriber.user.id}?context=edit`, adminKey)).json();
    expect(asAdmin).toMatchObject({ id: subscriber.user.id, username: 'reader', roles: ['subscriber'] });
    expect(await (await call('/wp-json/wp/v2/users/999999', adminKey)).json()).toEqual({ code: 'rest_user_invalid_id', message: 'Invalid user ID.', data: { status: 404 } });
    expect(await (await call('/wp-json/wp/v2/users/4', adminKey, { method: 'GET' })).json()).toHaveProperty('code');
  });

  it('GET /users: list with pagination headers and Link, ordering, search and WordPress refusals', async () => {
    const page1 = await call('/wp-json/wp/v2/users?per_page=2&orderby=id', adminKey);
    expect(page1.headers.get('x-wp-total')).toBe('3');
    expect(page1.headers.get('x-wp-totalpages')).toBe('2');
    expect(page1.headers.get('link')).toBe(`<${t.url}/wp-json/wp/v2/users?per_page=2&orderby=id&page=2>; rel="next"`);
    expect((await page1.json()).map((user: { id: number }) => user.id)).toEqual([admin.user.id, author.user.id]);
    const page2 = await call('/wp-json/wp/v2/users?page=2&per_page=2&orderby=id', adminKey);
    expect(page2.headers.get('link')).toBe(`<${t.url}/wp-json/wp/v2/users?page=1&per_page=2&orderby=id>; rel="prev"`);
    expect((await page2.json()).map((user: { id: number }) => user.id)).toEqual([subscriber.user.id]);
    const tooFar = await call('/wp-json/wp/v2/users?page=9', adminKey);
    expect(tooFar.status).toBe(400);
    expect((await tooFar.json()).code).toBe('rest_user_invalid_page_number');
    expect((await (await call('/wp-json/wp/v2/users?search=writ', adminKey)).json()).map((user: { id: number }) => user.id)).toEqual([author.user.id]);
    expect((await (await call('/wp-json/wp/v2/users?roles=subscriber,author&orderby=id', adminKey)).json()).map((user: { id: number }) => user.id)).toEqual([author.user.id, subscriber.user.id]);

    expect(await (await call('/wp-json/wp/v2/users?context=edit', authorKey)).json()).toEqual({ code: 'rest_forbidden_context', message: 'Sorry, you are not allowed to edit users.', data: { status: 403 } });
    expect(await (await call('/wp-json/wp/v2/users?orderby=email')).json()).toEqual({ code: 'rest_forbidden_orderby', message: 'Sorry, you are not allowed to order users by this parameter.', data: { status: 401 } });
    expect(await (await call('/wp-json/wp/v2/users?roles=author', authorKey)).json()).toEqual({ code: 'rest_user_cannot_view', message: 'Sorry, you are not allowed to filter users by role.', data: { status: 403 } });
    const perPage = await (await call('/wp-json/wp/v2/users?per_page=101', adminKey)).json();
    expect(perPage.data.params).toEqual({ per_page: 'per_page must be less than or equal to 100' });

    // Anonymous callers see only authors of published content; there is none yet.
    const anonymous = await call('/wp-json/wp/v2/users');
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('x-wp-total')).toBe('0');
    expect(await anonymous.json()).toEqual([]);
  });

  it('POST /users creates for create_users holders: 201, Location, edit context', async () => {
    const response = await post(adminKey, { username: 'newbie', email: 'newbie@example.test', password: 'a long password', roles: ['editor'], name: 'New Bie' });
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(Object.keys(body)).toEqual(EDIT_KEYS);
    expect(body).toMatchObject({ username: 'newbie', name: 'New Bie', email: 'newbie@example.test', roles: ['editor'] });
    expect(response.headers.get('location')).toBe(`${t.url}/wp-json/wp/v2/users/${body.id}`);
    expect(await t.users.verifyPassword(body.id, 'a long password')).toBe(true);

    const form = await call('/wp-json/wp/v2/users', adminKey, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'username=formed&email=formed@example.test&password=pw&roles=author' });
    expect(form.status).toBe(201);
    expect((await form.json()).roles).toEqual(['author']);
  });

  it('POST /users refuses, in WordPress\'s order and codes', async () => {
    expect(await (await post(authorKey, { username: 'a', email: 'a@example.test', password: 'x' })).json()).toEqual({ code: 'rest_cannot_create_user', message: 'Sorry, you are not allowed to create new users.', data: { status: 403 } });
    expect((await (await post(undefined, { username: 'a', email: 'a@example.test', password: 'x' })).json()).data.status).toBe(401);
    expect(await (await post(adminKey, {})).json()).toEqual({ code: 'rest_missing_callback_param', message: 'Missing parameter(s): username, email, password', data: { status: 400, params: ['username', 'email', 'password'] } });
    expect(await (await post(undefined, {})).json()).toMatchObject({ code: 'rest_missing_callback_param' });
    expect(await (await post(adminKey, { username: 'bad<>name!', email: 'q@example.test', password: 'x' })).json()).toEqual({
      code: 'rest_invalid_param',
      message: 'Invalid parameter(s): username',
      data: {
        status: 400,
        params: { username: 'This username is invalid because it uses illegal characters. Please enter a valid username.' },
        details: { username: { code: 'rest_user_invalid_username', message: 'This username is invalid because it uses illegal characters. Please enter a valid username.', data: { status: 400 } } },
      },
    });
    expect((await (await post(adminKey, { username: 'x1', email: 'notanemail', password: 'x' })).json()).data.details.email.code).toBe('rest_invalid_email');
    expect((await (await post(adminKey, { username: 'x1', email: 'x1@example.test', password: '' })).json()).data.params).toEqual({ password: 'Passwords cannot be empty.' });
    expect(await (await post(adminKey, { username: 'x1', email: 'x1@example.test', password: 'x', roles: ['king'] })).json()).toEqual({ code: 'rest_user_invalid_role', message: 'The role king does not exist.', data: { status: 400 } });
    expect(await (await post(adminKey, { username: 'BOSS', email: 'other@example.test', password: 'x' })).json()).toEqual({ code: 'existing_user_login', message: 'Sorry, that username already exists!', data: { status: 400 } });
    expect(await (await post(adminKey, { username: 'other', email: 'Writer@Example.test', password: 'x' })).json()).toEqual({ code: 'existing_user_email', message: 'Sorry, that email address is already used!', data: { status: 400 } });
  });

  it('filters users with _fields, nested, with links only when asked', async () => {
    expect(await (await call('/wp-json/wp/v2/users/me?_fields=id,avatar_urls.24', authorKey)).json()).toEqual({ id: author.user.id, avatar_urls: { 24: expect.any(String) } });
    const links = await (await call('/wp-json/wp/v2/users?_fields=id,_links.self&orderby=id&per_page=1', adminKey)).json();
    expect(links).toEqual([{ id: admin.user.id, _links: { self: [{ href: `${t.url}/wp-json/wp/v2/users/${admin.user.id}` }] } }]);
  });
});
