import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';
import type { JsonObject } from '../../workflows/definition/types';
import { TIMESTAMP } from '../database/column-types';
import { Project } from '../projects/project.entity';
import { Template } from '../templates/template.entity';

/** A Temporal Schedule that starts runs of a template (cron, interval or one-off). */
@Entity('schedules')
@Index('UQ_schedules_project_name', ['projectId', 'name'], { unique: true })
export class Schedule {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

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

  @Column({ type: 'boolean', default: false })
  paused!: boolean;

  /** Id of the Temporal Schedule; unique. */
  @Index('UQ_schedules_temporal_schedule_id', { unique: true })
  @Column({ type: 'varchar', length: 255 })
  temporalScheduleId!: string;

  /** Principal label of the creator (`principalLabel`). */
  @Column({ type: 'varchar', length: 200 })
  createdBy!: string;

  @CreateDateColumn({ type: TIMESTAMP })
  createdAt!: Date;

  @UpdateDateColumn({ type: TIMESTAMP })
  updatedAt!: Date;
}
