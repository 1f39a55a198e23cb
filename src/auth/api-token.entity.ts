import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { ProjectRole } from '../common/auth/roles';
import { CreatedColumns } from '../database/base-columns';
import { ROLE_CHECK, TIMESTAMP } from '../database/column-types';
import { Project } from '../projects/project.entity';
import { User } from '../users/user.entity';

/**
 * An API token for systems (CI, ticketing): scoped to one project and a role no higher than its
 * creator's. Only the SHA-256 of the token is stored; the token itself is shown once, at creation.
 */
@Entity('api_tokens')
@ObjectType()
@Check('CHK_api_tokens_role', ROLE_CHECK)
export class ApiToken extends CreatedColumns {
  @Field()
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** Hex SHA-256 of the whole token (`sy_...`); the lookup key. Never exposed. */
  @Index('UQ_api_tokens_token_hash', { unique: true })
  @Column({ type: 'char', length: 64 })
  tokenHash!: string;

  /** The first characters of the token (`sy_AbC12345`), to recognise it in lists. */
  @Field()
  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  @Field(() => ID)
  @Index('IDX_api_tokens_project')
  @Column({ type: 'uuid' })
  projectId!: string;

  @ManyToOne(() => Project, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'project_id' })
  project?: Relation<Project>;

  @Field(() => ProjectRole)
  @Column({ type: 'varchar', length: 16 })
  role!: ProjectRole;

  @Field(() => ID)
  @Column({ type: 'uuid' })
  createdById!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'created_by_id' })
  createdBy?: Relation<User>;

  @Field(() => Date, { nullable: true })
  @Column({ type: TIMESTAMP, nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: TIMESTAMP, nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: TIMESTAMP, nullable: true })
  revokedAt!: Date | null;
}
