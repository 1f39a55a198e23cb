import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Archiving templates: `templates.archived_at`, and the name is unique per project only among
 * templates that are not archived (an archived template frees its name). Generated with
 * `typeorm migration:generate`.
 */
export class TemplateArchive1795223037044 implements MigrationInterface {
  name = 'TemplateArchive1795223037044';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."UQ_templates_project_name"`);
    await queryRunner.query(`ALTER TABLE "templates" ADD "archived_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_templates_project_active_name" ON "templates" ("project_id", "name") WHERE "archived_at" IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."UQ_templates_project_active_name"`);
    await queryRunner.query(`ALTER TABLE "templates" DROP COLUMN "archived_at"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_templates_project_name" ON "templates" ("project_id", "name") `);
  }
}
