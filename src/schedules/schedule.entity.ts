import { Check, Column, Entity, Index, JoinColumn, JoinTable, ManyToMany, ManyToOne, type Relation } from 'typeorm';
import type { JsonObject } from '../../workflows/definition/types';
import { CreatedUpdatedColumns } from '../database/base-columns';
import { sqlValues } from '../database/column-types';
import { Project } from '../projects/project.entity';
import { Run } from '../runs/run.entity';
import { Template } from '../templates/template.entity';

/** The six overlap policies of Temporal Schedules: what a firing does while an earlier run still runs. */
export const SCHEDULE_OVERLAP_POLICIES = [
  'SKIP',
  'BUFFER_ONE',
  'BUFFER_ALL',
  'CANCEL_OTHER',
  'TERMINATE_OTHER',
  'ALLOW_ALL',
] as const;

/** One of {@link SCHEDULE_OVERLAP_POLICIES}. */
export type ScheduleOverlap = (typeof SCHEDULE_OVERLAP_POLICIES)[number];

/**
 * When a schedule fires, as stored (`schedules.spec`) and as the API shows it: exactly one of a
 * cron expression (with an optional IANA time zone), a fixed interval, or a one-off time.
 */
export interface StoredScheduleSpec {
  cron?: string;
  timezone?: string;
  intervalSeconds?: number;
  /** RFC 3339, whole seconds. */
  at?: string;
}

/**
 * A Temporal Schedule that starts runs of a template (cron, interval or one-off). Temporal holds
 * the schedule itself (what fires when, paused or not, recent actions); this row is Switchyard's
 * record of it: who owns it, what it runs, and with which inputs.
 */
@Entity('schedules')
@Index('UQ_schedules_project_name', ['projectId', 'name'], { unique: true })
@Check('CHK_schedules_overlap', `"overlap" IN (${sqlValues(SCHEDULE_OVERLAP_POLICIES)})`)
export class Schedule extends CreatedUpdatedColumns {
  @Column({ type: 'uuid' })
  projectId!: string;

  @ManyToOne(() => Project, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: Relation<Project>;

  @Index('IDX_schedules_template')
  @Column({ type: 'uuid' })
  templateId!: string;

  @ManyToOne(() => Template, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'template_id' })
  template?: Relation<Template>;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** Template version to run; null: the latest at each firing. */
  @Column({ type: 'integer', nullable: true })
  version!: number | null;

  /** The schedule spec (cron expressions, intervals, a one-off time, time zone). */
  @Column({ type: 'jsonb' })
  spec!: JsonObject;

  /** Run inputs for each firing. */
  @Column({ type: 'jsonb', default: {} })
  inputs!: JsonObject;

  /** Last known pause state (Temporal's is authoritative: it can be paused from the Temporal UI). */
  @Column({ type: 'boolean', default: false })
  paused!: boolean;

  /** The Temporal overlap policy. */
  @Column({ type: 'varchar', length: 16, default: 'SKIP' })
  overlap!: ScheduleOverlap;

  /** How late a missed firing may still be taken after an outage; null: Temporal's default (one year). */
  @Column({ type: 'integer', nullable: true })
  catchupWindowSeconds!: number | null;

  /**
   * The template version the Temporal schedule's action runs now. For a schedule that follows the
   * latest version it trails `templates.latest_version` until the action is refreshed.
   */
  @Column({ type: 'integer', nullable: true })
  actionVersion!: number | null;

  /** Id of the Temporal Schedule; unique. */
  @Index('UQ_schedules_temporal_schedule_id', { unique: true })
  @Column({ type: 'varchar', length: 255 })
  temporalScheduleId!: string;

  /** Principal label of the creator (`principalLabel`). */
  @Column({ type: 'varchar', length: 200 })
  createdBy!: string;

  /**
   * The runs this schedule started (table `schedule_runs`, written by the worker's scheduled-run
   * registrar when a run reports for the first time). Deleting the schedule forgets the links;
   * the runs stay, `started_by` still says `schedule:<name>`.
   */
  @ManyToMany(() => Run)
  @JoinTable({
    name: 'schedule_runs',
    joinColumn: {
      name: 'schedule_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_schedule_runs_schedule',
    },
    inverseJoinColumn: { name: 'run_id', referencedColumnName: 'id', foreignKeyConstraintName: 'FK_schedule_runs_run' },
  })
  runs?: Relation<Run[]>;
}
