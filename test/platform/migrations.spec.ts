import type { DataSource } from 'typeorm';
import { createDataSource, MIGRATIONS_TABLE } from '../../src/database/data-source';
import { runMigrations } from '../../src/database/migrate';
import { MIGRATIONS } from '../../src/database/migrations';
import { createTestDatabase, type TestDatabase } from './support/database';

const PLATFORM_TABLES = [
  'api_tokens',
  'audit_log',
  'memberships',
  'node_runs',
  'projects',
  'runs',
  'schedules',
  'template_versions',
  'templates',
  'users',
];

async function tables(dataSource: DataSource): Promise<string[]> {
  const rows: Array<{ tablename: string }> = await dataSource.query(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
  );
  return rows.map((row) => row.tablename);
}

async function schemaObjects(dataSource: DataSource): Promise<string[]> {
  const rows: Array<{ name: string }> = await dataSource.query(`
    SELECT 'table ' || tablename AS name FROM pg_tables WHERE schemaname = 'public'
    UNION ALL SELECT 'index ' || indexname FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL SELECT 'constraint ' || conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'
    UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
    UNION ALL SELECT 'function ' || proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
    ORDER BY 1`);
  return rows.map((row) => row.name);
}

describe('migrations', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    dataSource = await createDataSource(db.url).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('go up, all the way down, and up again to the same schema', async () => {
    const applied = await runMigrations(dataSource);
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
    expect(await tables(dataSource)).toEqual(expect.arrayContaining([...PLATFORM_TABLES, MIGRATIONS_TABLE]));
    const schemaAfterUp = await schemaObjects(dataSource);
    expect(schemaAfterUp).toEqual(
      expect.arrayContaining([
        'index IDX_runs_project_template_status',
        'index UQ_runs_project_request',
        'index UQ_template_versions_template_version',
        'trigger TRG_audit_log_append_only',
        'trigger TRG_template_versions_immutable',
      ]),
    );
    // Runs of a project, newest first, come from an index.
    const runIndexes = await dataSource.query<Array<{ indexdef: string }>>(
      "SELECT indexdef FROM pg_indexes WHERE tablename = 'runs'",
    );
    expect(runIndexes.map((index) => index.indexdef)).toContainEqual(
      expect.stringMatching(/\(project_id, created_at DESC(, id DESC)?\)/),
    );

    // Nothing more to apply, and the entities match what the migrations built (as `migration:generate --check`).
    expect(await runMigrations(dataSource)).toEqual([]);
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);

    for (let i = 0; i < MIGRATIONS.length; i += 1) await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tables(dataSource)).toEqual([MIGRATIONS_TABLE]);
    // Only the migrations table (and its primary key) is left: no stray index, trigger or function.
    const [{ conname }] = await dataSource.query<Array<{ conname: string }>>(
      `SELECT conname FROM pg_constraint WHERE conrelid = '${MIGRATIONS_TABLE}'::regclass`,
    );
    expect(await schemaObjects(dataSource)).toEqual([
      `constraint ${conname}`,
      `index ${conname}`,
      `table ${MIGRATIONS_TABLE}`,
    ]);

    await runMigrations(dataSource);
    expect(await schemaObjects(dataSource)).toEqual(schemaAfterUp);
  });

  it('serialize concurrent runs with an advisory lock', async () => {
    const other = await createTestDatabase({ migrate: false });
    const sources = await Promise.all([1, 2, 3].map(() => createDataSource(other.url).initialize()));
    try {
      const results = await Promise.all(sources.map((source) => runMigrations(source)));
      expect(results.map((applied) => applied.length).sort()).toEqual([0, 0, MIGRATIONS.length]);
    } finally {
      await Promise.all(sources.map((source) => source.destroy()));
      await other.drop();
    }
  });
});
