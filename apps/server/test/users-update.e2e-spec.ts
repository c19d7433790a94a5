import { SessionsService } from '@gatehouse/authorize-ui';
import { PostsService } from '@gatehouse/posts';
import { basic, createTestApp, TestApp, TestUser } from './support/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field

/**
 * `POST|PUT|PATCH|DELETE /wp/v2/users/{id|me}`, as WordPress's users controller answers, against real
 * PostgreSQL: who may change what, each error code, and what a change does to the user's existing
 * credentials, tokens, sessions and posts on the very next request.
 */
describe('user updates and deletions (e2e)', () => {
  let t: TestApp;
  let counter = 0;
  const keys: Record<string, string> = {};
  const people: Record<string, TestUser> = {};

  async function request(method: string, url: string, authorization?: string, body?: object | null) {
    const headers: Record<string, string> = {};
    if (authorization) headers.authorization = authorization;
    if (body) headers['content-type'] = 'application/json';
    const response = await fetch(t.url + url, { method, headers, body: body ? JSON.stringify(body) : undefined });
    return { status: response.status, body: (await response.json()) as Json, headers: response.headers };
  }

  async function person(role: Parameters<TestApp['createUser']>[0], login?: string): Promise<{ user: TestUser; key: string }> {
    const user = await t.createUser(role, login ?? `${role.slice(0, 4)}u${++counter}`);
    const { password } = await t.createAppPassword(user.user);
    return { user, key: basic(user.login, password) };
  }

  async function jwtFor(user: TestUser): Promise<{ bearer: string; refresh: string }> {
    const { uuid, password } = await t.createAppPassword(user.user, 'jwt');
    const response = await request('POST', '/wp-json/wp/v2/token', undefined, { api_key: uuid, api_secret: password });
    expect(response.status).toBe(200);
    return { bearer: `Bearer ${response.body.access_token}`, refresh: response.body.refresh_token };
  }

  async function publish(user: TestUser, title = 'fixture'): Promise<number> {
    const inPerson = { user: { id: user.user.id, login: user.login, email: user.user.email, role: user.user.role }, grant: null, policy: { type: 'full' as const }, method: 'cookie' as const };
    return (await t.app.get(PostsService).create(inPerson, { title, status: 'publish' })).id;
  }

  beforeAll(async () => {
    t = await createTestApp();
    for (const [name, role] of [['admin', 'administrator'], ['editor', 'editor'], ['author', 'author'], ['subscriber', 'subscriber']] as const) {
      const { user, key } = await person(role, `the${name}`);
      people[name] = user;
      keys[name] = key;
    }
  });
  afterAll(() => t.close());

  /**
   * [caller, method, url, body, status, code]. {self} is the caller's id, {author}/{admin} those
   * users' ids, {unique} a fresh suffix. The targets are never deleted or demoted here.
   */
  type Row = [string, string, string, object | null, number, string | null];
  const MATRIX: Row[] = [
    // Anyone edits themself; edit_users (administrators) edit others.
    ['subscriber', 'POST', '/wp-json/wp/v2/users/me', { name: 'Sub Scriber' }, 200, null],
    ['subscriber', 'PUT', '/wp-json/wp/v2/users/{self}', { first_name: 'Sub' }, 200, null],
    ['subscriber', 'PATCH', '/wp-json/wp/v2/users/{author}', { name: 'x' }, 403, 'rest_cannot_edit'],
    ['author', 'POST', '/wp-json/wp/v2/users/{admin}', { name: 'x' }, 403, 'rest_cannot_edit'],
    ['editor', 'PUT', '/wp-json/wp/v2/users/{author}', { name: 'x' }, 403, 'rest_cannot_edit'],
    ['admin', 'PATCH', '/wp-json/wp/v2/users/{author}', { nickname: 'penname' }, 200, null],
    ['anonymous', 'POST', '/wp-json/wp/v2/users/{author}', { name: 'x' }, 401, 'rest_cannot_edit'],
    // WordPress looks up user 0 for an anonymous /me.
    ['anonymous', 'POST', '/wp-json/wp/v2/users/me', { name: 'x' }, 404, 'rest_user_invalid_id'],
    ['admin', 'POST', '/wp-json/wp/v2/users/987654', { name: 'x' }, 404, 'rest_user_invalid_id'],
    ['admin', 'POST', '/wp-json/wp/v2/users/99999999999999', { name: 'x' }, 404, 'rest_user_invalid_id'],
    // Roles: promote_users, and nobody gives themself a role without edit_users.
    ['author', 'POST', '/wp-json/wp/v2/users/me', { roles: ['editor'] }, 403, 'rest_cannot_edit_roles'],
    ['editor', 'POST', '/wp-json/wp/v2/users/{author}', { roles: ['editor'] }, 403, 'rest_cannot_edit_roles'],
    ['anonymous', 'POST', '/wp-json/wp/v2/users/{author}', { roles: ['editor'] }, 401, 'rest_cannot_edit_roles'],
    ['admin', 'POST', '/wp-json/wp/v2/users/me', { roles: ['editor'] }, 403, 'rest_user_invalid_role'],
    ['admin', 'POST', '/wp-json/wp/v2/users/me', { roles: ['administrator'] }, 200, null],
    ['admin', 'POST', '/wp-json/wp/v2/users/{author}', { roles: ['overlord'] }, 400, 'rest_user_invalid_role'],
    ['admin', 'POST', '/wp-json/wp/v2/users/{author}', { roles: ['author', 'editor'] }, 400, 'rest_user_invalid_role'],
    ['admin', 'POST', '/wp-json/wp/v2/users/{author}', { roles: ['author'] }, 200, null],
    // The fields' own rules.
    ['author', 'POST', '/wp-json/wp/v2/users/me', { email: 'theadmin@example.test' }, 400, 'rest_user_invalid_email'],
    ['author', 'POST', '/wp-json/wp/v2/users/me', { email: 'THEAUTHOR@example.test' }, 200, null],
    ['author', 'POST', '/wp-json/wp/v2/users/me', { email: 'not-an-email' }, 400, 'rest_invalid_param'],
    ['author', 'POST', '/wp-json/wp/v2/users/me', { username: 'renamed' }, 400, 'rest_user_invalid_argument'],
    ['author', 'POST', '/wp-json/wp/v2/users/me', { username: 'theauthor', name: 'same login is fine' }, 200, null],
    ['author', 'POST', '/wp-json/wp/v2/users/me', { slug: 'theadmin' }, 400, 'rest_user_invalid_slug'],
    ['author', 'POST', '/wp-json/wp/v2/users/me', { slug: 's'.repeat(51) }, 400, 'user_nicename_too_long'],
    ['author', 'POST', '/wp-json/wp/v2/users/me', { url: `https://example.test/${'u'.repeat(80)}` }, 400, 'user_url_too_long'],
    ['author', 'POST', '/wp-json/wp/v2/users/me', { url: 'not a url' }, 400, 'rest_invalid_param'],
    ['author', 'POST', '/wp-json/wp/v2/users/me', { name: 'n'.repeat(251) }, 400, 'rest_invalid_param'],
    ['author', 'POST', '/wp-json/wp/v2/users/me', { email: `${'e'.repeat(95)}@example.test` }, 400, 'rest_invalid_param'],
    ['author', 'POST', '/wp-json/wp/v2/users/me', { password: 'back\\slash' }, 400, 'rest_invalid_param'],
    ['author', 'POST', '/wp-json/wp/v2/users/me', { password: '   ' }, 400, 'rest_invalid_param'],
    ['author', 'POST', '/wp-json/wp/v2/users/me', { locale: 'xx_XX' }, 400, 'rest_invalid_param'],
    // Deletion: delete_users, force=true, a reassign parameter naming another existing user (or false).
    ['subscriber', 'DELETE', '/wp-json/wp/v2/users/me?force=true&reassign=false', null, 403, 'rest_user_cannot_delete'],
    ['editor', 'DELETE', '/wp-json/wp/v2/users/{author}?force=true&reassign=false', null, 403, 'rest_user_cannot_delete'],
    ['anonymous', 'DELETE', '/wp-json/wp/v2/users/{author}?force=true&reassign=false', null, 401, 'rest_user_cannot_delete'],
    ['anonymous', 'DELETE', '/wp-json/wp/v2/users/me?force=true&reassign=false', null, 404, 'rest_user_invalid_id'],
    ['admin', 'DELETE', '/wp-json/wp/v2/users/{author}', null, 400, 'rest_missing_callback_param'],
    ['admin', 'DELETE', '/wp-json/wp/v2/users/{author}?reassign=false', null, 501, 'rest_trash_not_supported'],
    ['admin', 'DELETE', '/wp-json/wp/v2/users/{author}?reassign=false&force=false', null, 501, 'rest_trash_not_supported'],
    ['admin', 'DELETE', '/wp-json/wp/v2/users/{author}?force=true&reassign=abc', null, 400, 'rest_invalid_param'],
    ['admin', 'DELETE', '/wp-json/wp/v2/users/{author}?force=true&reassign={author}', null, 400, 'rest_user_invalid_reassign'],
    ['admin', 'DELETE', '/wp-json/wp/v2/users/{author}?force=true&reassign=987654', null, 400, 'rest_user_invalid_reassign'],
    ['admin', 'DELETE', '/wp-json/wp/v2/users/{author}?force=true&reassign=99999999999999999999', null, 400, 'rest_user_invalid_reassign'],
    ['admin', 'DELETE', '/wp-json/wp/v2/users/987654?force=true&reassign=false', null, 404, 'rest_user_invalid_id'],
  ];

  it.each(MATRIX)('%s %s %s %j → %d %s', async (caller, method, template, body, status, code) => {
    const fill = (text: string) =>
      text
        .replace(/\{unique\}/g, () => String(++counter))
        .replace(/\{self\}/g, caller === 'anonymous' ? '0' : String(people[caller].user.id))
        .replace(/\{author\}/g, String(people.author.user.id))
        .replace(/\{admin\}/g, String(people.admin.user.id));
    const response = await request(method, fill(template), caller === 'anonymous' ? undefined : keys[caller], body ? JSON.parse(fill(JSON.stringify(body))) : null);
    expect({ status: response.status, code: response.status >= 400 ? response.body.code : null }).toEqual({ status, code });
  });

  it('answers errors with WordPress\'s messages and shapes', async () => {
    const id = people.author.user.id;
    expect((await request('DELETE', `/wp-json/wp/v2/users/${id}?reassign=false`, keys.admin)).body).toEqual({
      code: 'rest_trash_not_supported', message: "Users do not support trashing. Set 'force=true' to delete.", data: { status: 501 },
    });
    expect((await request('DELETE', `/wp-json/wp/v2/users/${id}?force=true&reassign=abc`, keys.admin)).body).toEqual({
      code: 'rest_invalid_param',
      message: 'Invalid parameter(s): reassign',
      data: { status: 400, params: { reassign: 'Invalid user parameter(s).' }, details: { reassign: { code: 'rest_invalid_param', message: 'Invalid user parameter(s).', data: { status: 400 } } } },
    });
    expect((await request('DELETE', `/wp-json/wp/v2/users/${id}`, keys.admin)).body).toEqual({
      code: 'rest_missing_callback_param', message: 'Missing parameter(s): reassign', data: { status: 400, params: ['reassign'] },
    });
    expect((await request('POST', `/wp-json/wp/v2/users/${id}?force=true`, keys.admin, { roles: ['overlord'] })).body.message).toBe('The role overlord does not exist.');
    expect((await request('POST', `/wp-json/wp/v2/users/${id}`, keys.editor, { roles: ['editor'] })).body.message).toBe('Sorry, you are not allowed to edit roles of this user.');
    expect((await request('POST', `/wp-json/wp/v2/users/${id}`, keys.editor, { name: 'x' })).body.message).toBe('Sorry, you are not allowed to edit this user.');
    expect((await request('POST', '/wp-json/wp/v2/users/me', keys.author, { username: 'renamed' })).body.message).toBe('Username is not editable.');
    expect((await request('POST', '/wp-json/wp/v2/users/me', keys.author, { slug: 's'.repeat(51) })).body.message).toBe('Nicename may not be longer than 50 characters.');
    const tooLong = await request('POST', '/wp-json/wp/v2/users/me', keys.author, { name: 'n'.repeat(251) });
    expect(tooLong.body.data.details.name).toEqual({ code: 'rest_too_long', message: 'name must be at most 250 characters long.', data: null });
  });

  it('updates every writable field, answers the user in the edit context and keeps the change', async () => {
    const { user, key } = await person('author');
    const changes = {
      name: 'Ada Lovelace',
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: `ada${++counter}@example.test`,
      url: 'https://ada.example.test',
      description: 'Analyst',
      nickname: 'ada',
      slug: `Ada Lovelace ${counter}`,
      locale: 'en_US',
    };
    const response = await request('PUT', `/wp-json/wp/v2/users/${user.user.id}`, keys.admin, changes);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      id: user.user.id,
      username: user.login,
      name: 'Ada Lovelace',
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: changes.email,
      url: 'https://ada.example.test',
      description: 'Analyst',
      nickname: 'ada',
      slug: `ada-lovelace-${counter}`,
      locale: 'en_US',
      roles: ['author'],
    });
    expect(response.body).not.toHaveProperty('password');
    const read = await request('GET', '/wp-json/wp/v2/users/me?context=edit', key);
    expect(read.body).toMatchObject({ name: 'Ada Lovelace', email: changes.email, slug: `ada-lovelace-${counter}` });
    // An empty url clears it; fields not sent stay as they were.
    const cleared = await request('PATCH', '/wp-json/wp/v2/users/me', key, { url: '' });
    expect(cleared.body).toMatchObject({ url: '', name: 'Ada Lovelace', description: 'Analyst' });
    // OPTIONS-style Allow header: an administrator may edit and delete; the user may edit themself.
    expect((await request('GET', `/wp-json/wp/v2/users/${user.user.id}`, keys.admin)).headers.get('allow')).toBe('GET, POST, PUT, PATCH, DELETE');
    expect((await request('GET', `/wp-json/wp/v2/users/${user.user.id}`, key)).headers.get('allow')).toBe('GET, POST, PUT, PATCH');
  });

  it('a new login password replaces the old one and ends the user\'s other login sessions', async () => {
    const { user, key } = await person('editor');
    const sessions = t.app.get(SessionsService);
    const browser = await sessions.create(user.user.id, { ip: '127.0.0.1', userAgent: 'test', remember: false });
    expect(await sessions.resolve(browser.cookieValue, '127.0.0.1')).not.toBeNull();
    const response = await request('POST', '/wp-json/wp/v2/users/me', key, { password: 'a brand new password' });
    expect(response.status).toBe(200);
    expect(await t.users.verifyPassword(user.user.id, 'a brand new password')).toBe(true);
    expect(await t.users.verifyPassword(user.user.id, user.password)).toBe(false);
    expect(await sessions.resolve(browser.cookieValue, '127.0.0.1')).toBeNull();
    // Application passwords are not login passwords: they keep working, as in WordPress.
    expect((await request('GET', '/wp-json/wp/v2/users/me', key)).status).toBe(200);

    // The browser that changes its own password keeps its session.
    const kept = await sessions.create(user.user.id, { ip: '127.0.0.1', userAgent: 'kept', remember: false });
    const other = await sessions.create(user.user.id, { ip: '127.0.0.1', userAgent: 'other', remember: false });
    await t.users.setPassword(user.user.id, 'yet another password', { keepSessionId: kept.session.id });
    expect(await sessions.resolve(kept.cookieValue, '127.0.0.1')).not.toBeNull();
    expect(await sessions.resolve(other.cookieValue, '127.0.0.1')).toBeNull();
  });

  it('a role change governs the very next request made with the user\'s existing application password and JWT', async () => {
    const { user, key } = await person('subscriber');
    const { bearer } = await jwtFor(user);
    for (const credential of [key, bearer]) {
      expect((await request('GET', '/wp-json/wp/v2/users?context=edit', credential)).status).toBe(403);
      expect((await request('POST', '/wp-json/wp/v2/posts', credential, { title: 'x' })).status).toBe(403);
    }
    expect((await request('POST', `/wp-json/wp/v2/users/${user.user.id}`, keys.admin, { roles: ['administrator'] })).body.roles).toEqual(['administrator']);
    for (const credential of [key, bearer]) {
      expect((await request('GET', '/wp-json/wp/v2/users?context=edit', credential)).status).toBe(200);
      expect((await request('POST', '/wp-json/wp/v2/posts', credential, { title: 'x' })).status).toBe(201);
    }
    expect((await request('PATCH', `/wp-json/wp/v2/users/${user.user.id}`, keys.admin, { roles: ['contributor'] })).status).toBe(200);
    for (const credential of [key, bearer]) {
      expect((await request('GET', '/wp-json/wp/v2/users?context=edit', credential)).status).toBe(403);
      expect((await request('POST', '/wp-json/wp/v2/posts', credential, { title: 'x', status: 'publish' })).body.code).toBe('rest_cannot_publish');
    }
  });

  it('a changed email is the Basic username at once, and the old one no longer is', async () => {
    const { user } = await person('author');
    const { password } = await t.createAppPassword(user.user, 'by email');
    expect((await request('GET', '/wp-json/wp/v2/users/me', basic(user.user.email, password))).status).toBe(200);
    const email = `moved${++counter}@example.test`;
    expect((await request('POST', `/wp-json/wp/v2/users/${user.user.id}`, keys.admin, { email })).status).toBe(200);
    expect((await request('GET', '/wp-json/wp/v2/users/me', basic(email, password))).status).toBe(200);
    expect((await request('GET', '/wp-json/wp/v2/users/me', basic(user.user.email, password))).body.code).toBe('invalid_email');
  });

  it('deleting with reassign moves the posts to the heir; with reassign=false they go with the user', async () => {
    const heir = (await person('editor')).user;
    const leaving = await person('author');
    const posts = [await publish(leaving.user, 'one'), await publish(leaving.user, 'two')];
    const response = await request('DELETE', `/wp-json/wp/v2/users/${leaving.user.user.id}?force=true&reassign=${heir.user.id}`, keys.admin);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ deleted: true, previous: { id: leaving.user.user.id, username: leaving.user.login, roles: ['author'] } });
    for (const id of posts) expect((await request('GET', `/wp-json/wp/v2/posts/${id}`)).body.author).toBe(heir.user.id);
    expect((await request('GET', `/wp-json/wp/v2/users/${leaving.user.user.id}`, keys.admin)).status).toBe(404);

    const dropped = await person('author');
    const post = await publish(dropped.user);
    expect((await request('DELETE', `/wp-json/wp/v2/users/${dropped.user.user.id}?force=true&reassign=false`, keys.admin)).status).toBe(200);
    expect((await request('GET', `/wp-json/wp/v2/posts/${post}`)).body.code).toBe('rest_post_invalid_id');
  });

  it('deleting a user ends their application passwords, access tokens and refresh tokens on the next request', async () => {
    const { user, key } = await person('editor');
    const { bearer, refresh } = await jwtFor(user);
    const sessions = t.app.get(SessionsService);
    const browser = await sessions.create(user.user.id, { ip: '127.0.0.1', userAgent: 'test', remember: false });
    // Warm every cache first.
    expect((await request('GET', '/wp-json/wp/v2/users/me', key)).status).toBe(200);
    expect((await request('GET', '/wp-json/wp/v2/users/me', bearer)).status).toBe(200);

    expect((await request('DELETE', `/wp-json/wp/v2/users/${user.user.id}?force=true&reassign=false`, keys.admin)).status).toBe(200);
    expect((await request('GET', '/wp-json/wp/v2/users/me', key)).status).toBe(401);
    expect((await request('GET', '/wp-json/wp/v2/users/me', bearer)).status).toBe(401);
    const refreshed = await request('POST', '/wp-json/wp/v2/token', undefined, { refresh_token: refresh });
    expect(refreshed.status).toBeGreaterThanOrEqual(400);
    expect(refreshed.status).toBeLessThan(500);
    expect(await sessions.resolve(browser.cookieValue, '127.0.0.1')).toBeNull();
    const [{ count }] = await t.dataSource.query('SELECT count(*)::int AS count FROM grants WHERE user_id = $1', [user.user.id]);
    expect(count).toBe(0);
  });

  it('an administrator may delete themself through /users/me', async () => {
    const { user, key } = await person('administrator');
    const response = await request('DELETE', `/wp-json/wp/v2/users/me?force=true&reassign=${people.admin.user.id}`, key);
    expect(response).toMatchObject({ status: 200, body: { deleted: true, previous: { id: user.user.id } } });
    expect((await request('GET', '/wp-json/wp/v2/users/me', key)).status).toBe(401);
  });

  it('the index describes the new methods with WordPress\'s arguments', async () => {
    const index = (await request('GET', '/wp-json/')).body;
    const item = index.routes['/wp/v2/users/(?P<id>[\\d]+)'];
    expect(item.methods).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
    const remove = item.endpoints.find((endpoint: Json) => endpoint.methods.includes('DELETE'));
    expect(remove.args).toEqual({
      id: { description: 'Unique identifier for the user.', type: 'integer', required: false },
      force: { type: 'boolean', default: false, description: 'Required to be true, as users do not support trashing.', required: false },
      reassign: { type: 'integer', description: "Reassign the deleted user's posts and links to this user ID.", required: true },
    });
    const update = item.endpoints.find((endpoint: Json) => endpoint.methods.includes('POST'));
    expect(update.methods).toEqual(['POST', 'PUT', 'PATCH']);
    expect(Object.keys(update.args)).toEqual(['id', 'username', 'name', 'first_name', 'last_name', 'email', 'url', 'description', 'locale', 'nickname', 'slug', 'roles', 'password']);
    expect(update.args.email).toMatchObject({ type: 'string', format: 'email', maxLength: 100, required: false });
    expect(index.routes['/wp/v2/users/me'].methods).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
  });
});
