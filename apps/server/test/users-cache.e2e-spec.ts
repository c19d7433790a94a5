import { ALL_GRANTS, GrantEventsService } from '@gatehouse/access';
import { randomBytes } from 'node:crypto';
import { basic, createTestApp, TestApp } from './support/test-app';

/**
 * UsersService keeps users by id in memory, so `/users/me` costs no query. Every change to a user
 * publishes a grant event (ALL_GRANTS), which empties the cache of every process sharing the
 * database; while the listener is down, nothing is served from it.
 */
describe('the users cache (e2e)', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const secret = randomBytes(32).toString('hex');
    // One site URL for both: it is the tokens' audience.
    const site = { GATEHOUSE_URL: 'https://gatehouse.example' };
    a = await createTestApp(site, { secret });
    // A second instance on the same database, as behind a load balancer.
    b = await createTestApp(site, { secret, databaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const me = async (t: TestApp, authorization: string) => {
    const response = await fetch(`${t.url}/wp-json/wp/v2/users/me?context=edit`, { headers: { authorization } });
    const body = await response.json();
    expect({ status: response.status, body }).toEqual({ status: 200, body: expect.objectContaining({ id: expect.any(Number) }) });
    return body;
  };
  const bearer = async (t: TestApp, credential: { uuid: string; password: string }) => {
    const response = await fetch(`${t.url}/wp-json/wp/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: credential.uuid, api_secret: credential.password }),
    });
    expect(response.status).toBe(200);
    return `Bearer ${(await response.json()).access_token}`;
  };
  /** Changes a column the way a user update must: in a transaction that publishes ALL_GRANTS. */
  const rename = (t: TestApp, userId: number, name: string) =>
    t.dataSource.transaction(async (manager) => {
      await manager.query('UPDATE users SET display_name = $2 WHERE id = $1', [userId, name]);
      await t.app.get(GrantEventsService).publish(manager, ALL_GRANTS);
    });
  /** Resolves when an instance has received a grant event from the database (or from losing its listener). */
  const heard = (t: TestApp, grantId: string) =>
    new Promise<void>((resolve) => {
      const stop = t.app.get(GrantEventsService).subscribe((id) => {
        if (id === grantId) {
          stop();
          resolve();
        }
      });
    });

  it('serves a user from memory: a change that publishes no event is not seen (which is why every change must publish)', async () => {
    const person = await a.createUser('author', 'remembered');
    const key = await a.basicKey(person);
    expect((await me(a, key)).name).toBe('remembered');
    await a.dataSource.query('UPDATE users SET display_name = $2 WHERE id = $1', [person.user.id, 'changed quietly']);
    expect((await me(a, key)).name).toBe('remembered');
    await rename(a, person.user.id, 'changed properly');
    expect((await me(a, key)).name).toBe('changed properly');
  });

  it('shows a role changed through the service on the very next /users/me, over Basic and over a bearer token', async () => {
    const person = await a.createUser('author', 'promoted');
    const credential = await a.createAppPassword(person.user);
    const key = basic('promoted', credential.password);
    const token = await bearer(a, credential);
    expect((await me(a, key)).roles).toEqual(['author']);
    expect((await me(a, token)).roles).toEqual(['author']);

    await a.users.setRole(person.user.id, 'editor');
    const overBasic = await me(a, key);
    expect(overBasic.roles).toEqual(['editor']);
    expect(overBasic.capabilities).toMatchObject({ edit_others_posts: true, editor: true });
    expect((await me(a, token)).roles).toEqual(['editor']);
  });

  it('shows a display name changed with an event on the very next /users/me', async () => {
    const person = await a.createUser('subscriber', 'renamed');
    const key = await a.basicKey(person);
    expect((await me(a, key)).name).toBe('renamed');
    await rename(a, person.user.id, 'Renamed Person');
    expect((await me(a, key)).name).toBe('Renamed Person');
    const view = await (await fetch(`${a.url}/wp-json/wp/v2/users/me`, { headers: { authorization: key } })).json();
    expect(view.name).toBe('Renamed Person');
  });

  it('shows a change made through another instance on the very next request', async () => {
    const person = await a.createUser('contributor', 'elsewhere');
    const credential = await a.createAppPassword(person.user);
    const key = basic('elsewhere', credential.password);
    const token = await bearer(a, credential);
    for (let round = 0; round < 3; round++) {
      // Cached on A, then changed through B.
      expect((await me(a, key)).roles).toEqual([round % 2 === 0 ? 'contributor' : 'author']);
      expect((await me(a, token)).name).toBe(round === 0 ? 'elsewhere' : `name ${round - 1}`);
      await b.users.setRole(person.user.id, round % 2 === 0 ? 'author' : 'contributor');
      await rename(b, person.user.id, `name ${round}`);
      const after = await me(a, key);
      expect(after.roles).toEqual([round % 2 === 0 ? 'author' : 'contributor']);
      expect(after.name).toBe(`name ${round}`);
      expect((await me(a, token)).name).toBe(`name ${round}`);
    }
  });

  it('hands out users that cannot be changed by accident: the cached user is frozen', async () => {
    const person = await a.createUser('subscriber', 'frozen');
    const user = await a.users.findById(person.user.id);
    expect(user).toMatchObject({ id: person.user.id, login: 'frozen' });
    expect(Object.isFrozen(user)).toBe(true);
    expect(() => {
      (user as { displayName: string }).displayName = 'mutated';
    }).toThrow(TypeError);
    expect((await a.users.findById(person.user.id))?.displayName).toBe('frozen');
  });

  it('is not trusted while the listener is down, and is emptied when it is back', async () => {
    const person = await a.createUser('subscriber', 'deaf');
    const key = await a.basicKey(person);
    expect((await me(a, key)).name).toBe('deaf');

    const events = a.app.get(GrantEventsService);
    const lost = heard(a, ALL_GRANTS);
    await b.dataSource.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'gatehouse-grant-listener' AND pid <> pg_backend_pid()`);
    await lost;
    expect(events.listening).toBe(false);

    await a.dataSource.query('UPDATE users SET display_name = $2 WHERE id = $1', [person.user.id, 'read while deaf']);
    expect((await me(a, key)).name).toBe('read while deaf');

    // The listener reconnects by itself and empties every cache as it does.
    while (!events.listening) await heard(a, ALL_GRANTS);
    await rename(a, person.user.id, 'heard again');
    expect((await me(a, key)).name).toBe('heard again');
  });
});
