// Gives every test file a PostgreSQL: DATABASE_URL when set, else an embedded one started here once.
import { mkdtempSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export default async function globalSetup() {
  if (process.env.DATABASE_URL) {
    console.log(`\ntests use DATABASE_URL's PostgreSQL`);
    return;
  }
  let core;
  try {
    core = require('../dist/apps/server/libs/core/src/database/embedded-postgres.js');
  } catch {
    throw new Error('dist/ is missing: run the tests with `npm test` (it builds first).');
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
  chmodSync(dataDir, 0o755);
  const database = await core.startEmbeddedPostgres(dataDir);
  console.log(`\ntests use an embedded PostgreSQL in ${dataDir}`);
  process.env.DATABASE_URL = database.url;
  globalThis.__GATEHOUSE_TEST_DATABASE__ = database;
}
