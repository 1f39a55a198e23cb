import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Project secrets (`secrets`): name, AES-256-GCM ciphertext, nonce, tag and key id, version and who
 * created and rotated it. Generated with `typeorm migration:generate`.
 */

export class ProjectSecrets1795232943682 implements MigrationInterface {
  name = 'ProjectSecrets1795232943682';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "secrets" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "project_id" uuid NOT NULL, "name" character varying(128) NOT NULL, "ciphertext" bytea NOT NULL, "iv" bytea NOT NULL, "auth_tag" bytea NOT NULL, "key_id" character varying(32) NOT NULL, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_by" character varying(200) NOT NULL, "rotated_at" TIMESTAMP WITH TIME ZONE, "rotated_by" character varying(200), CONSTRAINT "PK_d4ff48ddba1883d4dc142b9c697" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_secrets_project_name" ON "secrets" ("project_id", "name") `);
    await queryRunner.query(
      `ALTER TABLE "secrets" ADD CONSTRAINT "FK_132e395fe69e761b816ae4f3b71" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "secrets" DROP CONSTRAINT "FK_132e395fe69e761b816ae4f3b71"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_secrets_project_name"`);
    await queryRunner.query(`DROP TABLE "secrets"`);
  }
}
