#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: starts the built server on its own fresh database (an embedded PostgreSQL in a
 * temporary folder, or a new database on DATABASE_URL's server when set), creates a credential with
 * the CLI, then measures each scenario in bench/scenarios/ with autocannon and writes bench/results.json.
 *
 * A scenario is `bench/scenarios/<name>.js` exporting `{ name, order, async prepare(ctx) }`; `prepare`
 * returns autocannon options merged into the run: `{ path, headers }`, `{ method, body }`, or
 * `{ requests: [...] }` (with `setupRequest(req, context)` / `onResponse(status, body, context)` for
 * per-connection state). `ctx` is `{ baseUrl, login, appPassword (no spaces), appPasswordUuid,
 * connections, cli(args) }`; `cli` runs the operator CLI against the benchmark's database and returns its JSON.
 *
 * Environment: BENCH_DURATION (seconds per scenario, default 10), BENCH_WARMUP (unmeasured seconds
 * before each, default 2), BENCH_CONNECTIONS (default 50), BENCH_SCENARIOS (comma list; baseline always runs),
 * BENCH_SERVER_ARGS (extra node flags for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it).
 */
const autocannon = require('autocannon');
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, renameSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { Client } = require('pg');

const ROOT = resolve(__dirname, '..');
const MAIN = join(ROOT, 'dist/apps/server/apps/server/src/main.js');
const CLI = join(ROOT, 'dist/apps/server/apps/server/src/cli.js');
const RESULTS = join(__dirname, 'results.json');
const TARGET = { scenario: 'app-password', ratio: 0.7 };

function positiveNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

const DURATION = positiveNumber('BENCH_DURATION', 10);
const WARMUP = positiveNumber('BENCH_WARMUP', 2);
const CONNECTIONS = positiveNumber('BENCH_CONNECTIONS', 50);

/**
 * The server's CPU time so far in microseconds (all its threads), from /proc; undefined where there
 * is no /proc. Requests per second depend on how the shared cores are split with the load generator
 * and PostgreSQL; CPU per request is what the server itself costs.
 */
function cpuMicros(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime, in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function query(url, sql) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database for this run: a new one on DATABASE_URL's server, else the embedded PostgreSQL. */
async function prepareDatabase(dataDir) {
  const base = process.env.DATABASE_URL;
  if (!base) return { env: {}, describe: `embedded PostgreSQL in ${dataDir}`, drop: async () => undefined };
  const name = `gh_bench_${randomBytes(6).toString('hex')}`;
  await query(base, `CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { env: { DATABASE_URL: url.toString() }, describe: `database ${name} on DATABASE_URL's server`, drop: () => query(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

function startServer(env) {
  // BENCH_SERVER_ARGS: extra node flags for the server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_SERVER_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk) => {
      output += chunk.toString('utf8');
      // The last start-up line names the database.
      if (/\[Gatehouse\] .*database: /.test(output)) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) during start-up:\n${output}`));
    });
  });
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit(code ?? signal)));
  return {
    pid: child.pid,
    ready,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

function runCli(env, args) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolveRun(JSON.parse(stdout));
      else reject(new Error(`cli ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
    });
  });
}

function loadScenarios() {
  const dir = join(__dirname, 'scenarios');
  const wanted = process.env.BENCH_SCENARIOS ? new Set(process.env.BENCH_SCENARIOS.split(',').map((name) => name.trim())) : undefined;
  const scenarios = readdirSync(dir)
    .filter((file) => file.endsWith('.js'))
    .map((file) => require(join(dir, file)))
    .filter((scenario) => scenario.name === 'baseline' || !wanted || wanted.has(scenario.name))
    .sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  if (scenarios[0]?.name !== 'baseline') throw new Error('bench/scenarios/baseline.js must exist and come first (the ratios are to it)');
  return scenarios;
}

function run(options) {
  return new Promise((resolveRun, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolveRun(result)));
  });
}

/** Turns a scenario's options into autocannon's: `path` joins the base URL. */
function autocannonOptions(baseUrl, prepared, duration) {
  const { path, ...rest } = prepared;
  return { url: baseUrl + (path ?? '/'), connections: CONNECTIONS, duration, ...rest };
}

function table(rows) {
  const header = ['scenario', 'req/s', 'p99 ms', 'ratio', 'CPU µs/req', 'non-2xx'];
  const lines = rows.map((row) => [row.name, String(row.rps), String(row.p99_ms), row.ratio.toFixed(2), row.server_cpu_us === undefined ? '-' : String(row.server_cpu_us), String(row.failures)]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((line) => line[i].length)));
  const format = (cells) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [format(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(format)].join('\n');
}

