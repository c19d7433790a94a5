import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyedHash } from '@gatehouse/core';
import { Client } from 'pg';
import { runCli } from './support/processes';
import { basic, createTestApp, createTestDatabase, TestApp } from './support/test-app';

/** The operator CLI as shipped: the built `cli.js` run as a child process against its own database. */
describe('operator CLI (built, e2e)', () => {
  let database: { url: string; drop(): Promise<void> };
  let env: Record<string, string>;
  const sql = async <T>(query: string, params: unknown[] = []): Promise<T[]> => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      return (await client.query(query, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  const cli = (...args: string[]) => runCli(args, env);
  /** Every failure: nothing on stdout, one JSON object `{code, message}` on stderr, a non-zero exit. */
  const expectFailure = async (args: string[], code: string, exitCode = 1) => {
    const result = await runCli(args, env);
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: exitCode, stdout: '' });
    const error = JSON.parse(result.stderr) as { code: string; message: string };
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(0);
    return error;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    env = {
      DATABASE_URL: database.url,
      GATEHOUSE_SECRET: randomBytes(32).toString('hex'),
      GATEHOUSE_DATA_DIR: mkdtempSync(join(tmpdir(), 'gatehouse-cli-')),
    };
  });
  afterAll(() => database.drop());

  it('user create prints exactly {"id": N, "login": "L"} and stores an argon2id hash, never the password', async () => {
    const result = await cli('user', 'create', '--login', 'cli-editor', '--email', 'cli-editor@example.test', '--role', 'editor', '--password', 'correct horse');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [row] = await sql<{ id: number; role: string; password_hash: string }>('SELECT id, role, password_hash FROM users WHERE login = $1', ['cli-editor']);
    expect(result.stdout).toBe(`{"id": ${row.id}, "login": "cli-editor"}\n`);
    expect(row.role).toBe('editor');
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain('correct horse');
  });

  it('user create defaults to subscriber', async () => {
    const result = await cli('user', 'create', '--login', 'cli-reader', '--email', 'reader@example.test', '--password', 'p4ssword');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ id: expect.any(Number), login: 'cli-reader' });
    expect(await sql('SELECT role FROM users WHERE login = $1', ['cli-reader'])).toEqual([{ role: 'subscriber' }]);
  });

  it('refuses bad user input with a JSON error on stderr and a non-zero exit, creating nothing', async () => {
    const base = ['user', 'create', '--password', 'p4ssword'];
    expect((await expectFailure([...base, '--login', 'x1', '--email', 'x1@example.test', '--role', 'king'], 'invalid_role')).message).toContain('king');
    await expectFailure([...base, '--login', 'cli-editor', '--email', 'other@example.test'], 'existing_user_login');
    await expectFailure([...base, '--login', 'CLI-EDITOR', '--email', 'other@example.test'], 'existing_user_login');
    await expectFailure([...base, '--login', 'x2', '--email', 'cli-editor@example.test'], 'existing_user_email');
    await expectFailure([...base, '--login', 'x3', '--email', 'not-an-email'], 'invalid_email');
    await expectFailure([...base, '--login', 'x3', '--email', `${'e'.repeat(100)}@example.test`], 'invalid_email');
    await expectFailure([...base, '--login', 'bad/login', '--email', 'x4@example.test'], 'rest_user_invalid_username');
    await expectFailure(['user', 'create', '--login', 'x5', '--email', 'x5@example.test', '--password', ''], 'invalid_password');
    // Usage errors (missing option, unknown command or option) exit 2, also in JSON.
    expect((await expectFailure(['user', 'create', '--login', 'x6', '--password', 'p4ssword'], 'usage_error', 2)).message).toContain('--email');
    await expectFailure(['frobnicate'], 'usage_error', 2);
    await expectFailure([...base, '--login', 'x7', '--email', 'x7@example.test', '--bogus'], 'usage_error', 2);
    expect(await sql("SELECT login FROM users WHERE login LIKE 'x%' OR login = 'bad/login'")).toEqual([]);
  });

  it('app-password create prints exactly {"uuid": "…", "password": "…"}, stores only a keyed hash, and keeps --app-id', async () => {
    const appId = '0b8f8e2c-6c1e-4b8e-9d1a-2f5a2a7b9e11';
    const result = await cli('app-password', 'create', '--user', 'cli-editor', '--name', 'Deploy bot', '--app-id', appId);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\{"uuid": "[0-9a-f-]{36}", "password": "[A-Za-z0-9]{4}( [A-Za-z0-9]{4}){5}"\}\n$/);
    const { uuid, password } = JSON.parse(result.stdout) as { uuid: string; password: string };
    const [grant] = await sql<{ name: string; app_id: string; kind: string }>('SELECT name, app_id, kind FROM grants WHERE id = $1', [uuid]);
    expect(grant).toEqual({ name: 'Deploy bot', app_id: appId, kind: 'app-password' });
    // Stored: the HMAC of the password (without spaces) under GATEHOUSE_SECRET, nothing else.
    const stored = await sql<{ secret_hash: Buffer }>('SELECT secret_hash FROM app_passwords WHERE grant_id = $1', [uuid]);
    expect(stored).toEqual([{ secret_hash: keyedHash(Buffer.from(env.GATEHOUSE_SECRET, 'utf8'), password.replace(/ /g, '')) }]);
    // The owner may be named by email too.
    const byEmail = await cli('app-password', 'create', '--user', 'cli-editor@example.test', '--name', 'By email');
    expect(byEmail.code).toBe(0);
    // With policy flags, the effective policy is echoed too.
    const limited = await cli('app-password', 'create', '--user', 'cli-editor', '--name', 'Limited', '--role', 'author');
    expect(limited.code).toBe(0);
    expect(JSON.parse(limited.stdout)).toMatchObject({ policy: { type: 'role', role: 'author' } });
  });

  it('refuses a bad app-id, an empty name, an unknown user, an unknown or malformed uuid', async () => {
    await expectFailure(['app-password', 'create', '--user', 'cli-editor', '--name', 'X', '--app-id', 'NOT-A-UUID'], 'rest_invalid_uuid');
    await expectFailure(['app-password', 'create', '--user', 'cli-editor', '--name', 'X', '--app-id', '0B8F8E2C-6C1E-4B8E-9D1A-2F5A2A7B9E11'], 'rest_invalid_uuid');
    await expectFailure(['app-password', 'create', '--user', 'cli-editor', '--name', '  '], 'rest_invalid_param');
    await expectFailure(['app-password', 'create', '--user', 'cli-editor', '--name', 'n'.repeat(201)], 'rest_invalid_param');
    await expectFailure(['app-password', 'create', '--user', 'nobody', '--name', 'X'], 'invalid_username');
    await expectFailure(['app-password', 'revoke', '--user', 'nobody', '--uuid', '0b8f8e2c-6c1e-4b8e-9d1a-2f5a2a7b9e11'], 'invalid_username');
    await expectFailure(['app-password', 'revoke', '--user', 'cli-editor', '--uuid', '0b8f8e2c-6c1e-4b8e-9d1a-2f5a2a7b9e11'], 'rest_application_password_not_found');
    await expectFailure(['app-password', 'revoke', '--user', 'cli-editor', '--uuid', 'not-a-uuid'], 'rest_invalid_uuid');
    await expectFailure(['app-password', 'revoke', '--user', 'cli-editor'], 'usage_error', 2);
  });

  it('refuses to revoke another user\'s password as if it did not exist', async () => {
    const created = JSON.parse((await cli('app-password', 'create', '--user', 'cli-editor', '--name', 'Mine')).stdout) as { uuid: string };
    await expectFailure(['app-password', 'revoke', '--user', 'cli-reader', '--uuid', created.uuid], 'rest_application_password_not_found');
    expect(await sql('SELECT revoked_at FROM grants WHERE id = $1', [created.uuid])).toEqual([{ revoked_at: null }]);
  });

  it('reports a configuration error in JSON', async () => {
    const result = await runCli(['user', 'create', '--login', 'y', '--email', 'y@example.test', '--password', 'p4ssword'], { ...env, GATEHOUSE_ENV: 'staging' });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stderr)).toEqual({ code: 'config_error', message: expect.stringContaining('GATEHOUSE_ENV') });
  });

  describe('with a server running on the same database', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({}, { databaseUrl: database.url, secret: env.GATEHOUSE_SECRET });
    });
    afterAll(() => t.close());

    it('the server accepts a CLI-made password and refuses it on the very next request after a CLI revocation', async () => {
      const me = () => fetch(`${t.url}/wp-json/wp/v2/users/me`, { headers: { authorization: basic('cli-editor', password) } });
      const created = await cli('app-password', 'create', '--user', 'cli-editor', '--name', 'Revoke me');
      const { uuid, password } = JSON.parse(created.stdout) as { uuid: string; password: string };
      // Used twice: the second answer may come from the server's credential cache.
      for (let i = 0; i < 2; i++) {
        const response = await me();
        expect(response.status).toBe(200);
        expect(((await response.json()) as { slug: string }).slug).toBe('cli-editor');
      }

      const revoked = await cli('app-password', 'revoke', '--user', 'cli-editor', '--uuid', uuid);
      expect(revoked).toEqual({ code: 0, stdout: `{"uuid": "${uuid}", "revoked": true}\n`, stderr: '' });
      const after = await me();
      expect(after.status).toBe(401);
      expect(((await after.json()) as { code: string }).code).toBe('incorrect_password');

      // A second revocation finds nothing to revoke.
      await expectFailure(['app-password', 'revoke', '--user', 'cli-editor', '--uuid', uuid], 'rest_application_password_not_found');
    });

    it('a user created by the CLI exists for the server at once', async () => {
      const created = JSON.parse((await cli('user', 'create', '--login', 'cli-author', '--email', 'author@example.test', '--role', 'author', '--password', 'p4ssword')).stdout) as { id: number };
      const { password } = JSON.parse((await cli('app-password', 'create', '--user', 'cli-author', '--name', 'Fresh')).stdout) as { password: string };
      const response = await fetch(`${t.url}/wp-json/wp/v2/users/me?context=edit`, { headers: { authorization: basic('cli-author', password) } });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ id: created.id, roles: ['author'] });
    });
  });
});
