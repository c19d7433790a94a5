import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { INestApplicationContext } from '@nestjs/common';
import { grantPolicyOf, isRoleName } from '@gatehouse/access';
import { AppPasswordsService } from '@gatehouse/app-passwords';
import { canConnect, ConfigError, EmbeddedDatabase, embeddedUrl, GatehouseConfig, isUuid, isUuidIgnoringCase, loadConfig, readConnectionFile, runMigrations, startEmbeddedPostgres, WpError } from '@gatehouse/core';
import { SigningKeysService } from '@gatehouse/tokens';
import { UsersService } from '@gatehouse/users';
import { Command, CommanderError } from 'commander';
import { AppModule } from './app.module';

/** Thrown for a usage or data problem: printed as `{"code","message"}` on stderr, exit 1. */
class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Connects to the site's database: DATABASE_URL, else the running server's embedded PostgreSQL,
 * else starts the embedded one for the duration of the command.
 */
async function openDatabase(config: GatehouseConfig): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const info = readConnectionFile(config.dataDir);
  if (info && (await canConnect(embeddedUrl(info)))) return { url: embeddedUrl(info) };
  const embedded = await startEmbeddedPostgres(config.dataDir);
  return { url: embedded.url, embedded };
}

async function withApp<T>(work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const { url, embedded } = await openDatabase(config);
  try {
    await runMigrations(url);
    const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, url), { logger: ['error'] });
    try {
      return await work(app);
    } finally {
      await app.close();
    }
  } finally {
    await embedded?.stop();
  }
}

