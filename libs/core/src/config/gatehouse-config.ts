import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type GatehouseEnvironment = 'local' | 'production';

/** Everything the server reads from its environment, validated once at boot. */
export interface GatehouseConfig {
  env: GatehouseEnvironment;
  host: string;
  port: number;
  /** Public base URL of the site, without a trailing slash (links, Location headers). */
  siteUrl: string;
  siteName: string;
  siteDescription: string;
  /** Unset: an embedded PostgreSQL is started in `${dataDir}/postgres`. */
  databaseUrl?: string;
  dataDir: string;
  /** Key for the keyed hashes of high-entropy secrets (application passwords, refresh tokens). */
  secret: Buffer;
  trustProxy: boolean;
  adminPassword?: string;
  /** Seconds an access token lives (tokens lib). */
  accessTokenTtl: number;
  /** Seconds a refresh token stays usable without being used (tokens lib); each use renews it. */
  refreshTokenTtl: number;
  /** GATEHOUSE_MAX_CREDENTIAL_DAYS: new credentials expire within this many days; undefined: no limit. */
  maxCredentialDays?: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const BOOLEAN_TRUE = new Set(['1', 'true', 'yes', 'on']);
const BOOLEAN_FALSE = new Set(['0', 'false', 'no', 'off', '']);

function readBoolean(env: Env, name: string): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (BOOLEAN_TRUE.has(raw)) return true;
  if (BOOLEAN_FALSE.has(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${env[name]}"`);
}

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(name, `expected a number from ${min} to ${max}, got ${value}`);
  return value;
}

function readSecret(env: Env, gatehouseEnv: GatehouseEnvironment, dataDir: string): Buffer {
  const raw = env.GATEHOUSE_SECRET;
  if (raw !== undefined && raw !== '') {
    if (raw.length < 32) throw new ConfigError('GATEHOUSE_SECRET', 'must be at least 32 characters long');
    return Buffer.from(raw, 'utf8');
  }
  if (gatehouseEnv === 'production') {
    throw new ConfigError('GATEHOUSE_SECRET', 'is required when GATEHOUSE_ENV=production (at least 32 random characters)');
  }
  // Development only: generate once and keep it beside the data, so restarts keep every credential valid.
  const file = join(dataDir, 'secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
}

export function loadConfig(env: Env = process.env): GatehouseConfig {
  const rawEnv = (env.GATEHOUSE_ENV ?? 'local').trim();
  if (rawEnv !== 'local' && rawEnv !== 'production') {
    throw new ConfigError('GATEHOUSE_ENV', `expected "local" or "production", got "${rawEnv}"`);
  }
  const gatehouseEnv: GatehouseEnvironment = rawEnv;
  const port = readInteger(env, 'PORT', 3000, 0, 65535);
  const host = (env.HOST ?? '127.0.0.1').trim() || '127.0.0.1';

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(databaseUrl);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a valid URL (expected postgres://user:password@host:port/database)');
    }
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
      throw new ConfigError('DATABASE_URL', `expected a postgres:// URL, got "${parsed.protocol}"`);
    }
  }

  const siteUrlRaw = env.GATEHOUSE_URL?.trim();
  let siteUrl: string;
  if (siteUrlRaw) {
    try {
      const parsed = new URL(siteUrlRaw);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
    } catch {
      throw new ConfigError('GATEHOUSE_URL', `expected an http(s) URL, got "${siteUrlRaw}"`);
    }
    siteUrl = siteUrlRaw.replace(/\/+$/, '');
  } else {
    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    siteUrl = `http://${shownHost}:${port}`;
  }

  const dataDir = resolve(env.GATEHOUSE_DATA_DIR?.trim() || './var');
  const adminPassword = env.GATEHOUSE_ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('GATEHOUSE_ADMIN_PASSWORD', 'must be at least 8 characters long');
  }

  return {
    env: gatehouseEnv,
    host,
    port,
    siteUrl,
    siteName: env.GATEHOUSE_SITE_NAME?.trim() || 'Gatehouse',
    siteDescription: env.GATEHOUSE_SITE_DESCRIPTION?.trim() ?? '',
    databaseUrl,
    dataDir,
    secret: readSecret(env, gatehouseEnv, dataDir),
    trustProxy: readBoolean(env, 'GATEHOUSE_TRUST_PROXY'),
    adminPassword,
    accessTokenTtl: readInteger(env, 'GATEHOUSE_ACCESS_TOKEN_TTL', 3600, 30, 86400 * 7),
    refreshTokenTtl: readInteger(env, 'GATEHOUSE_REFRESH_TOKEN_TTL', 86400 * 30, 60, 86400 * 365),
    // 0 or unset: credentials may live forever, as in WordPress.
    maxCredentialDays: readInteger(env, 'GATEHOUSE_MAX_CREDENTIAL_DAYS', 0, 0, 36500) || undefined,
  };
}
