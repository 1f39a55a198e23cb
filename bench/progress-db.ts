/**
 * A scratch PostgreSQL database for measuring the progress recorder: migrated, with one project,
 * template and version, and a run row for every interpreter run (the recorder writes only for
 * runs that exist, as in production where startRun inserts the row first).
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/database/data-source';
import { createScratchDatabase } from './support/scratch-database';

export interface BenchDatabase {
  dataSource: DataSource;
  insertRun(runId: string, workflowId: string): Promise<void>;
  drop(): Promise<void>;
}

export async function createBenchDatabase(adminUrl: string): Promise<BenchDatabase> {
  const scratch = await createScratchDatabase(adminUrl);
  const dataSource = await createDataSource(scratch.url).initialize();
  const projectId = randomUUID();
  const templateId = randomUUID();
  const versionId = randomUUID();
  await dataSource.query(`INSERT INTO projects (id, name) VALUES ($1, 'bench')`, [projectId]);
  await dataSource.query(
    `INSERT INTO templates (id, project_id, name, latest_version, created_by) VALUES ($1, $2, 'bench', 1, 'bench')`,
    [templateId, projectId],
  );
  await dataSource.query(
    `INSERT INTO template_versions (id, template_id, version, definition, content_hash, author)
     VALUES ($1, $2, 1, '{}'::jsonb, 'bench', 'bench')`,
    [versionId, templateId],
  );
  return {
    dataSource,
    async insertRun(runId, workflowId) {
      await dataSource.query(
        `INSERT INTO runs (id, project_id, template_id, template_version_id, version, workflow_id, status, started_by)
         VALUES ($1, $2, $3, $4, 1, $5, 'PENDING', 'bench')`,
        [runId, projectId, templateId, versionId, workflowId],
      );
    },
    async drop() {
      await dataSource.destroy();
      await scratch.drop();
    },
  };
}
