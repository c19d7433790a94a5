import { verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { runCli, ServerProcess, startServer } from './support/processes';
import { basic, freePort } from './support/test-app';

/**
 * The server as shipped: the built main.js started as a child process, as `npm start` does. Covers
 * first start (admin created once), the start-up log, migrations, clean stops, configuration errors,
 * and the embedded PostgreSQL kept across restarts.
 */

const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));
const ADMIN_LINE = /Created administrator "admin" with password: (\S+)/g;

function baseUrl(): URL {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the tests through jest (its global setup provides one).');
  return new URL(url);
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** An empty database (no migrations: the server applies them) on the tests' PostgreSQL. */
async function createEmptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `gh_start_${randomBytes(6).toString('hex')}`;
  await withClient(baseUrl().toString(), (client) => client.query(`CREATE DATABASE ${name}`));
  const url = baseUrl();
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(baseUrl().toString(), (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

// The last start-up line: where it listens was logged just before.
const LISTENING = /\[Gatehouse\] database: .+\n/;

describe('server start-up (built main.js, e2e)', () => {
  const running = new Set<ServerProcess>();
  const start = (env: Record<string, string | undefined>) => {
    const server = startServer(env);
    running.add(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all([...running].map((server) => server.stop()));
    running.clear();
  });

  describe('with DATABASE_URL', () => {
    let database: { url: string; drop(): Promise<void> };
    beforeEach(async () => {
      database = await createEmptyDatabase();
    });
    afterEach(() => database.drop());

    it('applies migrations, creates admin with a generated password printed once, logs where it listens and its database, stops cleanly on SIGTERM', async () => {
      const port = await freePort();
      const env = { DATABASE_URL: database.url, PORT: String(port), GATEHOUSE_DATA_DIR: tempDir('gatehouse-start-') };
      const server = start(env);
      await server.waitFor(LISTENING);
      const output = server.output();
      expect(output).toContain(`listening on http://127.0.0.1:${port}`);
      // The database is named, its password (if any) is not.
      const shown = new URL(database.url);
      if (shown.password) {
        expect(output).not.toContain(shown.password);
        shown.password = '***';
      }
      expect(output).toContain(`database: ${shown.toString()}`);
      expect(output).toContain('applied migrations: CreateUsersGrantsAppPasswords');
      const printed = [...output.matchAll(ADMIN_LINE)].map((match) => match[1]);
      expect(printed).toHaveLength(1);
      // The printed password is admin's real login password (stored only as argon2id).
      const [admin] = await withClient(database.url, (client) => client.query("SELECT role, password_hash FROM users WHERE login = 'admin'")).then((result) => result.rows as { role: string; password_hash: string }[]);
      expect(admin.role).toBe('administrator');
      expect(admin.password_hash).toMatch(/^\$argon2id\$/);
      expect(await verify(admin.password_hash, printed[0])).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}/wp-json/`)).status).toBe(200);

      expect(await server.stop()).toBe(0);
      expect(server.output()).toContain('SIGTERM received, shutting down');
      running.delete(server);

      // A second start finds the schema and admin in place: nothing applied, nothing printed.
      const again = start(env);
      await again.waitFor(LISTENING);
      expect(again.output()).not.toContain('applied migrations');
      expect(again.output()).not.toMatch(/administrator/i);
      expect(await again.stop()).toBe(0);
    });

    it('takes the first admin password from GATEHOUSE_ADMIN_PASSWORD without printing it', async () => {
      const password = `chosen-${randomBytes(6).toString('hex')}`;
      const server = start({ DATABASE_URL: database.url, PORT: String(await freePort()), GATEHOUSE_DATA_DIR: tempDir('gatehouse-start-'), GATEHOUSE_ADMIN_PASSWORD: password });
      await server.waitFor(LISTENING);
      expect(server.output()).toContain('created administrator "admin" with the password from GATEHOUSE_ADMIN_PASSWORD');
      expect(server.output()).not.toContain(password);
      const [admin] = await withClient(database.url, (client) => client.query("SELECT password_hash FROM users WHERE login = 'admin'")).then((result) => result.rows as { password_hash: string }[]);
      expect(await verify(admin.password_hash, password)).toBe(true);
      expect(await server.stop()).toBe(0);
    });

    it('two instances starting together on an empty database migrate once and create one admin', async () => {
      const dataDir = tempDir('gatehouse-start-');
      const servers = [start({ DATABASE_URL: database.url, PORT: String(await freePort()), GATEHOUSE_DATA_DIR: dataDir }), start({ DATABASE_URL: database.url, PORT: String(await freePort()), GATEHOUSE_DATA_DIR: dataDir })];
      await Promise.all(servers.map((server) => server.waitFor(LISTENING)));
      const outputs = servers.map((server) => server.output());
      expect(outputs.filter((output) => output.includes('applied migrations'))).toHaveLength(1);
      expect(outputs.flatMap((output) => [...output.matchAll(ADMIN_LINE)])).toHaveLength(1);
      // Each migration recorded once (a race would have failed one start or recorded one twice).
      const counts = await withClient(database.url, (client) =>
        client.query('SELECT (SELECT count(*) FROM users)::int AS users, (SELECT count(*) FROM migrations)::int AS migrations, (SELECT count(DISTINCT name) FROM migrations)::int AS distinct_migrations'),
      );
      const [row] = counts.rows as { users: number; migrations: number; distinct_migrations: number }[];
      expect(row.users).toBe(1);
      expect(row.migrations).toBeGreaterThan(0);
      expect(row.migrations).toBe(row.distinct_migrations);
      expect(await Promise.all(servers.map((server) => server.stop()))).toEqual([0, 0]);
    });

    it('stops with exit 1 and names HOST/PORT when the port is taken', async () => {
      const blocker = createNetServer();
      const port = await freePort();
      await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
      try {
        const server = start({ DATABASE_URL: database.url, PORT: String(port), GATEHOUSE_DATA_DIR: tempDir('gatehouse-start-') });
        expect(await server.exited).toBe(1);
        expect(server.output()).toContain(`cannot listen on 127.0.0.1:${port} (HOST/PORT)`);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    });
  });

  it.each([
    [{ GATEHOUSE_ENV: 'staging' }, 'GATEHOUSE_ENV'],
    [{ PORT: 'abc' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://db/gatehouse' }, 'DATABASE_URL'],
    [{ GATEHOUSE_ENV: 'production', GATEHOUSE_SECRET: '' }, 'GATEHOUSE_SECRET'],
  ])('refuses to start with %j: exit 78 and a message naming %s', async (env, variable) => {
    const server = start({ GATEHOUSE_DATA_DIR: tempDir('gatehouse-start-'), ...env });
    expect(await server.exited).toBe(78);
    expect(server.output()).toMatch(new RegExp(`^Configuration error: ${variable}: `, 'm'));
  });

  it('embedded PostgreSQL: first start, the CLI with and without the server, restart keeps the data, clean stops', async () => {
    const dataDir = tempDir('gatehouse-embedded-');
    const port = await freePort();
    const env = { GATEHOUSE_DATA_DIR: dataDir, PORT: String(port) };
    const url = `http://127.0.0.1:${port}`;
    const postmasterPid = () => {
      const file = join(dataDir, 'postgres', 'postmaster.pid');
      return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
    };
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };

    const first = start(env);
    await first.waitFor(LISTENING);
    expect(first.output()).toContain(`starting embedded PostgreSQL in ${dataDir}/postgres`);
    expect(first.output()).toMatch(/database: embedded PostgreSQL postgres:\/\/gatehouse:\*\*\*@127\.0\.0\.1:\d+\/gatehouse/);
    expect([...first.output().matchAll(ADMIN_LINE)]).toHaveLength(1);
    // The database's own password (kept in the data folder) is never logged.
    const connection = JSON.parse(readFileSync(join(dataDir, 'postgres.json'), 'utf8')) as { password: string };
    expect(first.output()).not.toContain(connection.password);
    const pid = postmasterPid();
    expect(pid).toBeDefined();
    expect(alive(pid!)).toBe(true);

    // The CLI reaches the running server's PostgreSQL; the server accepts what it made.
    const created = await runCli(['app-password', 'create', '--user', 'admin', '--name', 'before restart'], env);
    expect(created.code).toBe(0);
    const adminKey = JSON.parse(created.stdout) as { uuid: string; password: string };
    expect((await fetch(`${url}/wp-json/wp/v2/users/me`, { headers: { authorization: basic('admin', adminKey.password) } })).status).toBe(200);
    expect((await runCli(['user', 'create', '--login', 'keeper', '--email', 'keeper@example.test', '--role', 'author', '--password', 'p4ssword'], env)).code).toBe(0);

    expect(await first.stop()).toBe(0);
    running.delete(first);
    expect(alive(pid!)).toBe(false);
    expect(postmasterPid()).toBeUndefined();

    // With the server stopped, the CLI starts the embedded PostgreSQL for itself and stops it again.
    const offline = await runCli(['app-password', 'create', '--user', 'keeper', '--name', 'made offline'], env);
    expect(offline.stderr).toBe('');
    expect(offline.code).toBe(0);
    const keeperKey = JSON.parse(offline.stdout) as { password: string };
    expect(postmasterPid()).toBeUndefined();

    // Restart: same cluster, same secret, same users; the admin is not created again.
    const second = start(env);
    await second.waitFor(LISTENING);
    expect(second.output()).not.toMatch(/administrator/i);
    const me = await fetch(`${url}/wp-json/wp/v2/users/me`, { headers: { authorization: basic('admin', adminKey.password) } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { slug: string }).slug).toBe('admin');
    const keeper = await fetch(`${url}/wp-json/wp/v2/users/me`, { headers: { authorization: basic('keeper', keeperKey.password) } });
    expect(keeper.status).toBe(200);
    // Killed without a chance to stop its PostgreSQL (SIGKILL, OOM): the next start stops the leftover one.
    const leftover = postmasterPid();
    second.child.kill('SIGKILL');
    expect(await second.exited).toBe('SIGKILL');
    running.delete(second);
    expect(alive(leftover!)).toBe(true);
    const third = start(env);
    await third.waitFor(LISTENING);
    expect(third.output()).toContain(`stopping an embedded PostgreSQL (pid ${leftover}) left running by a process that was killed`);
    expect(alive(leftover!)).toBe(false);
    expect((await fetch(`${url}/wp-json/wp/v2/users/me`, { headers: { authorization: basic('admin', adminKey.password) } })).status).toBe(200);
    // A second server on the same data folder is refused clearly rather than sharing or breaking it.
    const intruder = start({ ...env, PORT: String(await freePort()) });
    expect(await intruder.exited).toBe(1);
    expect(intruder.output()).toMatch(/embedded PostgreSQL in .* is in use by another process/);

    const thirdPid = postmasterPid();
    expect(await third.stop()).toBe(0);
    expect(alive(thirdPid!)).toBe(false);
    expect(postmasterPid()).toBeUndefined();
  });
});
