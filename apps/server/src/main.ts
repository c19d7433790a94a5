import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, EmbeddedDatabase, loadConfig, runMigrations, startEmbeddedPostgres } from '@gatehouse/core';
import { UsersService } from '@gatehouse/users';
import { createServer } from './create-server';

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

async function main(): Promise<void> {
  const logger = new Logger('Gatehouse');
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(78);
    }
    throw error;
  }

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    logger.log(`DATABASE_URL is not set: starting embedded PostgreSQL in ${config.dataDir}/postgres`);
    embedded = await startEmbeddedPostgres(config.dataDir);
    databaseUrl = embedded.url;
  }
  const applied = await runMigrations(databaseUrl);
  if (applied.length > 0) logger.log(`applied migrations: ${applied.join(', ')}`);

  const app = await createServer(config, databaseUrl);
  const admin = await app.get(UsersService).ensureAdministrator();
  if (admin.created) {
    if (admin.generated) {
      // Printed once, on the console only, so the operator can log in; never written to a log file by us.
      console.log(`\n  Created administrator "${admin.login}" with password: ${admin.password}\n  (shown once; set GATEHOUSE_ADMIN_PASSWORD to choose it)\n`);
    } else {
      logger.log(`created administrator "${admin.login}" with the password from GATEHOUSE_ADMIN_PASSWORD`);
    }
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received, shutting down`);
    await app.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  logger.log(`listening on http://${config.host}:${config.port} (site URL ${config.siteUrl}, GATEHOUSE_ENV=${config.env})`);
  logger.log(`database: ${embedded ? 'embedded PostgreSQL ' : ''}${redact(databaseUrl)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
