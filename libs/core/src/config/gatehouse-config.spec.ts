import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from './gatehouse-config';

const SECRET = 'x'.repeat(32);

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
}

/** The ConfigError that loading `env` throws (fails the test when it loads). */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ GATEHOUSE_SECRET: SECRET, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('has working defaults for a local start', () => {
    const config = loadConfig({ GATEHOUSE_SECRET: SECRET });
    expect(config).toMatchObject({
      env: 'local',
      host: '127.0.0.1',
      port: 3000,
      siteUrl: 'http://127.0.0.1:3000',
      siteName: 'Gatehouse',
      databaseUrl: undefined,
      dataDir: resolve('var'),
      trustProxy: false,
      adminPassword: undefined,
      accessTokenTtl: 3600,
    });
    expect(config.secret.equals(Buffer.from(SECRET))).toBe(true);
  });

  it('reads every variable', () => {
    const dataDir = tempDir();
    const config = loadConfig({
      GATEHOUSE_ENV: 'production',
      GATEHOUSE_SECRET: SECRET,
      HOST: '0.0.0.0',
      PORT: '8080',
      DATABASE_URL: 'postgresql://u:p@db:5432/gatehouse',
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_URL: 'https://auth.example.com/',
      GATEHOUSE_SITE_NAME: 'Example',
      GATEHOUSE_TRUST_PROXY: 'true',
      GATEHOUSE_ADMIN_PASSWORD: 'a long password',
      GATEHOUSE_ACCESS_TOKEN_TTL: '600',
    });
    expect(config).toMatchObject({
      env: 'production',
      host: '0.0.0.0',
      port: 8080,
      databaseUrl: 'postgresql://u:p@db:5432/gatehouse',
      dataDir,
      siteUrl: 'https://auth.example.com',
      siteName: 'Example',
      trustProxy: true,
      adminPassword: 'a long password',
      accessTokenTtl: 600,
    });
  });

  it('shows a wildcard HOST as loopback in the default site URL', () => {
    expect(loadConfig({ GATEHOUSE_SECRET: SECRET, HOST: '0.0.0.0', PORT: '4000' }).siteUrl).toBe('http://127.0.0.1:4000');
  });

  it('in development, generates the secret once and keeps it (mode 0600) in the data folder', () => {
    const dataDir = tempDir();
    const first = loadConfig({ GATEHOUSE_DATA_DIR: dataDir });
    const second = loadConfig({ GATEHOUSE_DATA_DIR: dataDir });
    expect(first.secret.length).toBeGreaterThanOrEqual(32);
    expect(second.secret.equals(first.secret)).toBe(true);
    expect(readFileSync(join(dataDir, 'secret'), 'utf8').trim()).toBe(first.secret.toString('utf8'));
    expect(statSync(join(dataDir, 'secret')).mode & 0o777).toBe(0o600);
    expect(loadConfig({ GATEHOUSE_DATA_DIR: tempDir() }).secret.equals(first.secret)).toBe(false);
  });

  it('in production, requires GATEHOUSE_SECRET rather than generating one', () => {
    const dataDir = tempDir();
    let error: unknown;
    try {
      loadConfig({ GATEHOUSE_ENV: 'production', GATEHOUSE_DATA_DIR: dataDir });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('GATEHOUSE_SECRET');
    expect((error as ConfigError).message).toMatch(/^GATEHOUSE_SECRET: .*required/);
    expect(() => readFileSync(join(dataDir, 'secret'))).toThrow();
  });

  it.each([
    [{ GATEHOUSE_ENV: 'staging' }, 'GATEHOUSE_ENV'],
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '-1' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '80.5' }, 'PORT'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://u:p@db/gatehouse' }, 'DATABASE_URL'],
    [{ GATEHOUSE_URL: 'ftp://example.com' }, 'GATEHOUSE_URL'],
    [{ GATEHOUSE_URL: 'example.com' }, 'GATEHOUSE_URL'],
    [{ GATEHOUSE_SECRET: 'too short' }, 'GATEHOUSE_SECRET'],
    [{ GATEHOUSE_TRUST_PROXY: 'maybe' }, 'GATEHOUSE_TRUST_PROXY'],
    [{ GATEHOUSE_ADMIN_PASSWORD: 'short' }, 'GATEHOUSE_ADMIN_PASSWORD'],
    [{ GATEHOUSE_ACCESS_TOKEN_TTL: '5' }, 'GATEHOUSE_ACCESS_TOKEN_TTL'],
    [{ GATEHOUSE_ACCESS_TOKEN_TTL: 'one hour' }, 'GATEHOUSE_ACCESS_TOKEN_TTL'],
  ])('refuses %j, naming %s', (env, variable) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
  });

  it.each([
    ['1', true],
    ['yes', true],
    ['TRUE', true],
    ['0', false],
    ['off', false],
    ['', false],
  ])('reads GATEHOUSE_TRUST_PROXY=%j as %s', (raw, expected) => {
    expect(loadConfig({ GATEHOUSE_SECRET: SECRET, GATEHOUSE_TRUST_PROXY: raw }).trustProxy).toBe(expected);
  });
});
