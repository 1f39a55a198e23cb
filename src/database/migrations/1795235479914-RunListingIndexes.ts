import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the filtered pages of the `runs` query (status, template, starter), each ending in
 * (created_at, id) like the query's order, so a page reads about as many index entries as it
 * shows. Without them a rare filter value (a CI token's runs, the few FAILED ones) scanned and
 * sorted every run of the project: 155 ms instead of 14 ms over 100,000 runs under load
 * (bench/runs-listing.ts). Same statements as `typeorm migration:generate` gives for the entity.
 */
export class RunListingIndexes1795235479914 implements MigrationInterface {
  name = 'RunListingIndexes1795235479914';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "IDX_runs_project_status_created_id" ON "runs" ("project_id", "status", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_runs_project_template_created_id" ON "runs" ("project_id", "template_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_runs_project_started_by_created_id" ON "runs" ("project_id", "started_by", "created_at", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_runs_project_started_by_created_id"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_runs_project_template_created_id"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_runs_project_status_created_id"`);
  }
}
