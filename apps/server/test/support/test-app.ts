import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RoleName } from '@gatehouse/access';
import { AppPasswordsService } from '@gatehouse/app-passwords';
import { Clock, GatehouseConfig, loadConfig, runMigrations } from '@gatehouse/core';
import { User, UsersService } from '@gatehouse/users';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createServer } from '../../src/create-server';

export interface TestUser {
  user: User;
  login: string;
  password: string;
}

export interface TestApp {
  app: NestFastifyApplication;
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  config: GatehouseConfig;
  databaseUrl: string;
  dataSource: DataSource;
  users: UsersService;
  appPasswords: AppPasswordsService;
  /** The app's time source: tests move it (`clock.now = () => …`) instead of sleeping. */
  clock: Clock;
  /** Creates a user with a role and a login password. */
  createUser(role: RoleName, login?: string): Promise<TestUser>;
  /** Creates an application password for a user (optionally with a policy); returns its uuid and the password as shown once. */
  createAppPassword(user: User, name?: string, policy?: object): Promise<{ uuid: string; password: string }>;
  /** An `Authorization: Basic` header for a new application password of the user. */
  basicKey(user: TestUser, name?: string): Promise<string>;
  close(): Promise<void>;
}

export function basic(login: string, password: string): string {
  return 'Basic ' + Buffer.from(`${login}:${password}`).toString('base64');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function baseDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run the tests through jest (its global setup provides one).');
  return url;
}

/** A fresh database, migrated, on the tests' PostgreSQL; each test file owns its own. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = new URL(baseDatabaseUrl());
  const name = `gh_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: base.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  await runMigrations(url.toString());
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: base.toString() });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface TestAppOptions {
  /**
   * Boot on this already-migrated database instead of a fresh one (e.g. a second instance sharing
   * another TestApp's database); the database is then left for its owner to drop.
   */
  databaseUrl?: string;
  /** Server secret; instances sharing a database must share it (default: random). */
  secret?: string;
}

/**
 * Boots the real application (Fastify, every lib, real PostgreSQL with migrations applied) on a
 * loopback port. `env` overrides configuration variables (e.g. GATEHOUSE_ENV=production).
 */
export async function createTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.databaseUrl ? { url: options.databaseUrl, drop: async () => undefined } : await createTestDatabase();
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    GATEHOUSE_SECRET: options.secret ?? randomBytes(32).toString('hex'),
    GATEHOUSE_DATA_DIR: mkdtempSync(join(tmpdir(), 'gatehouse-app-')),
    DATABASE_URL: database.url,
    ...env,
  });
  const app = await createServer(config, database.url, { logger: ['error'] });
  await app.listen({ port, host: '127.0.0.1' });
  const users = app.get(UsersService);
  const appPasswords = app.get(AppPasswordsService);
  let counter = 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    config,
    databaseUrl: database.url,
    dataSource: app.get(DataSource),
    users,
    appPasswords,
    clock: app.get(Clock),
    async createUser(role, login) {
      counter++;
      const name = login ?? `${role}${counter}`;
      const password = `login-password-${randomBytes(6).toString('hex')}`;
      const user = await users.create({ login: name, email: `${name}@example.test`, password, role });
      return { user, login: name, password };
    },
    async createAppPassword(user, name = 'test app', policy) {
      const { grant, password } = await appPasswords.create(user.id, { name, policy });
      return { uuid: grant.id, password };
    },
    async basicKey(user, name = 'test app') {
      const { password } = await appPasswords.create(user.user.id, { name });
      return basic(user.login, password);
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
