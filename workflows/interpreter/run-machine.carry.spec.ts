import type { ContinuedRun, InterpreterInput } from '../contract';
import type { Definition } from '../definition/types';
import { RunMachine } from './run-machine';

const T = '2026-01-01T00:00:00.000Z';
const T2 = '2026-01-01T00:00:01.250Z';

function inputOf(definition: Definition, continued?: ContinuedRun): InterpreterInput {
  return {
    plan: { definition, activityPlans: [], activityOf: {} },
    inputs: { who: 'spec' },
    run: { id: 'r1', startedBy: 'spec', startedAt: T },
    ...(continued ? { continued } : {}),
  };
}

/** Hands the machine's state to a new machine, through JSON as Temporal would. */
function continued(m: RunMachine, definition: Definition): RunMachine {
  const carried = JSON.parse(JSON.stringify(m.carry(1))) as ContinuedRun;
  return new RunMachine(inputOf(definition, carried));
}

/** Launches everything ready and completes it, until nothing is ready. */
function drain(m: RunMachine): string[] {
  const order: string[] = [];
  for (let next = m.launchNext(T2); next; next = m.launchNext(T2)) {
    order.push(next.node.id);
    m.succeedNode(next.node.id, { from: next.node.id, input: next.input }, 1, T2);
  }
  return order;
}

const definition: Definition = {
  name: 'carry',
  nodes: [
    { id: 'a', type: 'builtin.noop', name: 'First' },
    { id: 'v', type: 'vars.set', with: { color: 'blue' } },
    { id: 'g', type: 'gateway.exclusive' },
    { id: 'yes', type: 'builtin.noop', with: { seen: '${nodes.a.output.from}-${vars.color}' } },
    { id: 'no', type: 'builtin.noop' },
    { id: 'after_no', type: 'builtin.noop' },
    { id: 'flaky', type: 'test.fail', onFailure: 'manual' },
    { id: 'ask', type: 'approval', with: { message: 'go?', deadline: '1h' } },
    { id: 'join', type: 'gateway.join' },
    { id: 'last', type: 'builtin.noop', with: { y: '${nodes.yes.output.input.seen}' } },
  ],
  edges: [
    { from: 'a', to: 'v' },
    { from: 'v', to: 'g' },
    { from: 'g', to: 'yes', when: "vars.color == 'blue'" },
    { from: 'g', to: 'no', default: true },
    { from: 'no', to: 'after_no' },
    { from: 'yes', to: 'join' },
    { from: 'after_no', to: 'join' },
    { from: 'flaky', to: 'join' },
    { from: 'ask', to: 'join' },
    { from: 'join', to: 'last' },
  ],
  outputs: { y: '${nodes.last.output.input.y}' },
};

