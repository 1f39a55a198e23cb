import type { DataSource, Migration } from 'typeorm';

/** Arbitrary constant key of the PostgreSQL advisory lock that serializes migrations. */
export const MIGRATION_LOCK_KEY = 727_001;

/**
 * Applies pending migrations, holding a PostgreSQL advisory lock so that several processes
 * starting at once (API replicas, `switchyard start` twice) migrate one after the other.
 *
 * @returns the migrations applied now.
 */
export async function runMigrations(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await dataSource.runMigrations();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
