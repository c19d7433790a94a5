import { basic, createTestApp, TestApp, TestUser } from './support/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field

interface Caller {
  who: TestUser;
  auth: string;
}

describe('posts API with WordPress capability rules (e2e)', () => {
  let t: TestApp;
  let admin: Caller;
  let editor: Caller;
  let author: Caller;
  let otherAuthor: Caller;
  let contributor: Caller;
  let subscriber: Caller;

  async function caller(role: 'administrator' | 'editor' | 'author' | 'contributor' | 'subscriber', login: string): Promise<Caller> {
    const who = await t.createUser(role, login);
    const { password } = await t.createAppPassword(who.user);
    return { who, auth: basic(login, password) };
  }

  async function call(method: string, path: string, as?: Caller, body?: object): Promise<{ status: number; body: Json; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (as) headers.authorization = as.auth;
    if (body) headers['content-type'] = 'application/json';
    const response = await fetch(`${t.url}/wp-json${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
    return { status: response.status, body: (await response.json()) as Json, headers: response.headers };
  }

  async function post(as: Caller, fields: object): Promise<Json> {
    const created = await call('POST', '/wp/v2/posts', as, fields);
    expect(created.status).toBe(201);
    return created.body;
  }

  beforeAll(async () => {
    t = await createTestApp();
    admin = await caller('administrator', 'padmin');
    editor = await caller('editor', 'peditor');
    author = await caller('author', 'pauthor');
    otherAuthor = await caller('author', 'pauthor2');
    contributor = await caller('contributor', 'pcontrib');
    subscriber = await caller('subscriber', 'psub');
  });
  afterAll(() => t.close());

  it('creates with 201, Location and WordPress fields in edit context', async () => {
    const created = await call('POST', '/wp/v2/posts', author, { title: 'Hello', content: '<p>Body text</p>', status: 'publish' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${t.url}/wp-json/wp/v2/posts/${created.body.id}`);
    expect(Object.keys(created.body)).toEqual([
      'id', 'date', 'date_gmt', 'guid', 'modified', 'modified_gmt', 'slug', 'status', 'type', 'link', 'title', 'content', 'excerpt', 'author', '_links',
    ]);
    expect(created.body).toMatchObject({
      slug: 'hello',
      status: 'publish',
      type: 'post',
      link: `${t.url}/hello/`,
      title: { raw: 'Hello', rendered: 'Hello' },
      content: { raw: '<p>Body text</p>', rendered: '<p>Body text</p>', protected: false },
      excerpt: { raw: '', rendered: '<p>Body text</p>\n', protected: false },
      author: author.who.user.id,
    });
    expect(created.body.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);

    const view = await call('GET', `/wp/v2/posts/${created.body.id}`);
    expect(view.status).toBe(200);
    expect(view.body.title).toEqual({ rendered: 'Hello' });
    expect(view.body.content).toEqual({ rendered: '<p>Body text</p>', protected: false });
    const embed = await call('GET', `/wp/v2/posts/${created.body.id}?context=embed`);
    expect(Object.keys(embed.body)).toEqual(['id', 'date', 'slug', 'type', 'link', 'title', 'excerpt', 'author', '_links']);
    // A second post with the same title gets a unique slug.
    expect((await post(author, { title: 'Hello', status: 'publish' })).slug).toBe('hello-2');
  });

  it('lets nobody anonymous or without edit_posts create', async () => {
    expect(await call('POST', '/wp/v2/posts', undefined, { title: 'x' })).toMatchObject({ status: 401, body: { code: 'rest_cannot_create', message: 'Sorry, you are not allowed to create posts as this user.' } });
    expect(await call('POST', '/wp/v2/posts', subscriber, { title: 'x' })).toMatchObject({ status: 403, body: { code: 'rest_cannot_create' } });
  });

  it('contributors create drafts and pending posts only, and edit them until published', async () => {
    const draft = await post(contributor, { title: 'Draft' });
    expect(draft).toMatchObject({ status: 'draft', slug: '' });
    expect((await post(contributor, { title: 'Pending', status: 'pending' })).status).toBe('pending');
    for (const status of ['publish', 'future', 'private']) {
      const refused = await call('POST', '/wp/v2/posts', contributor, { title: 'x', status });
      expect(refused).toMatchObject({ status: 403, body: { code: 'rest_cannot_publish' } });
    }
    expect((await call('POST', '/wp/v2/posts', contributor, { title: 'x', status: 'private' })).body.message).toBe('Sorry, you are not allowed to create private posts in this post type.');
    expect((await call('PUT', `/wp/v2/posts/${draft.id}`, contributor, { title: 'Draft 2' })).body.title.raw).toBe('Draft 2');
    expect(await call('PUT', `/wp/v2/posts/${draft.id}`, contributor, { status: 'publish' })).toMatchObject({ status: 403, body: { code: 'rest_cannot_publish', message: 'Sorry, you are not allowed to publish posts in this post type.' } });

    // Once an editor publishes it, the contributor may neither edit nor delete it (edit/delete_published_posts).
    expect((await call('POST', `/wp/v2/posts/${draft.id}`, editor, { status: 'publish' })).body.status).toBe('publish');
    expect(await call('PATCH', `/wp/v2/posts/${draft.id}`, contributor, { title: 'mine' })).toMatchObject({ status: 403, body: { code: 'rest_cannot_edit', message: 'Sorry, you are not allowed to edit this post.' } });
    expect(await call('DELETE', `/wp/v2/posts/${draft.id}`, contributor)).toMatchObject({ status: 403, body: { code: 'rest_cannot_delete', message: 'Sorry, you are not allowed to delete this post.' } });
  });

  it('authors publish and edit their own posts, not others\'', async () => {
    const own = await post(author, { title: 'Own', status: 'publish' });
    expect((await call('PUT', `/wp/v2/posts/${own.id}`, author, { content: 'edited' })).status).toBe(200);
    const theirs = await post(otherAuthor, { title: 'Theirs', status: 'publish' });
    expect(await call('PUT', `/wp/v2/posts/${theirs.id}`, author, { content: 'x' })).toMatchObject({ status: 403, body: { code: 'rest_cannot_edit' } });
    expect(await call('DELETE', `/wp/v2/posts/${theirs.id}`, author)).toMatchObject({ status: 403, body: { code: 'rest_cannot_delete' } });
    expect(await call('POST', '/wp/v2/posts', author, { title: 'as other', author: otherAuthor.who.user.id })).toMatchObject({
      status: 403,
      body: { code: 'rest_cannot_edit_others', message: 'Sorry, you are not allowed to create posts as this user.' },
    });
    expect(await call('PUT', `/wp/v2/posts/${own.id}`, author, { author: otherAuthor.who.user.id })).toMatchObject({
      status: 403,
      body: { code: 'rest_cannot_edit_others', message: 'Sorry, you are not allowed to update posts as this user.' },
    });
    // Another author's draft is not even readable.
    const hidden = await post(otherAuthor, { title: 'Hidden draft' });
    expect(await call('GET', `/wp/v2/posts/${hidden.id}`, author)).toMatchObject({ status: 403, body: { code: 'rest_forbidden' } });
    expect(await call('GET', `/wp/v2/posts/${hidden.id}`)).toMatchObject({ status: 401, body: { code: 'rest_forbidden' } });
    expect(await call('GET', `/wp/v2/posts/${own.id}?context=edit`, otherAuthor)).toMatchObject({ status: 403, body: { code: 'rest_forbidden_context', message: 'Sorry, you are not allowed to edit this post.' } });
  });

  it('editors edit and delete anyone\'s posts and read private ones', async () => {
    const theirs = await post(author, { title: 'By author', status: 'publish' });
    expect((await call('PUT', `/wp/v2/posts/${theirs.id}`, editor, { title: 'Edited by editor' })).status).toBe(200);
    const secret = await post(admin, { title: 'Private', status: 'private' });
    expect((await call('GET', `/wp/v2/posts/${secret.id}`, editor)).status).toBe(200);
    expect((await call('GET', `/wp/v2/posts/${secret.id}`, author)).status).toBe(403);
    expect((await call('PUT', `/wp/v2/posts/${secret.id}`, editor, { title: 'Still private' })).status).toBe(200);
    expect((await post(editor, { title: 'As author', author: author.who.user.id })).author).toBe(author.who.user.id);
    expect(await call('POST', '/wp/v2/posts', editor, { title: 'x', author: 999999 })).toMatchObject({ status: 400, body: { code: 'rest_invalid_author' } });
    const deleted = await call('DELETE', `/wp/v2/posts/${theirs.id}?force=true`, editor);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ deleted: true, previous: { id: theirs.id, title: { raw: 'Edited by editor' } } });
    expect(await call('GET', `/wp/v2/posts/${theirs.id}`)).toMatchObject({ status: 404, body: { code: 'rest_post_invalid_id', message: 'Invalid post ID.' } });
  });

  it('trashes, refuses to trash twice (410), then deletes with force', async () => {
    const own = await post(author, { title: 'Trash me', status: 'publish' });
    const trashed = await call('DELETE', `/wp/v2/posts/${own.id}`, author);
    expect(trashed).toMatchObject({ status: 200, body: { id: own.id, status: 'trash' } });
    expect(await call('DELETE', `/wp/v2/posts/${own.id}`, author)).toMatchObject({ status: 410, body: { code: 'rest_already_trashed', message: 'The post has already been deleted.' } });
    // Trashed from "publish", so deleting it for good still needs delete_published_posts: the author has it.
    expect((await call('DELETE', `/wp/v2/posts/${own.id}?force=true`, author)).body.deleted).toBe(true);
    expect(await call('DELETE', '/wp/v2/posts/999999', author)).toMatchObject({ status: 404, body: { code: 'rest_post_invalid_id' } });
  });

  it('schedules a post published with a future date', async () => {
    const future = await post(author, { title: 'Later', status: 'publish', date: '2999-01-01T00:00:00' });
    expect(future).toMatchObject({ status: 'future', date: '2999-01-01T00:00:00' });
    expect((await call('GET', `/wp/v2/posts/${future.id}`)).status).toBe(401);
  });

  it('lists published posts to everyone, with WordPress pagination', async () => {
    const anonymous = await call('GET', '/wp/v2/posts?per_page=2');
    expect(anonymous.status).toBe(200);
    const total = Number(anonymous.headers.get('x-wp-total'));
    expect(total).toBeGreaterThanOrEqual(4);
    expect(anonymous.headers.get('x-wp-totalpages')).toBe(String(Math.ceil(total / 2)));
    expect(anonymous.body).toHaveLength(2);
    expect(anonymous.body.every((item: Json) => item.status === 'publish')).toBe(true);
    expect(await call('GET', `/wp/v2/posts?per_page=2&page=${Math.ceil(total / 2) + 1}`)).toMatchObject({ status: 400, body: { code: 'rest_post_invalid_page_number' } });
    expect(await call('GET', '/wp/v2/posts?per_page=101')).toMatchObject({ status: 400, body: { code: 'rest_invalid_param' } });
    expect((await call('GET', '/wp/v2/posts?per_page=100')).status).toBe(200);

    expect(await call('GET', '/wp/v2/posts?status=draft')).toMatchObject({ status: 401, body: { code: 'rest_forbidden_status', message: 'Status is forbidden.' } });
    expect(await call('GET', '/wp/v2/posts?status=draft', subscriber)).toMatchObject({ status: 403, body: { code: 'rest_forbidden_status' } });
    expect(await call('GET', '/wp/v2/posts?context=edit')).toMatchObject({ status: 401, body: { code: 'rest_forbidden_context' } });

    // Drafts: an author sees only their own; an editor sees everyone's; totals count what is shown.
    const authorDrafts = await call('GET', '/wp/v2/posts?status=draft&per_page=100', author);
    expect(authorDrafts.body.every((item: Json) => item.author === author.who.user.id)).toBe(true);
    const editorDrafts = await call('GET', '/wp/v2/posts?status=draft,pending&per_page=100', editor);
    expect(editorDrafts.body.some((item: Json) => item.author === otherAuthor.who.user.id)).toBe(true);
    expect(Number(editorDrafts.headers.get('x-wp-total'))).toBe(editorDrafts.body.length);
    const byAuthor = await call('GET', `/wp/v2/posts?author=${otherAuthor.who.user.id}`);
    expect(byAuthor.body.length).toBeGreaterThan(0);
    expect(byAuthor.body.every((item: Json) => item.author === otherAuthor.who.user.id)).toBe(true);
  });

  it('shows authors of published posts in the users list to callers without list_users', async () => {
    const listed = await call('GET', '/wp/v2/users?per_page=100');
    expect(listed.status).toBe(200);
    const ids = listed.body.map((user: Json) => user.id);
    expect(ids).toContain(author.who.user.id);
    expect(ids).not.toContain(subscriber.who.user.id);
    expect(Number(listed.headers.get('x-wp-total'))).toBe(ids.length);
    expect((await call('GET', `/wp/v2/users/${author.who.user.id}`)).status).toBe(200);
    expect((await call('GET', `/wp/v2/users/${subscriber.who.user.id}`)).status).toBe(401);
  });
});
