import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { RUN_STATUSES, type CallbackDelivery, type RunStatus } from '../../workflows/contract';
import type { JsonObject, JsonValue } from '../../workflows/definition/types';
import { CreatedUpdatedColumns } from '../database/base-columns';
import { sqlValues, TIMESTAMP } from '../database/column-types';
import { Project } from '../projects/project.entity';
import { TemplateVersion } from '../templates/template-version.entity';
import { Template } from '../templates/template.entity';

/** What `runs.callback` holds: a delivery, or PENDING (the run has not ended yet). */
export type RunCallbackRecord = CallbackDelivery | { url: string; status: 'PENDING'; attempts: number };

/**
 * One execution of a template version: the API's record of a Temporal workflow. `requestId` makes
 * `startRun` idempotent per project (same request id: same run).
 */
@Entity('runs')
// Newest first per project, with the id as tie-breaker: the `runs` query's keyset pagination
// (the migration makes created_at and id DESC).
@Index('IDX_runs_project_created_id', ['projectId', 'createdAt', 'id'])
// What the reconciler scans: the runs not finished yet.
@Index('IDX_runs_active', ['createdAt'], { where: `"status" IN ('PENDING', 'RUNNING', 'PAUSED', 'WAITING')` })
@Index('IDX_runs_project_template_status', ['projectId', 'templateId', 'status'])
// The filtered pages of the `runs` query: one equality, then the page order.
@Index('IDX_runs_project_status_created_id', ['projectId', 'status', 'createdAt', 'id'])
@Index('IDX_runs_project_template_created_id', ['projectId', 'templateId', 'createdAt', 'id'])
@Index('IDX_runs_project_started_by_created_id', ['projectId', 'startedBy', 'createdAt', 'id'])
@Index('UQ_runs_project_request', ['projectId', 'requestId'], { unique: true })
@Check('CHK_runs_status', `"status" IN (${sqlValues(RUN_STATUSES)})`)
export class Run extends CreatedUpdatedColumns {
  @Column({ type: 'uuid' })
  projectId!: string;

  @ManyToOne(() => Project, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: Relation<Project>;

  @Column({ type: 'uuid' })
  templateId!: string;

  @ManyToOne(() => Template, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'template_id' })
  template?: Relation<Template>;

  @Index('IDX_runs_template_version')
  @Column({ type: 'uuid' })
  templateVersionId!: string;

  @ManyToOne(() => TemplateVersion, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'template_version_id' })
  templateVersion?: Relation<TemplateVersion>;

  /** The template version number, copied for display. */
  @Column({ type: 'integer' })
  version!: number;

  /** Temporal workflow id; unique. */
  @Index('UQ_runs_workflow_id', { unique: true })
  @Column({ type: 'varchar', length: 255 })
  workflowId!: string;

  /** Temporal run id of the first execution, once started. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  temporalRunId!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'PENDING' })
  status!: RunStatus;

  /** Inputs as validated, defaults applied. */
  @Column({ type: 'jsonb', default: {} })
  inputs!: JsonObject;

  @Column({ type: 'jsonb', nullable: true })
  outputs!: JsonObject | null;

  /** Why the run failed (`{ type, message }`), when it did. */
  @Column({ type: 'jsonb', nullable: true })
  error!: JsonValue | null;

  /** Who paused the run and when (and at which breakpoint), while it is paused. */
  @Column({ type: 'jsonb', nullable: true })
  paused!: { by: string; at: string; nodeId?: string } | null;

  /** Why nothing moves right now (`RunState.waitingOn`): approvals, operators, a pause. */
  @Column({ type: 'jsonb', nullable: true })
  waitingOn!: JsonValue | null;

  /**
   * The run-end callback of a run started with a `callbackUrl` (`RunState.callback`): PENDING with
   * its URL until the run ends, then how its delivery went.
   */
  @Column({ type: 'jsonb', nullable: true })
  callback!: RunCallbackRecord | null;

  /** Principal label of who started it (`principalLabel`), or `schedule:<id>`. */
  @Column({ type: 'varchar', length: 200 })
  startedBy!: string;

  /** Child runs: the run whose subflow node started this one (children are left out of `runs` lists). */
  @Index('IDX_runs_parent')
  @Column({ type: 'uuid', nullable: true })
  parentRunId!: string | null;

  @ManyToOne(() => Run, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'parent_run_id', foreignKeyConstraintName: 'FK_runs_parent_run' })
  parentRun?: Relation<Run>;

  /** Child runs: the subflow node of the parent run that started this one. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  parentNodeId!: string | null;

  /**
   * The template versions the run's subflow nodes run, chosen when it started ('latest' resolved):
   * `{ <nodeId>: { templateId, templateName, version, subflows? } }`.
   */
  @Column({ type: 'jsonb', nullable: true })
  subflows!: JsonValue | null;

  /** Client-chosen idempotency key, unique per project. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  requestId!: string | null;

  @Column({ type: TIMESTAMP, nullable: true })
  startedAt!: Date | null;

  @Column({ type: TIMESTAMP, nullable: true })
  finishedAt!: Date | null;
}
