import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** Name of the table TypeORM records applied migrations in. */
export const MIGRATIONS_TABLE = 'typeorm_migrations';

/**
 * Connection options for the platform database at `url`: all entities and migrations, snake_case
 * names, never `synchronize` (the schema changes only through migrations).
 */
export function dataSourceOptions(url: string): PostgresConnectionOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    // gen_random_uuid() is built into PostgreSQL 13+: no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    applicationName: 'switchyard',
    logging: false,
  };
}

/**
 * A (not yet initialized) DataSource for the platform database at `url`.
 *
 * @example
 * const ds = createDataSource(process.env.DATABASE_URL!);
 * await ds.initialize();
 * await runMigrations(ds);
 */
export function createDataSource(url: string): DataSource {
  return new DataSource(dataSourceOptions(url));
}
