import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `runs.callback`: the run-end callback of a run started with a `callbackUrl` (`RunState.callback`):
 * PENDING with its URL from the start, then DELIVERED or FAILED with attempts, time, HTTP status
 * and error. Generated with `typeorm migration:generate`.
 */
export class RunCallback1795232572634 implements MigrationInterface {
  name = 'RunCallback1795232572634';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "runs" ADD "callback" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "runs" DROP COLUMN "callback"`);
  }
}
