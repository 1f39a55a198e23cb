import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Database-enforced immutability, which TypeORM cannot generate: the audit log is append-only
 * (no UPDATE, no DELETE) and a template version is never updated once published (deleting it with
 * its template stays possible). Hand-written; `down` removes exactly what `up` adds.
 */
export class ImmutableRecords1795222404243 implements MigrationInterface {
  name = 'ImmutableRecords1795222404243';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION switchyard_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% on % is not allowed: rows are immutable', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'restrict_violation';
      END
      $$`);
    await queryRunner.query(
      `CREATE TRIGGER "TRG_audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION switchyard_refuse_change()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "TRG_template_versions_immutable" BEFORE UPDATE ON "template_versions" FOR EACH ROW EXECUTE FUNCTION switchyard_refuse_change()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "TRG_template_versions_immutable" ON "template_versions"`);
    await queryRunner.query(`DROP TRIGGER "TRG_audit_log_append_only" ON "audit_log"`);
    await queryRunner.query(`DROP FUNCTION switchyard_refuse_change()`);
  }
}
