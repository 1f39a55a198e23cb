import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `registered_plugins`: descriptors of plugins served by workers of their own, registered through
 * `registerPlugins` and loaded into the catalog at start. Generated with `typeorm migration:generate`.
 */

export class RegisteredPlugins1795233070330 implements MigrationInterface {
  name = 'RegisteredPlugins1795233070330';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "registered_plugins" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" character varying(200) NOT NULL, "version" character varying(100) NOT NULL, "task_queue" character varying(200) NOT NULL, "descriptor" jsonb NOT NULL, "registered_by" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f1d4ada8b26f12ee99ccaa6ae3f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_registered_plugins_type_version" ON "registered_plugins" ("type", "version") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."UQ_registered_plugins_type_version"`);
    await queryRunner.query(`DROP TABLE "registered_plugins"`);
  }
}
