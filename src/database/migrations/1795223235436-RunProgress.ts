import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Run progress as the interpreter reports it: node name, executions, skip reason, what a waiting
 * node waits for and the rest of its state (`details`); a run's pause and waiting reasons. The
 * `runs` list index gets the id as tie-breaker, newest first (keyset pagination), and a partial
 * index covers the runs the reconciler scans. Generated with `typeorm migration:generate`; edited
 * only to make IDX_runs_project_created_id descending on created_at and id.
 */

export class RunProgress1795223235436 implements MigrationInterface {
  name = 'RunProgress1795223235436';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_runs_project_created"`);
    await queryRunner.query(`ALTER TABLE "runs" ADD "paused" jsonb`);
    await queryRunner.query(`ALTER TABLE "runs" ADD "waiting_on" jsonb`);
    await queryRunner.query(`ALTER TABLE "node_runs" ADD "name" character varying(200)`);
    await queryRunner.query(`ALTER TABLE "node_runs" ADD "executions" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "node_runs" ADD "skip_reason" character varying(32)`);
    await queryRunner.query(`ALTER TABLE "node_runs" ADD "waiting_for" character varying(32)`);
    await queryRunner.query(`ALTER TABLE "node_runs" ADD "details" jsonb`);
    await queryRunner.query(
      `CREATE INDEX "IDX_runs_active" ON "runs" ("created_at") WHERE "status" IN ('PENDING', 'RUNNING', 'PAUSED', 'WAITING')`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_runs_project_created_id" ON "runs" ("project_id", "created_at" DESC, "id" DESC) `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_runs_project_created_id"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_runs_active"`);
    await queryRunner.query(`ALTER TABLE "node_runs" DROP COLUMN "details"`);
    await queryRunner.query(`ALTER TABLE "node_runs" DROP COLUMN "waiting_for"`);
    await queryRunner.query(`ALTER TABLE "node_runs" DROP COLUMN "skip_reason"`);
    await queryRunner.query(`ALTER TABLE "node_runs" DROP COLUMN "executions"`);
    await queryRunner.query(`ALTER TABLE "node_runs" DROP COLUMN "name"`);
    await queryRunner.query(`ALTER TABLE "runs" DROP COLUMN "waiting_on"`);
    await queryRunner.query(`ALTER TABLE "runs" DROP COLUMN "paused"`);
    await queryRunner.query(`CREATE INDEX "IDX_runs_project_created" ON "runs" ("project_id", "created_at" DESC) `);
  }
}
