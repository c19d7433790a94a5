import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from './support/processes';

/**
 * No Docker engine runs the tests, so the deployment files are checked by reading them: the compose
 * file parses and wires what the README promises, the Dockerfile copies files that exist and are not
 * ignored, and every configuration variable the server reads is documented.
 */
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** The variables loadConfig reads, taken from its source so a new one cannot go undocumented. */
function configVariables(): string[] {
  const source = read('libs/core/src/config/gatehouse-config.ts');
  const names = new Set<string>();
  for (const match of source.matchAll(/env\.([A-Z][A-Z0-9_]+)|\(env, '([A-Z][A-Z0-9_]+)'/g)) names.add(match[1] ?? match[2]);
  return [...names].sort();
}

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

describe('deployment files', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };

  it('reads the configuration variables from loadConfig', () => {
    expect(configVariables()).toEqual(expect.arrayContaining(['DATABASE_URL', 'GATEHOUSE_ENV', 'GATEHOUSE_SECRET', 'HOST', 'PORT']));
  });

  it('docker-compose.yml: postgres with a named volume and a health check, server built from the Dockerfile on port 3000', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['postgres', 'server']);
    const { postgres, server } = compose.services;

    const [volume] = postgres.volumes ?? [];
    const volumeName = volume.split(':')[0];
    expect(Object.keys(compose.volumes)).toContain(volumeName);
    expect(postgres.healthcheck?.test.join(' ')).toContain('pg_isready');

    expect(server.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(server.ports).toEqual(['3000:3000']);
    expect(server.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    const env = server.environment ?? {};
    expect(String(env.HOST)).toBe('0.0.0.0');
    expect(String(env.PORT)).toBe('3000');
    // The server reaches the postgres service with the password the service was given.
    expect(env.DATABASE_URL).toBe(`postgres://gatehouse:${postgres.environment?.POSTGRES_PASSWORD}@postgres:5432/${postgres.environment?.POSTGRES_DB}`);
    // No secret has a default: compose stops with this message when it is missing.
    expect(env.GATEHOUSE_SECRET).toMatch(/^\$\{GATEHOUSE_SECRET:\?GATEHOUSE_SECRET is required/);
    // Everything passed to the server is a variable it reads.
    for (const name of Object.keys(env)) expect(configVariables()).toContain(name);
  });

  it('Dockerfile: multi-stage, non-root, listens on all interfaces, runs the built server', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/^RUN npm ci /m);
    expect(dockerfile).toMatch(/npx nest build server/);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/HOST=0\.0\.0\.0/);
    expect(dockerfile).toContain('CMD ["node", "dist/apps/server/apps/server/src/main.js"]');
  });

  it('Dockerfile copies only files that exist and that .dockerignore lets through', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    const sources = [...read('Dockerfile').matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((match) => match[1].split(/\s+/));
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'apps', 'libs']));
    for (const source of sources) {
      expect(existsSync(join(ROOT, source))).toBe(true);
      expect(ignored).not.toContain(source);
    }
    for (const never of ['.env', 'node_modules', 'dist', 'var', '.git']) expect(ignored).toContain(never);
  });

  it('.env.example names the compose variables and holds no secret; .env is never committed', () => {
    const example = read('.env.example');
    const values = Object.fromEntries(
      example
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(values).toMatchObject({ GATEHOUSE_SECRET: '', POSTGRES_PASSWORD: '', GATEHOUSE_ADMIN_PASSWORD: '' });
    const interpolated = new Set([...read('docker-compose.yml').matchAll(/\$\{([A-Z_]+)/g)].map((match) => match[1]));
    expect(Object.keys(values).sort()).toEqual([...interpolated].sort());
    expect(read('.gitignore').split('\n')).toContain('.env');
  });

  it('README documents every configuration variable, the two commands and the CLI', () => {
    const readme = read('README.md');
    for (const name of configVariables()) expect(readme).toContain(`\`${name}\``);
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
    for (const command of ['user create', 'app-password create', 'app-password revoke']) expect(readme).toContain(`npm run --silent cli -- ${command}`);
  });
});
