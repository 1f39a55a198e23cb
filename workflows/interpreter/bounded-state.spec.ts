import type { RunState } from '../contract';
import { boundedState } from './bounded-state';

function stateWith(outputBytes: number, count = 3): RunState {
  const nodes: RunState['nodes'] = {};
  for (let i = 0; i < count; i++) {
    nodes[`n${i}`] = {
      id: `n${i}`,
      type: 'builtin.noop',
      status: i === 0 ? 'FAILED' : 'SUCCEEDED',
      attempts: 1,
      executions: 1,
      input: { i },
      output: 'o'.repeat(outputBytes),
      ...(i === 0 ? { error: { type: 'E', message: 'boom' } } : {}),
    };
  }
  return { runId: 'r', status: 'FAILED', nodes, vars: {}, waitingOn: [], startedAt: 't', outputs: { a: 1 } };
}

describe('boundedState', () => {
  it('returns a state that fits as it is', () => {
    const state = stateWith(10);
    expect(boundedState(state, 10_000)).toBe(state);
  });

  it('leaves node inputs and outputs out of a state too large, keeping statuses, errors and run fields', () => {
    const bounded = boundedState(stateWith(5_000), 10_000);
    expect(JSON.stringify(bounded).length).toBeLessThan(10_000);
    expect(bounded.omitted).toMatch(/^node inputs and outputs left out: the state is 0\.02 MB, over the 0\.01 MB/);
    expect(bounded.nodes.n0).toEqual({
      id: 'n0',
      type: 'builtin.noop',
      status: 'FAILED',
      attempts: 1,
      executions: 1,
      error: { type: 'E', message: 'boom' },
    });
    expect(bounded.nodes.n2.status).toBe('SUCCEEDED');
    expect(bounded.outputs).toEqual({ a: 1 });
    expect(bounded.status).toBe('FAILED');
  });
});
