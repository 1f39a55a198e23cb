import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The platform schema: users, API tokens, projects, memberships, templates and their versions,
 * runs, node runs, schedules and the audit log. Generated with `typeorm migration:generate`;
 * edited only to make IDX_runs_project_created descending on created_at.
 */
export class Foundation1795222400415 implements MigrationInterface {
  name = 'Foundation1795222400415';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_log" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor" character varying(200) NOT NULL, "actor_user_id" uuid, "actor_token_id" uuid, "action" character varying(100) NOT NULL, "resource_type" character varying(50), "resource_id" character varying(255), "project_id" uuid, "outcome" character varying(16) NOT NULL, "error_code" character varying(50), "detail" jsonb NOT NULL DEFAULT '{}', "request_id" character varying(128), CONSTRAINT "CHK_audit_log_outcome" CHECK ("outcome" IN ('SUCCESS', 'DENIED', 'FAILED')), CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_audit_log_at" ON "audit_log" ("at") `);
    await queryRunner.query(`CREATE INDEX "IDX_audit_log_actor_user" ON "audit_log" ("actor_user_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_audit_log_project_id" ON "audit_log" ("project_id", "id") `);
    await queryRunner.query(
      `CREATE TABLE "projects" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(100) NOT NULL, "description" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6271df0a7aed1d6c0691ce6ac50" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_projects_name" ON "projects" ("name") `);
    await queryRunner.query(
      `CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "username" character varying(64) NOT NULL, "password_hash" text NOT NULL, "is_admin" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_users_username" ON "users" ("username") `);
    await queryRunner.query(
      `CREATE TABLE "api_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(100) NOT NULL, "token_hash" character(64) NOT NULL, "prefix" character varying(16) NOT NULL, "project_id" uuid NOT NULL, "role" character varying(16) NOT NULL, "created_by_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "CHK_api_tokens_role" CHECK ("role" IN ('viewer', 'operator', 'editor', 'owner')), CONSTRAINT "PK_c587455266b5fa8dace7194caac" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_api_tokens_token_hash" ON "api_tokens" ("token_hash") `);
    await queryRunner.query(`CREATE INDEX "IDX_api_tokens_project" ON "api_tokens" ("project_id") `);
    await queryRunner.query(
      `CREATE TABLE "memberships" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "project_id" uuid NOT NULL, "user_id" uuid NOT NULL, "role" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_memberships_role" CHECK ("role" IN ('viewer', 'operator', 'editor', 'owner')), CONSTRAINT "PK_25d28bd932097a9e90495ede7b4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_memberships_user" ON "memberships" ("user_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_memberships_project_user" ON "memberships" ("project_id", "user_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "templates" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "project_id" uuid NOT NULL, "name" character varying(100) NOT NULL, "description" text, "latest_version" integer NOT NULL DEFAULT '0', "created_by" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_515948649ce0bbbe391de702ae5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_templates_project_name" ON "templates" ("project_id", "name") `);
    await queryRunner.query(
      `CREATE TABLE "template_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "template_id" uuid NOT NULL, "version" integer NOT NULL, "definition" jsonb NOT NULL, "content_hash" character(64) NOT NULL, "author" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_cfc439255ca2725f4102c554d41" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_template_versions_template_version" ON "template_versions" ("template_id", "version") `,
    );
    await queryRunner.query(
      `CREATE TABLE "runs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "project_id" uuid NOT NULL, "template_id" uuid NOT NULL, "template_version_id" uuid NOT NULL, "version" integer NOT NULL, "workflow_id" character varying(255) NOT NULL, "temporal_run_id" character varying(64), "status" character varying(16) NOT NULL DEFAULT 'PENDING', "inputs" jsonb NOT NULL DEFAULT '{}', "outputs" jsonb, "error" jsonb, "started_by" character varying(200) NOT NULL, "request_id" character varying(200), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_runs_status" CHECK ("status" IN ('PENDING', 'RUNNING', 'PAUSED', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELLED')), CONSTRAINT "PK_46d6a1e257c38ba58f1a3c30836" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_runs_template_version" ON "runs" ("template_version_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_runs_workflow_id" ON "runs" ("workflow_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_runs_project_request" ON "runs" ("project_id", "request_id") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_runs_project_template_status" ON "runs" ("project_id", "template_id", "status") `,
    );
    await queryRunner.query(`CREATE INDEX "IDX_runs_project_created" ON "runs" ("project_id", "created_at" DESC) `);
    await queryRunner.query(
      `CREATE TABLE "node_runs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "run_id" uuid NOT NULL, "node_id" character varying(64) NOT NULL, "node_type" character varying(128) NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'PENDING', "attempts" integer NOT NULL DEFAULT '0', "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "input" jsonb, "output" jsonb, "error_type" character varying(255), "error_message" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_node_runs_status" CHECK ("status" IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED', 'WAITING')), CONSTRAINT "PK_edf5612796e0c577edc1cf46221" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_node_runs_run_node" ON "node_runs" ("run_id", "node_id") `);
    await queryRunner.query(
      `CREATE TABLE "schedules" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "project_id" uuid NOT NULL, "template_id" uuid NOT NULL, "name" character varying(100) NOT NULL, "version" integer, "spec" jsonb NOT NULL, "inputs" jsonb NOT NULL DEFAULT '{}', "paused" boolean NOT NULL DEFAULT false, "temporal_schedule_id" character varying(255) NOT NULL, "created_by" character varying(200) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7e33fc2ea755a5765e3564e66dd" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_schedules_template" ON "schedules" ("template_id") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "UQ_schedules_temporal_schedule_id" ON "schedules" ("temporal_schedule_id") `,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_schedules_project_name" ON "schedules" ("project_id", "name") `);
    await queryRunner.query(
      `ALTER TABLE "api_tokens" ADD CONSTRAINT "FK_d1b7ab7b66445341b53d294638e" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_tokens" ADD CONSTRAINT "FK_a17eb380a7c7622315c02725aff" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "memberships" ADD CONSTRAINT "FK_6ab5ba6eb101e826e5a86561083" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "memberships" ADD CONSTRAINT "FK_7c1e2fdfed4f6838e0c05ae5051" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "templates" ADD CONSTRAINT "FK_54e5c9fc0c740b2bd65f0160b5a" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "template_versions" ADD CONSTRAINT "FK_d747f429f90a051a017094521b0" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "runs" ADD CONSTRAINT "FK_116e0228e735b86128438370e90" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "runs" ADD CONSTRAINT "FK_289447ee279ba7927fe48ff3426" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "runs" ADD CONSTRAINT "FK_d8837d574d666fde0ab6396bed7" FOREIGN KEY ("template_version_id") REFERENCES "template_versions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "node_runs" ADD CONSTRAINT "FK_5fde88ee7bac902d8a471d18c12" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "schedules" ADD CONSTRAINT "FK_cff8d47d6171818e64aca8779af" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "schedules" ADD CONSTRAINT "FK_c34f0c08176ebd92c292e0704d1" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "schedules" DROP CONSTRAINT "FK_c34f0c08176ebd92c292e0704d1"`);
    await queryRunner.query(`ALTER TABLE "schedules" DROP CONSTRAINT "FK_cff8d47d6171818e64aca8779af"`);
    await queryRunner.query(`ALTER TABLE "node_runs" DROP CONSTRAINT "FK_5fde88ee7bac902d8a471d18c12"`);
    await queryRunner.query(`ALTER TABLE "runs" DROP CONSTRAINT "FK_d8837d574d666fde0ab6396bed7"`);
    await queryRunner.query(`ALTER TABLE "runs" DROP CONSTRAINT "FK_289447ee279ba7927fe48ff3426"`);
    await queryRunner.query(`ALTER TABLE "runs" DROP CONSTRAINT "FK_116e0228e735b86128438370e90"`);
    await queryRunner.query(`ALTER TABLE "template_versions" DROP CONSTRAINT "FK_d747f429f90a051a017094521b0"`);
    await queryRunner.query(`ALTER TABLE "templates" DROP CONSTRAINT "FK_54e5c9fc0c740b2bd65f0160b5a"`);
    await queryRunner.query(`ALTER TABLE "memberships" DROP CONSTRAINT "FK_7c1e2fdfed4f6838e0c05ae5051"`);
    await queryRunner.query(`ALTER TABLE "memberships" DROP CONSTRAINT "FK_6ab5ba6eb101e826e5a86561083"`);
    await queryRunner.query(`ALTER TABLE "api_tokens" DROP CONSTRAINT "FK_a17eb380a7c7622315c02725aff"`);
    await queryRunner.query(`ALTER TABLE "api_tokens" DROP CONSTRAINT "FK_d1b7ab7b66445341b53d294638e"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_schedules_project_name"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_schedules_temporal_schedule_id"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_schedules_template"`);
    await queryRunner.query(`DROP TABLE "schedules"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_node_runs_run_node"`);
    await queryRunner.query(`DROP TABLE "node_runs"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_runs_project_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_runs_project_template_status"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_runs_project_request"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_runs_workflow_id"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_runs_template_version"`);
    await queryRunner.query(`DROP TABLE "runs"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_template_versions_template_version"`);
    await queryRunner.query(`DROP TABLE "template_versions"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_templates_project_name"`);
    await queryRunner.query(`DROP TABLE "templates"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_memberships_project_user"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_memberships_user"`);
    await queryRunner.query(`DROP TABLE "memberships"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_api_tokens_project"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_api_tokens_token_hash"`);
    await queryRunner.query(`DROP TABLE "api_tokens"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_users_username"`);
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_projects_name"`);
    await queryRunner.query(`DROP TABLE "projects"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_audit_log_project_id"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_audit_log_actor_user"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_audit_log_at"`);
    await queryRunner.query(`DROP TABLE "audit_log"`);
  }
}
