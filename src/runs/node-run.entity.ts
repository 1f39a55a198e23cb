import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { NODE_STATUSES, type NodeStatus } from '../../workflows/contract';
import type { JsonObject, JsonValue } from '../../workflows/definition/types';
import { CreatedUpdatedColumns } from '../database/base-columns';
import { sqlValues, TIMESTAMP } from '../database/column-types';
import { Run } from './run.entity';

/** The state of one node of a run: one row per (run, node id). */
@Entity('node_runs')
@Index('UQ_node_runs_run_node', ['runId', 'nodeId'], { unique: true })
@Check('CHK_node_runs_status', `"status" IN (${sqlValues(NODE_STATUSES)})`)
export class NodeRun extends CreatedUpdatedColumns {
  @Column({ type: 'uuid' })
  runId!: string;

  @ManyToOne(() => Run, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id' })
  run?: Relation<Run>;

  /** The node's id in the definition. */
  @Column({ type: 'varchar', length: 64 })
  nodeId!: string;

  /** The node's type (plugin type, gateway or built-in). */
  @Column({ type: 'varchar', length: 128 })
  nodeType!: string;

  /** The node's display name, when the definition gives one. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  name!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'PENDING' })
  status!: NodeStatus;

  /** Attempts across Temporal retries and operator retries. */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** How many times the node was started: 1 plus operator retries. */
  @Column({ type: 'integer', default: 0 })
  executions!: number;

  /** Why a SKIPPED node was skipped: `dead-path`, `on-failure`, `operator`. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  skipReason!: string | null;

  /** Who the node waits for while WAITING: `operator` (a manual failure) or `approval`. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  waitingFor!: string | null;

  @Column({ type: TIMESTAMP, nullable: true })
  startedAt!: Date | null;

  @Column({ type: TIMESTAMP, nullable: true })
  finishedAt!: Date | null;

  /** The node's `with`, expressions resolved. */
  @Column({ type: 'jsonb', nullable: true })
  input!: JsonValue | null;

  @Column({ type: 'jsonb', nullable: true })
  output!: JsonValue | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  errorType!: string | null;

  @Column({ type: 'text', nullable: true })
  errorMessage!: string | null;

  /**
   * The rest of the interpreter's node state that has no column of its own (`reused`,
   * `approval`, `breakpoint`...), as reported.
   */
  @Column({ type: 'jsonb', nullable: true })
  details!: JsonObject | null;
}
