import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TIMESTAMP } from '../database/column-types';

/** The unit of access: templates, runs, schedules and API tokens belong to one project. */
@Entity('projects')
@ObjectType()
export class Project {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Field()
  @Index('UQ_projects_name', { unique: true })
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Field()
  @CreateDateColumn({ type: TIMESTAMP })
  createdAt!: Date;

  @Field()
  @UpdateDateColumn({ type: TIMESTAMP })
  updatedAt!: Date;
}
