import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schedules: their Temporal overlap policy, catch-up window and the template version their action
 * runs now (`action_version`), and `schedule_runs`, which run each schedule started (written by
 * the worker's scheduled-run registrar). Generated with `typeorm migration:generate`.
 */

export class ScheduleRuns1795227284641 implements MigrationInterface {
  name = 'ScheduleRuns1795227284641';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "schedule_runs" ("schedule_id" uuid NOT NULL, "run_id" uuid NOT NULL, CONSTRAINT "PK_14b3e842a6f8358d915c84a2db8" PRIMARY KEY ("schedule_id", "run_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_6da9e9ef293587b64bbe6dd9b1" ON "schedule_runs" ("schedule_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_b899bcc38bfd8073f24ee6f962" ON "schedule_runs" ("run_id") `);
    await queryRunner.query(`ALTER TABLE "schedules" ADD "overlap" character varying(16) NOT NULL DEFAULT 'SKIP'`);
    await queryRunner.query(`ALTER TABLE "schedules" ADD "catchup_window_seconds" integer`);
    await queryRunner.query(`ALTER TABLE "schedules" ADD "action_version" integer`);
    await queryRunner.query(
      `ALTER TABLE "schedules" ADD CONSTRAINT "CHK_schedules_overlap" CHECK ("overlap" IN ('SKIP', 'BUFFER_ONE', 'BUFFER_ALL', 'CANCEL_OTHER', 'TERMINATE_OTHER', 'ALLOW_ALL'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "schedule_runs" ADD CONSTRAINT "FK_schedule_runs_schedule" FOREIGN KEY ("schedule_id") REFERENCES "schedules"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
    await queryRunner.query(
      `ALTER TABLE "schedule_runs" ADD CONSTRAINT "FK_schedule_runs_run" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "schedule_runs" DROP CONSTRAINT "FK_schedule_runs_run"`);
    await queryRunner.query(`ALTER TABLE "schedule_runs" DROP CONSTRAINT "FK_schedule_runs_schedule"`);
    await queryRunner.query(`ALTER TABLE "schedules" DROP CONSTRAINT "CHK_schedules_overlap"`);
    await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "action_version"`);
    await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "catchup_window_seconds"`);
    await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "overlap"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_b899bcc38bfd8073f24ee6f962"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_6da9e9ef293587b64bbe6dd9b1"`);
    await queryRunner.query(`DROP TABLE "schedule_runs"`);
  }
}
