import { GRANT_CHANNEL } from '@gatehouse/access';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { basic, createTestApp, TestApp } from './support/test-app';

describe('secrets and revocation across processes (e2e)', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const secret = randomBytes(32).toString('hex');
    a = await createTestApp({}, { secret });
    // A second server instance on the same database, as behind a load balancer.
    b = await createTestApp({}, { secret, databaseUrl: a.databaseUrl });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const me = (t: TestApp, authorization: string) => fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization } });

  it('stores only keyed hashes: no row of grants or app_passwords holds the password', async () => {
    const owner = await a.createUser('subscriber', 'hashed');
    const { uuid, password } = await a.createAppPassword(owner.user, 'hashed');
    const bare = password.replace(/ /g, '');
    const dump = JSON.stringify([
      await a.dataSource.query('SELECT * FROM grants WHERE id = $1', [uuid]),
      (await a.dataSource.query('SELECT grant_id, encode(secret_hash, \'hex\') AS hex, encode(secret_hash, \'escape\') AS raw FROM app_passwords WHERE grant_id = $1', [uuid])),
    ]);
    expect(dump).toContain(uuid);
    expect(dump).not.toContain(bare);
    expect(dump).not.toContain(password);
    expect(dump).not.toContain(Buffer.from(bare).toString('hex'));
    const [row] = await a.dataSource.query('SELECT octet_length(secret_hash) AS length FROM app_passwords WHERE grant_id = $1', [uuid]);
    expect(row.length).toBe(32);
  });

  it('finds a password by one indexed lookup of its keyed hash', async () => {
    const [plan] = await a.dataSource.query(
      `EXPLAIN (FORMAT JSON) SELECT grant_id FROM app_passwords WHERE secret_hash = $1`,
      [Buffer.alloc(32)],
    );
    expect(JSON.stringify(plan)).toMatch(/Index (Only )?Scan/);
    expect(JSON.stringify(plan)).toContain('uq_app_passwords_secret_hash');
  });

  it('a revocation through instance B is refused by instance A on the very next request', async () => {
    const owner = await a.createUser('author', 'shared');
    const admin = await a.createUser('administrator', 'root');
    const adminKey = basic('root', (await a.createAppPassword(admin.user, 'admin')).password);
    for (let round = 0; round < 5; round++) {
      const victim = await a.createAppPassword(owner.user, `victim ${round}`);
      const key = basic('shared', victim.password);
      // Used twice on A, so A has it cached.
      expect((await me(a, key)).status).toBe(200);
      expect((await me(a, key)).status).toBe(200);
      const revoked = await fetch(`${b.url}/wp-json/wp/v2/users/${owner.user.id}/application-passwords/${victim.uuid}`, { method: 'DELETE', headers: { authorization: adminKey } });
      expect(revoked.status).toBe(200);
      const after = await me(a, key);
      expect(after.status).toBe(401);
      expect((await after.json()).code).toBe('incorrect_password');
    }
  });

  it('a revocation of all of a user\'s passwords through B is refused by A at once', async () => {
    const owner = await a.createUser('subscriber', 'wholesale');
    const key = basic('wholesale', (await a.createAppPassword(owner.user, 'one')).password);
    expect((await me(a, key)).status).toBe(200);
    expect(await b.appPasswords.revokeAll(owner.user.id)).toBe(1);
    expect((await me(a, key)).status).toBe(401);
  });

  it('does not serve a cached credential before the revocations committed before the lookup are heard', async () => {
    // A revocation committed by an outside session (another process): the moment COMMIT returns, the
    // notification may still be in flight to this process. Looking the credential up right then must
    // already refuse it; serving the cache without waiting for the listener fails here.
    const outsider = new Client({ connectionString: a.databaseUrl });
    await outsider.connect();
    try {
      const owner = await a.createUser('subscriber', 'raced');
      for (let round = 0; round < 20; round++) {
        const { uuid, password } = await a.createAppPassword(owner.user, `raced ${round}`);
        await expect(a.appPasswords.authenticate('raced', password)).resolves.toMatchObject({ grant: { id: uuid } });
        await outsider.query('BEGIN');
        await outsider.query('UPDATE grants SET revoked_at = now() WHERE id = $1', [uuid]);
        await outsider.query('SELECT pg_notify($1, $2)', [GRANT_CHANNEL, uuid]);
        await outsider.query('COMMIT');
        await expect(a.appPasswords.authenticate('raced', password)).rejects.toMatchObject({ code: 'incorrect_password' });
      }
    } finally {
      await outsider.end();
    }
  });
});
