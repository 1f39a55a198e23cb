import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import { TIMESTAMP } from '../database/column-types';

/**
 * A node output too large for the workflow history (over 64 KB of JSON), stored by the plugin
 * activity that produced it; the run state holds `{ $ref: key, size, preview }` instead.
 */
@Entity('node_outputs')
@Index('IDX_node_outputs_run', ['runId'])
export class NodeOutput {
  /** `output:<uuid>`, the reference's `$ref`. */
  @PrimaryColumn({ type: 'varchar', length: 64, primaryKeyConstraintName: 'PK_node_outputs' })
  key!: string;

  /** The Switchyard run id (not a foreign key: CLI and scheduled runs may have no row yet). */
  @Column({ type: 'varchar', length: 64 })
  runId!: string;

  @Column({ type: 'varchar', length: 64 })
  nodeId!: string;

  /** Bytes of JSON. */
  @Column({ type: 'integer' })
  size!: number;

  /** The output's JSON text. */
  @Column({ type: 'text' })
  value!: string;

  @CreateDateColumn({ type: TIMESTAMP })
  createdAt!: Date;
}
