import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { CreatedUpdatedColumns } from '../database/base-columns';
import { TIMESTAMP } from '../database/column-types';
import { Project } from '../projects/project.entity';

/**
 * A named DAG template of a project. Its content lives in immutable {@link TemplateVersion}s;
 * `latestVersionNumber` is the highest version number published so far (0: none yet). Archived
 * templates keep their versions (runs pin them) but start no new runs, and free their name.
 */
@Entity('templates')
@ObjectType({ description: 'A DAG template of a project; every published version is kept.' })
@Index('UQ_templates_project_active_name', ['projectId', 'name'], { unique: true, where: '"archived_at" IS NULL' })
export class Template extends CreatedUpdatedColumns {
  @Field(() => ID)
  @Column({ type: 'uuid' })
  projectId!: string;

  @ManyToOne(() => Project, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: Relation<Project>;

  @Field({ description: 'Unique in its project among templates that are not archived.' })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** Highest published version number (column `latest_version`); GraphQL `latestVersion` resolves the version itself. */
  @Field(() => Int, { description: 'The highest version number (1, 2, 3...).' })
  @Column({ name: 'latest_version', type: 'integer', default: 0 })
  latestVersionNumber!: number;

  /** Principal label of the creator (`principalLabel`: username or `token:<name>`). */
  @Field()
  @Column({ type: 'varchar', length: 200 })
  createdBy!: string;

  /** When it was archived; null while active. */
  @Field(() => Date, { nullable: true, description: 'When it was archived; null while it is active.' })
  @Column({ type: TIMESTAMP, nullable: true })
  archivedAt!: Date | null;
}