async function main() {
  for (const file of [MAIN, CLI]) if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run bench\` (it builds first)`);
  const scenarios = loadScenarios();
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const database = await prepareDatabase(dataDir);
  const port = await freePort();
  const env = {
    ...process.env,
    ...database.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    GATEHOUSE_ENV: 'local',
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_SECRET: randomBytes(32).toString('hex'),
    GATEHOUSE_ADMIN_PASSWORD: randomBytes(12).toString('hex'),
  };
  if (!database.env.DATABASE_URL) delete env.DATABASE_URL;
  const baseUrl = `http://127.0.0.1:${port}`;

  console.log(`bench: server on ${baseUrl}, ${database.describe}; ${CONNECTIONS} connections, ${DURATION} s per scenario (+${WARMUP} s warm-up)`);
  const server = startServer(env);
  const cleanup = async () => {
    await server.stop();
    await database.drop().catch((error) => console.error(`bench: could not drop the database: ${error.message}`));
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

  try {
    await server.ready;
    const cli = (args) => runCli(env, args);
    const created = await cli(['app-password', 'create', '--user', 'admin', '--name', 'benchmark']);
    const ctx = {
      baseUrl,
      login: 'admin',
      appPassword: created.password.replace(/ /g, ''),
      appPasswordUuid: created.uuid,
      connections: CONNECTIONS,
      cli,
    };

    const rows = [];
    for (const scenario of scenarios) {
      const prepared = (await scenario.prepare(ctx)) ?? {};
      if (WARMUP > 0) await run(autocannonOptions(baseUrl, prepared, WARMUP));
      const cpuBefore = cpuMicros(server.pid);
      const result = await run(autocannonOptions(baseUrl, prepared, DURATION));
      const cpuAfter = cpuMicros(server.pid);
      const failures = result.non2xx + result.errors + result.timeouts;
      const cpuPerRequest = cpuBefore !== undefined && cpuAfter !== undefined && result.requests.total > 0 ? Math.round(((cpuAfter - cpuBefore) / result.requests.total) * 10) / 10 : undefined;
      rows.push({ name: scenario.name, rps: Math.round(result.requests.average), p99_ms: result.latency.p99, server_cpu_us: cpuPerRequest, failures });
      console.log(`bench: ${scenario.name}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms${cpuPerRequest !== undefined ? `, ${cpuPerRequest} µs server CPU per request` : ''}${failures ? `, ${failures} failed requests` : ''}`);
    }
    const baseline = rows[0].rps;
    for (const row of rows) row.ratio = baseline > 0 ? Math.round((row.rps / baseline) * 100) / 100 : 0;

    console.log('\n' + table(rows) + '\n');
    const results = { scenarios: rows.map(({ name, rps, p99_ms, ratio, server_cpu_us }) => ({ name, rps, p99_ms, ratio, server_cpu_us })) };
    writeFileSync(`${RESULTS}.tmp`, JSON.stringify(results, null, 2) + '\n');
    renameSync(`${RESULTS}.tmp`, RESULTS);
    console.log(`bench: wrote ${RESULTS}`);

    // The numbers only count if caching kept item 6's guarantee: a revocation (here by another
    // process, the CLI) is refused on the very next request.
    await cli(['app-password', 'revoke', '--user', ctx.login, '--uuid', ctx.appPasswordUuid]);
    const afterRevoke = await fetch(`${baseUrl}/wp-json/wp/v2/users/me`, { headers: { authorization: `Basic ${Buffer.from(`${ctx.login}:${ctx.appPassword}`).toString('base64')}` } });
    console.log(`bench: revoked by the CLI, the next request is ${afterRevoke.status === 401 ? 'refused (401)' : `NOT refused (${afterRevoke.status})`}`);
    if (afterRevoke.status !== 401) process.exitCode = 1;

    const target = rows.find((row) => row.name === TARGET.scenario);
    if (target) console.log(`bench: target ${TARGET.scenario} ratio >= ${TARGET.ratio}: ${target.ratio >= TARGET.ratio ? 'met' : 'MISSED'} (${target.ratio.toFixed(2)})`);
    const failed = rows.filter((row) => row.failures > 0);
    if (failed.length > 0) {
      console.error(`bench: scenarios with failed requests (their numbers are not meaningful): ${failed.map((row) => row.name).join(', ')}`);
      process.exitCode = 1;
    }
  } catch (error) {
    console.error(`bench: ${error.message}`);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