describe('RunMachine carry and restore (continue-as-new)', () => {
  it('restores node states, edges, vars, waiting nodes and breakpoints, and the run goes on', () => {
    const m = new RunMachine(inputOf(definition));
    // a, then v; flaky fails (manual); ask waits for approval; breakpoint on yes.
    const a = m.launchNext(T)!;
    expect(a.node.id).toBe('a');
    m.succeedNode('a', { from: 'a' }, 1, T2);
    m.launchNext(T); // flaky
    m.failNode('flaky', { type: 'Boom', message: 'no' }, T2, 2);
    m.launchNext(T); // ask
    m.awaitApproval('ask', { message: 'go?' }, T, '2026-01-01T01:00:00.000Z');
    m.setBreakpoint({ nodeId: 'yes' });
    const v = m.launchNext(T)!;
    expect(v.node.id).toBe('v');
    m.succeedNode('v', v.input, 1, T2);
    m.pause('ops', T2);

    const next = continued(m, definition);
    expect(next.snapshot()).toEqual(JSON.parse(JSON.stringify(m.snapshot())));
    expect(next.status).toBe('PAUSED');
    expect(next.waitingApprovals().map((s) => s.id)).toEqual(['ask']);

    next.resume();
    expect(next.launchNext(T2)!.node.id).toBe('g');
    next.succeedNode('g', null, 1, T2);
    expect(next.nodes.no).toMatchObject({ status: 'SKIPPED', skipReason: 'dead-path' });
    expect(next.nodes.after_no.status).toBe('SKIPPED');
    // The breakpoint before yes still holds.
    expect(next.launchNext(T2)).toBeUndefined();
    expect(next.status).toBe('PAUSED');
    next.resume();
    expect(next.launchNext(T2)!.input).toEqual({ seen: 'a-blue' });
    next.succeedNode('yes', { input: { seen: 'a-blue' } }, 1, T2);
    next.retry({ nodeId: 'flaky', with: { fixed: true } });

    // A second hand-over, with a retried node queued and its override kept.
    const third = continued(next, definition);
    const retried = third.launchNext(T2)!;
    expect(retried).toMatchObject({ node: { id: 'flaky' }, input: { fixed: true }, execution: 2 });
    third.succeedNode('flaky', {}, 1, T2);
    third.decide({ nodeId: 'ask', by: 'boss' }, 'approve', T2);
    third.succeedNode('ask', { decision: 'approve' }, 1, T2);
    expect(drain(third)).toEqual(['join', 'last']);
    expect(third.isComplete).toBe(true);
    third.complete(T2);
    expect(third.snapshot()).toMatchObject({ status: 'SUCCEEDED', outputs: { y: 'a-blue' } });
    expect(third.nodes.flaky).toMatchObject({ attempts: 3, executions: 2, status: 'SUCCEEDED' });
  });

  it('carries a 10,000-node chain half done in well under the 2 MB payload limit', () => {
    const nodes = Array.from({ length: 10_000 }, (_, i) => ({ id: `n${i}`, type: 'builtin.noop' }));
    const chain: Definition = {
      name: 'chain',
      nodes,
      edges: nodes.slice(1).map((node, i) => ({ from: nodes[i].id, to: node.id })),
    };
    const m = new RunMachine(inputOf(chain));
    for (let i = 0; i < 5_000; i++) {
      const next = m.launchNext(T)!;
      m.succeedNode(next.node.id, {}, 1, T2);
    }
    const carried = m.carry(1);
    const size = JSON.stringify(carried).length;
    expect(size).toBeLessThan(400_000);
    const next = new RunMachine(inputOf(chain, JSON.parse(JSON.stringify(carried)) as ContinuedRun));
    expect(next.nodes.n4999).toEqual(m.nodes.n4999);
    expect(next.launchNext(T2)!.node.id).toBe('n5000');
  });

  it('refuses to carry a run with a node in flight', () => {
    const m = new RunMachine(inputOf(definition));
    m.launchNext(T);
    expect(() => m.carry(1)).toThrow('nodes still run: a');
  });

  it('defers a plugin node that reads a by-reference output, fails a built-in one, also after a hand-over', () => {
    const refs: Definition = {
      name: 'refs',
      nodes: [
        { id: 'big', type: 'test.big' },
        { id: 'small', type: 'builtin.noop' },
        {
          id: 'read',
          type: 'builtin.noop',
          with: { name: '${nodes.big.output.items[1].name}', s: '${nodes.small.output.x}' },
        },
        { id: 'v', type: 'vars.set', with: { n: '${nodes.big.output.count}' }, onFailure: 'manual' },
      ],
      edges: [
        { from: 'big', to: 'read' },
        { from: 'small', to: 'read' },
        { from: 'big', to: 'v' },
      ],
    };
    const m = new RunMachine(inputOf(refs));
    m.launchNext(T);
    m.launchNext(T);
    m.succeedNode('big', { $ref: 'output:1', size: 99_999, preview: '{"items":[' }, 1, T2);
    m.succeedNode('small', { x: 1 }, 1, T2);
    const next = continued(m, refs);
    const read = next.launchNext(T2)!;
    expect(read.node.id).toBe('read');
    expect(read.deferred).toEqual({
      with: refs.nodes[2].with,
      scope: {
        inputs: { who: 'spec' },
        vars: {},
        run: { id: 'r1', startedAt: T, startedBy: 'spec' },
        nodes: {
          big: { status: 'SUCCEEDED', output: { $ref: 'output:1', size: 99_999, preview: '{"items":[' } },
          small: { status: 'SUCCEEDED', output: { x: 1 } },
        },
      },
    });
    expect(next.launchNext(T2)).toBeUndefined();
    expect(next.nodes.v).toMatchObject({ status: 'FAILED', error: { type: 'OutputByReference' } });
    expect(next.nodes.v.error?.message).toContain('node v (vars.set) reads nodes.big.output (99999 bytes)');
  });
});
