import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Child runs of subflow nodes: `parent_run_id` and `parent_node_id` link a child run to the run and
 * node that started it (written by the worker's run registrar); `subflows` records the template
 * versions a run's subflow nodes were resolved to at start. Generated with `typeorm migration:generate`.
 */

export class SubflowRuns1795232636279 implements MigrationInterface {
  name = 'SubflowRuns1795232636279';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "runs" ADD "parent_run_id" uuid`);
    await queryRunner.query(`ALTER TABLE "runs" ADD "parent_node_id" character varying(255)`);
    await queryRunner.query(`ALTER TABLE "runs" ADD "subflows" jsonb`);
    await queryRunner.query(`CREATE INDEX "IDX_runs_parent" ON "runs" ("parent_run_id") `);
    await queryRunner.query(
      `ALTER TABLE "runs" ADD CONSTRAINT "FK_runs_parent_run" FOREIGN KEY ("parent_run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "runs" DROP CONSTRAINT "FK_runs_parent_run"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_runs_parent"`);
    await queryRunner.query(`ALTER TABLE "runs" DROP COLUMN "subflows"`);
    await queryRunner.query(`ALTER TABLE "runs" DROP COLUMN "parent_node_id"`);
    await queryRunner.query(`ALTER TABLE "runs" DROP COLUMN "parent_run_id"`);
  }
}
