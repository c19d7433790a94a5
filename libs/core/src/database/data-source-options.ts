import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations';

/** The one data source definition: the app (entities added by each lib) and the migration runner share it. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    // Pool sized for a small machine; every request may need one connection briefly.
    extra: { max: 10 },
  };
}
