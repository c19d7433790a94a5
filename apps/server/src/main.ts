import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, EmbeddedDatabase, GatehouseConfig, loadConfig, runMigrations, startEmbeddedPostgres, WpError } from '@gatehouse/core';
import { UsersService } from '@gatehouse/users';
import { createServer } from './create-server';

/** Exit status for a configuration error (sysexits.h EX_CONFIG). */
const EXIT_CONFIG = 78;

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function readConfig(): GatehouseConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const logger = new Logger('Gatehouse');
  const config = readConfig();

  let app: NestFastifyApplication | undefined;
  let embedded: EmbeddedDatabase | undefined;
  let stopping = false;
  const stop = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${reason}, shutting down`);
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    process.exit(exitCode);
  };
  // Registered before anything starts, so a signal during start-up also stops the embedded PostgreSQL.
  process.on('SIGINT', () => void stop('SIGINT received', 0));
  process.on('SIGTERM', () => void stop('SIGTERM received', 0));

  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      logger.log(`DATABASE_URL is not set: starting embedded PostgreSQL in ${config.dataDir}/postgres`);
      embedded = await startEmbeddedPostgres(config.dataDir, undefined, (line) => logger.warn(line));
      databaseUrl = embedded.url;
    }
    const applied = await runMigrations(databaseUrl);
    if (applied.length > 0) logger.log(`applied migrations: ${applied.join(', ')}`);

    app = await createServer(config, databaseUrl);
    const admin = await app
      .get(UsersService)
      .ensureAdministrator()
      .catch((error: unknown) => {
        // Two instances starting together on an empty database: the other one created it.
        if (error instanceof WpError && error.code.startsWith('existing_user_')) return { created: false as const };
        throw error;
      });
    if (admin.created) {
      if (admin.generated) {
        // Printed once, on the console only, so the operator can log in; never written to a log file by us.
        console.log(`\n  Created administrator "${admin.login}" with password: ${admin.password}\n  (shown once; set GATEHOUSE_ADMIN_PASSWORD to choose it)\n`);
      } else {
        logger.log(`created administrator "${admin.login}" with the password from GATEHOUSE_ADMIN_PASSWORD`);
      }
    }

    try {
      await app.listen({ port: config.port, host: config.host });
    } catch (error) {
      throw new Error(`cannot listen on ${config.host}:${config.port} (HOST/PORT): ${error instanceof Error ? error.message : String(error)}`);
    }
    logger.log(`listening on http://${config.host}:${config.port} (site URL ${config.siteUrl}, GATEHOUSE_ENV=${config.env})`);
    logger.log(`database: ${embedded ? 'embedded PostgreSQL ' : ''}${redact(databaseUrl)}`);
  } catch (error) {
    logger.error(error instanceof Error ? error.message : String(error), error instanceof Error ? error.stack : undefined);
    await stop('start-up failed', 1);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
