import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

// Any constant shared by every Gatehouse process: replicas that start together take turns.
const MIGRATION_LOCK_KEY = 74_611_001;

/** Applies pending migrations once, under a PostgreSQL advisory lock so concurrent starts do not race. */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource({ ...dataSourceOptions(url), extra: { max: 2 } });
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await lock.release();
    await dataSource.destroy();
  }
}
