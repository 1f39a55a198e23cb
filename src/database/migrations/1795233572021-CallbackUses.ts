import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `callback_uses`: the id of every callback token used, so a callback URL works once.
 * Generated with `typeorm migration:generate`.
 */
export class CallbackUses1795233572021 implements MigrationInterface {
  name = 'CallbackUses1795233572021';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "callback_uses" ("token_id" character varying(64) NOT NULL, "run_id" character varying(255) NOT NULL, "node_id" character varying(255) NOT NULL, "outcome" character varying(16) NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_callback_uses_outcome" CHECK ("outcome" IN ('success', 'failure')), CONSTRAINT "PK_5157164322a45087325b2121b88" PRIMARY KEY ("token_id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "callback_uses"`);
  }
}
