/**
 * `foreach` on a node: runs one instance per item (`deploy[0]`, `deploy[1]`, ...) with a
 * concurrency limit, and collects their outputs in input order. Deterministic workflow code.
 */
import { isCancellation } from '@temporalio/workflow';
import type { NodeError } from '../contract';
import type { JsonValue, NodeDefinition } from '../definition/types';
import { NodeFailure, type NodeOutcome } from './node-failure';
import { errorOf, type NodeLaunch, type RunMachine } from './run-machine';

/** Runs one item: the node's `with` resolved for that item, and its instance id (`deploy[3]`). */
export type InstanceRunner = (instanceId: string, input: JsonValue) => Promise<NodeOutcome>;

/** The failure type of a foreach node some of whose items failed. */
export const FOREACH_ITEMS_FAILED = 'ForeachItemsFailed';

const INDEXES_SHOWN = 20;

/** `deploy[3]`: the instance id of one item of a foreach node. */
export function instanceIdFor(nodeId: string, index: number): string {
  return `${nodeId}[${index}]`;
}

/** One line naming the failed items and the first one's error. */
export function foreachFailure(total: number, failures: Map<number, NodeError>): NodeError {
  const indexes = [...failures.keys()].sort((a, b) => a - b);
  const shown = indexes.slice(0, INDEXES_SHOWN).join(', ');
  const more = indexes.length > INDEXES_SHOWN ? ` and ${indexes.length - INDEXES_SHOWN} more` : '';
  const first = failures.get(indexes[0])!;
  return {
    type: FOREACH_ITEMS_FAILED,
    message: `${indexes.length} of ${total} items failed (item${indexes.length === 1 ? '' : 's'} ${shown}${more}); item ${indexes[0]}: ${first.type}: ${first.message}`,
  };
}

/**
 * Runs the items not reused from an earlier execution, at most `concurrency` at once. The first
 * failure stops new items from starting; the ones in flight finish; then the node fails naming
 * every failed index (its onFailure applies; a retry runs only the failed items again).
 * Progress goes to the node state as `items`.
 */
export async function runForeach(
  ctx: { machine: RunMachine },
  node: NodeDefinition,
  inputs: JsonValue[],
  _execution: number,
  spec: NonNullable<NodeLaunch['foreach']>,
  runInstance: InstanceRunner,
): Promise<NodeOutcome> {
  const total = inputs.length;
  const outputs: JsonValue[] = new Array<JsonValue>(total).fill(null);
  const failures = new Map<number, NodeError>();
  const pending: number[] = [];
  let succeeded = 0;
  let attempts = 0;
  inputs.forEach((_input, index) => {
    const reused = spec.reuse[index];
    if (reused === undefined) pending.push(index);
    else {
      outputs[index] = reused;
      succeeded += 1;
    }
  });
  const inflight = new Set<Promise<void>>();
  const report = (): void => {
    const failedIndexes = [...failures.keys()].sort((a, b) => a - b);
    ctx.machine.reportItems(node.id, {
      total,
      succeeded,
      failed: failures.size,
      running: inflight.size,
      ...(failedIndexes.length > 0 ? { failedIndexes } : {}),
    });
  };
  const start = (index: number): void => {
    const done: Promise<void> = runInstance(instanceIdFor(node.id, index), inputs[index])
      .then(
        (outcome) => {
          outputs[index] = outcome.output;
          attempts += outcome.attempts;
          succeeded += 1;
          ctx.machine.foreachItemSucceeded(node.id, index, outcome.output);
        },
        (err: unknown) => {
          if (isCancellation(err)) throw err;
          const failure = err instanceof NodeFailure ? err : new NodeFailure(errorOf(err), 1);
          attempts += failure.attempts;
          failures.set(index, failure.error);
        },
      )
      .finally(() => {
        inflight.delete(done);
        report();
      });
    inflight.add(done);
  };
  const concurrency = Math.max(1, spec.concurrency);
  let next = 0;
  report();
  while (inflight.size > 0 || (next < pending.length && failures.size === 0)) {
    while (next < pending.length && failures.size === 0 && inflight.size < concurrency) start(pending[next++]);
    report();
    await Promise.race(inflight);
  }
  if (failures.size > 0) throw new NodeFailure(foreachFailure(total, failures), attempts);
  return { output: outputs, attempts };
}
