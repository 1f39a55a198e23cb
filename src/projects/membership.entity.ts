import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { ProjectRole } from '../common/auth/roles';
import { CreatedUpdatedColumns } from '../database/base-columns';
import { ROLE_CHECK } from '../database/column-types';
import { User } from '../users/user.entity';
import { Project } from './project.entity';

/** A user's role in a project; one per (project, user). */
@Entity('memberships')
@ObjectType()
@Index('UQ_memberships_project_user', ['projectId', 'userId'], { unique: true })
@Check('CHK_memberships_role', ROLE_CHECK)
export class Membership extends CreatedUpdatedColumns {
  @Field(() => ID)
  @Column({ type: 'uuid' })
  projectId!: string;

  @ManyToOne(() => Project, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: Relation<Project>;

  @Index('IDX_memberships_user')
  @Column({ type: 'uuid' })
  userId!: string;

  @Field(() => User)
  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user!: Relation<User>;

  @Field(() => ProjectRole)
  @Column({ type: 'varchar', length: 16 })
  role!: ProjectRole;
}
