/** Scratch PostgreSQL databases for benchmarks: created on the server of an admin URL, migrated, dropped after. */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDataSource } from '../../src/database/data-source';
import { runMigrations } from '../../src/database/migrate';

export const ADMIN_PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Creates a scratch database `sy_bench_<random>` on the server of `adminUrl`, migrated; `drop()` removes it. */
export async function createScratchDatabase(
  adminUrl: string = ADMIN_PG_URL,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sy_bench_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dataSource = await createDataSource(url.toString()).initialize();
  await runMigrations(dataSource);
  await dataSource.destroy();
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}
