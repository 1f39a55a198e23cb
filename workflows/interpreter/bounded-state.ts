/**
 * Run states leave the workflow as Temporal payloads (the result, a failure's details, the `state`
 * query), which Temporal refuses over 2 MB. A 10,000-node run with inputs and outputs weighs more:
 * then its state leaves without node inputs and outputs, saying so. Pure.
 */
import type { NodeState, RunState } from '../contract';
import { jsonBytes, megabytes, STATE_BYTES_LIMIT } from '../payload-size';

/** `state` as is when it fits {@link STATE_BYTES_LIMIT}, else without node inputs and outputs. */
export function boundedState(state: RunState, limit = STATE_BYTES_LIMIT): RunState {
  const bytes = jsonBytes(state);
  if (bytes <= limit) return state;
  const nodes: Record<string, NodeState> = {};
  for (const [id, node] of Object.entries(state.nodes)) {
    const { input: _input, output: _output, ...rest } = node;
    nodes[id] = rest;
  }
  return {
    ...state,
    nodes,
    omitted:
      `node inputs and outputs left out: the state is ${megabytes(bytes)}, ` +
      `over the ${megabytes(limit)} a Temporal payload can safely carry`,
  };
}
