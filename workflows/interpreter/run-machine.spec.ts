import type { InterpreterInput } from '../contract';
import type { Definition } from '../definition/types';
import { InvalidOperationError, RunMachine } from './run-machine';

const T = '2026-01-01T00:00:00.000Z';

function machine(definition: Definition, inputs = {}): RunMachine {
  const input: InterpreterInput = {
    plan: { definition, activities: {} },
    inputs,
    run: { id: 'r1', startedBy: 'spec', startedAt: T },
  };
  return new RunMachine(input);
}

/** Launches everything ready and completes it with `output`, until nothing is ready. */
function drain(m: RunMachine, output: (id: string) => unknown = () => ({})): string[] {
  const order: string[] = [];
  for (let next = m.launchNext(T); next; next = m.launchNext(T)) {
    order.push(next.node.id);
    m.succeedNode(next.node.id, output(next.node.id) as never, 1, T);
  }
  return order;
}

function chain(n: number): Definition {
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, type: 'builtin.noop' }));
  return { name: 'chain', nodes, edges: nodes.slice(1).map((node, i) => ({ from: nodes[i].id, to: node.id })) };
}

describe(RunMachine.name, () => {
  it('runs a chain in order and completes', () => {
    const m = machine(chain(4));
    expect(drain(m)).toEqual(['n0', 'n1', 'n2', 'n3']);
    expect(m.isComplete).toBe(true);
    m.complete(T);
    expect(m.status).toBe('SUCCEEDED');
  });

  it('eliminates a dead path of 10,000 nodes without recursion', () => {
    const definition = chain(10_000);
    definition.nodes.unshift({ id: 'gate', type: 'gateway.exclusive' }, { id: 'other', type: 'builtin.noop' });
    definition.edges!.push({ from: 'gate', to: 'n0', when: 'false' }, { from: 'gate', to: 'other', default: true });
    const m = machine(definition);
    expect(drain(m)).toEqual(['gate', 'other']);
    expect(m.isComplete).toBe(true);
    expect(m.nodes.n9999).toMatchObject({ status: 'SKIPPED', skipReason: 'dead-path' });
  });

  it('derives RUNNING, PAUSED and WAITING from the nodes', () => {
    const m = machine({
      name: 'manual',
      nodes: [
        { id: 'a', type: 'builtin.noop', onFailure: 'manual' },
        { id: 'b', type: 'builtin.noop' },
      ],
      edges: [{ from: 'a', to: 'b' }],
    });
    expect(m.status).toBe('RUNNING');
    m.pause('alice', T);
    expect(m.status).toBe('PAUSED');
    expect(m.launchNext(T)).toBeUndefined();
    expect(() => m.validatePause()).toThrow(InvalidOperationError);
    m.resume();
    expect(() => m.validateResume()).toThrow('not paused');
    const launch = m.launchNext(T)!;
    expect(m.failNode(launch.node.id, { type: 'Boom', message: 'no' }, T, 2)).toBe('manual');
    expect(m.status).toBe('WAITING');
    expect(m.nodes.a).toMatchObject({ status: 'FAILED', waitingFor: 'operator', attempts: 2 });
  });

  it('refuses operations that do not fit the state, and changes nothing', () => {
    const m = machine(chain(2));
    const before = JSON.stringify(m.snapshot());
    expect(() => m.validateRetry({ nodeId: 'n0' })).toThrow('cannot retry node "n0": it is PENDING');
    expect(() => m.validateSkip({ nodeId: 'zz' })).toThrow('no node "zz"');
    expect(() => m.validateRetry({ nodeId: 'n0', with: [] as never })).toThrow();
    expect(JSON.stringify(m.snapshot())).toBe(before);
  });

  it('retries with inputs merged over the node with, re-resolving expressions', () => {
    const m = machine(
      {
        name: 'retry',
        inputs: { env: { type: 'string' } },
        nodes: [{ id: 'a', type: 'builtin.noop', with: { env: '${inputs.env}', keep: 1 }, onFailure: 'manual' }],
      },
      { env: 'dev' },
    );
    const first = m.launchNext(T)!;
    expect(first.input).toEqual({ env: 'dev', keep: 1 });
    m.failNode('a', { type: 'X', message: 'x' }, T, 1);
    m.retry({ nodeId: 'a', with: { env: "${inputs.env + '-2'}" } });
    const second = m.launchNext(T)!;
    expect(second).toMatchObject({ execution: 2, input: { env: 'dev-2', keep: 1 } });
  });

  it('fails a node whose inputs do not resolve, per its onFailure', () => {
    const m = machine({
      name: 'bad-expr',
      nodes: [
        { id: 'a', type: 'builtin.noop', with: { x: '${inputs.nope}' }, onFailure: 'skip' },
        { id: 'b', type: 'builtin.noop' },
      ],
      edges: [{ from: 'a', to: 'b' }],
    });
    const launched = m.launchNext(T)!;
    expect(launched.node.id).toBe('b');
    expect(m.nodes.a).toMatchObject({
      status: 'SKIPPED',
      skipReason: 'on-failure',
      error: { type: 'ExpressionError' },
    });
  });

  it('fails the run when an output expression fails', () => {
    const m = machine({
      name: 'outputs',
      nodes: [{ id: 'a', type: 'builtin.noop' }],
      outputs: { x: '${nodes.a.output.missing}' },
    });
    drain(m);
    m.complete(T);
    expect(m.status).toBe('FAILED');
    expect(m.error?.message).toMatch(/^outputs: /);
  });

  it('lists changed nodes once per take', () => {
    const m = machine(chain(2));
    m.takeChanges();
    m.launchNext(T);
    expect(m.takeChanges().map((n) => `${n.id}:${n.status}`)).toEqual(['n0:RUNNING']);
    expect(m.takeChanges()).toEqual([]);
  });

  describe('child runs (subflows)', () => {
    const child = {
      runId: 'c1',
      workflowId: 'wf/sub',
      templateId: 't2',
      templateName: 'child',
      version: 3,
      status: 'RUNNING' as const,
    };

    it('waits while a child waits for a person and lists the child reasons under the node path', () => {
      const m = machine({
        name: 'p',
        nodes: [
          { id: 'sub', type: 'subflow' },
          { id: 'other', type: 'builtin.noop' },
        ],
      });
      m.launchNext(T);
      const other = m.launchNext(T)!;
      m.setChild('sub', child);
      m.succeedNode(other.node.id, {}, 1, T);
      expect(m.status).toBe('RUNNING');

      m.childStatus({
        nodeId: 'sub',
        workflowId: 'wf/sub',
        status: 'WAITING',
        waitingOn: [{ kind: 'operator', nodeId: 'inner/flaky', message: 'subflow inner: node flaky failed' }],
      });
      expect(m.status).toBe('WAITING');
      expect(m.waitingOn()).toEqual([
        { kind: 'operator', nodeId: 'sub/inner/flaky', message: 'subflow sub: subflow inner: node flaky failed' },
      ]);
      expect(m.nodes.sub.child?.status).toBe('WAITING');

      // A report from an older execution's child changes nothing.
      m.childStatus({ nodeId: 'sub', workflowId: 'wf/sub#0', status: 'RUNNING', waitingOn: [] });
      expect(m.status).toBe('WAITING');

      m.childStatus({ nodeId: 'sub', workflowId: 'wf/sub', status: 'RUNNING', waitingOn: [] });
      expect(m.status).toBe('RUNNING');
      expect(m.waitingOn()).toEqual([]);
    });

    it('forgets the child reasons once the subflow node ends', () => {
      const m = machine({ name: 'p', nodes: [{ id: 'sub', type: 'subflow' }] });
      m.launchNext(T);
      m.setChild('sub', child);
      m.childStatus({
        nodeId: 'sub',
        workflowId: 'wf/sub',
        status: 'WAITING',
        waitingOn: [{ kind: 'approval', nodeId: 'ok', message: 'approval ok waits' }],
      });
      expect(m.status).toBe('WAITING');
      m.succeedNode('sub', { out: 1 }, 1, T);
      expect(m.waitingOn()).toEqual([]);
      expect(m.isComplete).toBe(true);
    });

    it('ignores a paused child: only approvals and manual failures make the parent wait', () => {
      const m = machine({ name: 'p', nodes: [{ id: 'sub', type: 'subflow' }] });
      m.launchNext(T);
      m.setChild('sub', child);
      m.childStatus({
        nodeId: 'sub',
        workflowId: 'wf/sub',
        status: 'WAITING',
        waitingOn: [{ kind: 'paused', message: 'paused by x' }],
      });
      expect(m.status).toBe('RUNNING');
    });
  });
});