interface PolicyFlags {
  role?: string;
  allow: string[];
  deny: string[];
  expires?: string;
  ip: string[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The `policy` field the REST API takes, from CLI flags; validated by the same code as the REST API. */
function policyFromFlags(flags: PolicyFlags): Record<string, unknown> {
  const policy: Record<string, unknown> = {};
  if (flags.role !== undefined) policy.role = flags.role;
  if (flags.allow.length > 0) policy.allow = flags.allow;
  if (flags.deny.length > 0) policy.deny = flags.deny;
  if (flags.expires !== undefined) policy.expires_at = flags.expires;
  if (flags.ip.length > 0) policy.allowed_ips = flags.ip;
  return policy;
}

/** One JSON object per line, its top level spaced as the documented examples: `{"id": 1, "login": "bob"}`. */
function print(value: Record<string, unknown>): void {
  const fields = Object.entries(value).map(([key, field]) => `${JSON.stringify(key)}: ${JSON.stringify(field)}`);
  process.stdout.write(`{${fields.join(', ')}}\n`);
}

function fail(code: string, message: string, exitCode: number): never {
  process.stderr.write(JSON.stringify({ code, message }) + '\n');
  process.exit(exitCode);
}

// The same shape the REST API accepts for `email` (format: email).
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

async function findUser(app: INestApplicationContext, login: string) {
  const user = await app.get(UsersService).findByLoginOrEmail(login);
  if (!user) throw new CliError('invalid_username', `No user with login or email "${login}".`);
  return user;
}

function buildProgram(): Command {
  const program = new Command('gatehouse')
    .description('Gatehouse operator commands; each prints one JSON object, errors go to stderr as {"code","message"}.')
    // Usage errors are reported in JSON like every other error (see the catch below); help still prints as text.
    .configureOutput({ outputError: () => undefined })
    .showHelpAfterError(false);
  program.exitOverride();
  const user = program.command('user').description('manage users');
  user
    .command('create')
    .description('create a user; prints {"id": N, "login": "L"}')
    .requiredOption('--login <login>')
    .requiredOption('--email <email>')
    .requiredOption('--password <password>')
    .option('--role <role>', 'administrator, editor, author, contributor or subscriber', 'subscriber')
    .action(async (options: { login: string; email: string; password: string; role: string }) => {
      if (!isRoleName(options.role)) {
        throw new CliError('invalid_role', `Unknown role "${options.role}": expected administrator, editor, author, contributor or subscriber.`);
      }
      // The width of users.email bounds it too.
      if (!EMAIL.test(options.email.trim()) || options.email.trim().length > 100) throw new CliError('invalid_email', `"${options.email}" is not a valid email address.`);
      // WordPress's rules for a login password: not empty, no backslash.
      if (options.password === '' || options.password.includes('\\')) {
        throw new CliError('invalid_password', 'The password must not be empty or contain a backslash ("\\").');
      }
      const role = options.role;
      const created = await withApp((app) => app.get(UsersService).create({ login: options.login, email: options.email, password: options.password, role }));
      print({ id: created.id, login: created.login });
    });

  const appPassword = program.command('app-password').description('manage application passwords');
  appPassword
    .command('create')
    .description('create an application password; prints {"uuid": "…", "password": "…"} (and "policy" when limited; the password is shown once)')
    .requiredOption('--user <login>', 'login or email of the owner')
    .requiredOption('--name <name>')
    .option('--app-id <uuid>')
    .option('--role <role>', 'act as this role (at or below the user\'s own)')
    .option('--allow <rule>', 'allow "METHODS /route/pattern", e.g. "GET,POST /wp/v2/posts*" (repeatable)', collect, [])
    .option('--deny <rule>', 'deny "METHODS /route/pattern", e.g. "* /wp/v2/users*" (repeatable)', collect, [])
    .option('--expires <date-time>', 'expiry, e.g. 2030-01-31T00:00:00Z (UTC when no zone is given)')
    .option('--ip <cidr>', 'allowed address range, e.g. 203.0.113.0/24 (repeatable)', collect, [])
    .action(async (options: { user: string; name: string; appId?: string } & PolicyFlags) => {
      if (options.appId !== undefined && !isUuid(options.appId)) {
        throw new CliError('rest_invalid_uuid', `--app-id "${options.appId}" is not a valid lowercase UUID.`);
      }
      if (options.name.trim() === '') throw new CliError('rest_invalid_param', 'name must not be empty.');
      // The width of grants.name.
      if (options.name.trim().length > 200) throw new CliError('rest_invalid_param', 'name must be at most 200 characters.');
      const result = await withApp(async (app) => {
        const owner = await findUser(app, options.user);
        // The operator acts in person: the policy is validated for the owner, not bounded by a caller's.
        return app.get(AppPasswordsService).create(owner.id, { name: options.name.trim(), appId: options.appId, policy: policyFromFlags(options) }, { ownerRole: owner.role });
      });
      // Issue 3's scripts read exactly {uuid, password}; the policy is echoed only when flags set one.
      const limited = Object.keys(policyFromFlags(options)).length > 0;
      print(limited
        ? { uuid: result.grant.id, password: result.password, policy: grantPolicyOf(result.grant.policy, result.grant.expiresAt) }
        : { uuid: result.grant.id, password: result.password });
    });
  appPassword
    .command('revoke')
    .description('revoke an application password; running servers refuse it from their next request')
    .requiredOption('--user <login>', 'login or email of the owner')
    .requiredOption('--uuid <uuid>')
    .action(async (options: { user: string; uuid: string }) => {
      if (!isUuidIgnoringCase(options.uuid)) throw new CliError('rest_invalid_uuid', `--uuid "${options.uuid}" is not a valid UUID.`);
      await withApp(async (app) => {
        const owner = await findUser(app, options.user);
        const service = app.get(AppPasswordsService);
        const grant = await service.findActive(owner.id, options.uuid);
        if (!grant) throw new CliError('rest_application_password_not_found', 'Application password not found.');
        await service.revoke(grant.id);
      });
      print({ uuid: options.uuid.toLowerCase(), revoked: true });
    });

  const tokenKey = program.command('token-key').description('manage the keys that sign access tokens');
  tokenKey
    .command('rotate')
    .description('make a new signing key; the old one stays valid until the tokens it signed expire')
    .action(async () => {
      const result = await withApp((app) => app.get(SigningKeysService).rotate());
      print({ kid: result.kid, retired: result.retired });
    });
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (error instanceof CommanderError) {
      // Help was printed (--help: exit 0; a command group without a subcommand: exit 2).
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.exitCode === 0) process.exit(error.exitCode === 0 ? 0 : 2);
      // Anything else is a usage error: unknown command or option, missing option (exit 2).
      fail('usage_error', error.message.replace(/^error: /, ''), 2);
    }
    const code = error instanceof CliError || error instanceof WpError ? error.code : error instanceof ConfigError ? 'config_error' : 'error';
    let message = error instanceof Error ? error.message : String(error);
    // WordPress-style validation errors name the problem in data.params: show it.
    const params = error instanceof WpError ? (error.body.data.params as Record<string, string> | undefined) : undefined;
    if (params && typeof params === 'object') message += ': ' + Object.entries(params).map(([name, problem]) => `${name}: ${problem}`).join('; ');
    fail(code, message, 1);
  });
