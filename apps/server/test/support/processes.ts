import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root and the built entry points (`npm test` builds before jest runs). */
export const ROOT = resolve(__dirname, '../../../..');
export const BUILT_MAIN = join(ROOT, 'dist/apps/server/apps/server/src/main.js');
export const BUILT_CLI = join(ROOT, 'dist/apps/server/apps/server/src/cli.js');

function requireBuilt(file: string): string {
  if (!existsSync(file)) throw new Error(`${file} is missing: run the tests with \`npm test\` (it builds first) or \`npx nest build server\`.`);
  return file;
}

/**
 * The child's environment: the parent's, without any Gatehouse setting or DATABASE_URL leaking in,
 * plus `env`. An `undefined` value leaves a variable unset.
 */
export function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('GATEHOUSE_') || key === 'DATABASE_URL' || key === 'PORT' || key === 'HOST') continue;
    base[key] = value;
  }
  for (const [key, value] of Object.entries(env)) if (value !== undefined) base[key] = value;
  return base;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`node dist/.../cli.js args…`) to completion. */
export function runCli(args: string[], env: Record<string, string | undefined>): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [requireBuilt(BUILT_CLI), ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

export interface ServerProcess {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved, without colour codes. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if the process exits first or on timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<number | string>;
}

const ANSI = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g');

/** Starts the built server (`node dist/.../main.js`) with the given environment. */
export function startServer(env: Record<string, string | undefined>): ServerProcess {
  const child = spawn(process.execPath, [requireBuilt(BUILT_MAIN)], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8').replace(ANSI, '');
    for (const waiter of waiters) waiter();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | string>((resolveExit) => {
    child.once('exit', (code, signal) => {
      resolveExit(code ?? signal ?? 'unknown');
      for (const waiter of waiters) waiter();
    });
  });
  const server: ServerProcess = {
    child,
    output: () => output,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolveMatch, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (match) {
            finish();
            resolveMatch(match);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            finish();
            reject(new Error(`server exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}:\n${output}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`timed out waiting for ${pattern}:\n${output}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  return server;
}
