import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import { sqlValues, TIMESTAMP } from '../database/column-types';

/** How a callback was used: the external system reported success or failure. */
export const CALLBACK_OUTCOMES = ['success', 'failure'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];

/**
 * One callback token that was used. The token id is the primary key, so a second use of the same
 * URL is refused by the database itself, before Temporal is asked anything. Holds no token, only
 * its random id.
 */
@Entity('callback_uses')
@Check('CHK_callback_uses_outcome', `"outcome" IN (${sqlValues(CALLBACK_OUTCOMES)})`)
export class CallbackUse {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  tokenId!: string;

  /** The Switchyard run id the token belongs to. */
  @Column({ type: 'varchar', length: 255 })
  runId!: string;

  /** The node, or foreach instance (`nodeId[3]`), it completed. */
  @Column({ type: 'varchar', length: 255 })
  nodeId!: string;

  @Column({ type: 'varchar', length: 16 })
  outcome!: CallbackOutcome;

  @CreateDateColumn({ type: TIMESTAMP })
  usedAt!: Date;
}
