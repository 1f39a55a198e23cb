import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `node_outputs`: node outputs too large for the workflow history, stored by reference. */
export class NodeOutputs1795235717202 implements MigrationInterface {
  name = 'NodeOutputs1795235717202';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "node_outputs" ("key" character varying(64) NOT NULL, "run_id" character varying(64) NOT NULL, "node_id" character varying(64) NOT NULL, "size" integer NOT NULL, "value" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_node_outputs" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_node_outputs_run" ON "node_outputs" ("run_id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_node_outputs_run"`);
    await queryRunner.query(`DROP TABLE "node_outputs"`);
  }
}
