import { Field, ObjectType } from '@nestjs/graphql';
import { Column, Entity, Index } from 'typeorm';
import { CreatedUpdatedColumns } from '../database/base-columns';

/** The unit of access: templates, runs, schedules and API tokens belong to one project. */
@Entity('projects')
@ObjectType()
export class Project extends CreatedUpdatedColumns {
  @Field()
  @Index('UQ_projects_name', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description!: string | null;
}
