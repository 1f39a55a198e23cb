import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { GraphQLJSON } from '../common/graphql/json.scalar';
import { sqlValues, TIMESTAMP } from '../database/column-types';

/** How an audited operation ended. */
export enum AuditOutcome {
  /** It did what was asked. */
  SUCCESS = 'SUCCESS',
  /** Refused: not authenticated, not allowed, or about something the caller cannot see. */
  DENIED = 'DENIED',
  /** Allowed, but failed: invalid input, a conflict, an internal error. */
  FAILED = 'FAILED',
}

registerEnumType(AuditOutcome, { name: 'AuditOutcome' });

/**
 * One line of the append-only audit log: who did what, on what, with what outcome. Rows are
 * never updated nor deleted (a database trigger refuses both). `projectId` is kept without a
 * foreign key so the trail outlives what it describes.
 */
@Entity('audit_log')
@ObjectType()
@Index('IDX_audit_log_project_id', ['projectId', 'id'])
@Check('CHK_audit_log_outcome', `"outcome" IN (${sqlValues(Object.values(AuditOutcome))})`)
export class AuditLogEntry {
  /** Increasing: the order of the log. A string in GraphQL and JS (bigint). */
  @Field(() => ID)
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Field()
  @Index('IDX_audit_log_at')
  @CreateDateColumn({ type: TIMESTAMP })
  at!: Date;

  /** Principal label (`principalLabel`): username, `token:<name>`, or `anonymous`. */
  @Field()
  @Column({ type: 'varchar', length: 200 })
  actor!: string;

  @Field(() => ID, { nullable: true })
  @Index('IDX_audit_log_actor_user')
  @Column({ type: 'uuid', nullable: true })
  actorUserId!: string | null;

  @Field(() => ID, { nullable: true })
  @Column({ type: 'uuid', nullable: true })
  actorTokenId!: string | null;

  /** The operation: the GraphQL mutation name (`addMember`, `startRun`, ...). */
  @Field()
  @Column({ type: 'varchar', length: 100 })
  action!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 50, nullable: true })
  resourceType!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 255, nullable: true })
  resourceId!: string | null;

  @Field(() => ID, { nullable: true })
  @Column({ type: 'uuid', nullable: true })
  projectId!: string | null;

  @Field(() => AuditOutcome)
  @Column({ type: 'varchar', length: 16 })
  outcome!: AuditOutcome;

  /** The error code when the outcome is not SUCCESS (`FORBIDDEN`, `NOT_FOUND`, ...). */
  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 50, nullable: true })
  errorCode!: string | null;

  /** The arguments (secrets redacted) and, on failure, the error message. */
  @Field(() => GraphQLJSON)
  @Column({ type: 'jsonb', default: {} })
  detail!: Record<string, unknown>;

  /** The request (correlation) id, as in the logs. */
  @Field(() => String, { nullable: true })
  @Column({ type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;
}
