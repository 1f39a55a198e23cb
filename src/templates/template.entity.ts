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
import { TIMESTAMP } from '../database/column-types';
import { Project } from '../projects/project.entity';

/**
 * A named DAG template of a project. Its content lives in immutable {@link TemplateVersion}s;
 * `latestVersion` is the highest version number published so far (0: none yet).
 */
@Entity('templates')
@Index('UQ_templates_project_name', ['projectId', 'name'], { unique: true })
export class Template {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  projectId!: string;

  @ManyToOne(() => Project, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: Relation<Project>;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'integer', default: 0 })
  latestVersion!: number;

  /** Principal label of the creator (`principalLabel`: username or `token:<name>`). */
  @Column({ type: 'varchar', length: 200 })
  createdBy!: string;

  @CreateDateColumn({ type: TIMESTAMP })
  createdAt!: Date;

  @UpdateDateColumn({ type: TIMESTAMP })
  updatedAt!: Date;
}
