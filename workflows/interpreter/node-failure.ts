import type { NodeError } from '../contract';
import type { JsonValue } from '../definition/types';

/** What a node (or one foreach item) produced, and the activity attempts it took. */
export interface NodeOutcome {
  output: JsonValue;
  attempts: number;
}

/** A node failure that already knows how many activity attempts it took. */
export class NodeFailure extends Error {
  constructor(
    readonly error: NodeError,
    readonly attempts: number,
  ) {
    super(error.message);
    this.name = 'NodeFailure';
  }
}
