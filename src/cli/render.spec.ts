import type { NodeState, RunState } from '../../workflows/contract';
import { formatDuration, problemLines, runResultDocument, runSummary, WatchView, watchTable } from './render';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function node(id: string, patch: Partial<NodeState> = {}): NodeState {
  return { id, type: 'shell.exec', status: 'PENDING', attempts: 0, executions: 0, ...patch };
}

function state(nodes: NodeState[], patch: Partial<RunState> = {}): RunState {
  return {
    runId: 'r-1',
    status: 'RUNNING',
    nodes: Object.fromEntries(nodes.map((n) => [n.id, n])),
    vars: {},
    waitingOn: [],
    startedAt: at(0),
    ...patch,
  };
}

describe(problemLines.name, () => {
  it('prints problems as "<path>: <message>" and warnings after them with a "warning: " prefix', () => {
    expect(
      problemLines(
        [
          { path: 'nodes[3].with.url', message: 'must match format "uri"' },
          { path: 'edges[0].to', message: 'unknown node x' },
        ],
        [{ path: 'nodes[1].type', message: 'deprecated' }],
      ),
    ).toEqual([
      'nodes[3].with.url: must match format "uri"',
      'edges[0].to: unknown node x',
      'warning: nodes[1].type: deprecated',
    ]);
  });
});

describe(formatDuration.name, () => {
  it.each([
    [0, '0ms'],
    [250, '250ms'],
    [3_240, '3.2s'],
    [125_000, '2m05s'],
    [3_720_000, '1h02m'],
  ])('%d ms is %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe(runResultDocument.name, () => {
  it('keeps status, attempts, output and error of each node, with null for what is absent', () => {
    const doc = runResultDocument(
      state(
        [
          node('a', { status: 'SUCCEEDED', attempts: 2, output: { ok: true } }),
          node('b', { status: 'FAILED', attempts: 1, error: { type: 'ShellExitError', message: 'exit 1' } }),
        ],
        { status: 'FAILED', outputs: { x: 1 }, error: { type: 'NodeFailed', message: 'b failed' } },
      ),
      'wf-1',
    );
    expect(doc).toEqual({
      status: 'FAILED',
      workflowId: 'wf-1',
      nodes: {
        a: { status: 'SUCCEEDED', attempts: 2, output: { ok: true }, error: null },
        b: { status: 'FAILED', attempts: 1, output: null, error: { type: 'ShellExitError', message: 'exit 1' } },
      },
      outputs: { x: 1 },
      error: { type: 'NodeFailed', message: 'b failed' },
    });
  });
});

describe(runSummary.name, () => {
  it('says when node inputs and outputs were left out of a state too large', () => {
    const lines = runSummary(
      state([node('a', { status: 'SUCCEEDED', attempts: 1 })], {
        status: 'SUCCEEDED',
        omitted: 'node inputs and outputs left out: the state is 3.61 MB',
      }),
      'big-1',
    );
    expect(lines).toContain('  note: node inputs and outputs left out: the state is 3.61 MB');
  });

  it('says how the run ended, counts node statuses, names failed nodes and lists outputs', () => {
    const lines = runSummary(
      state(
        [
          node('a', { status: 'SUCCEEDED', attempts: 1 }),
          node('b', { status: 'FAILED', attempts: 3, error: { type: 'Boom', message: 'it broke' } }),
        ],
        { status: 'FAILED', endedAt: at(4_000), outputs: { artifact: 'x.tgz' } },
      ),
      'deploy-1',
    );
    expect(lines).toEqual([
      'Run deploy-1 FAILED in 4.0s (2 nodes: 1 succeeded, 1 failed)',
      '  b FAILED after 3 attempts: Boom: it broke',
      'Outputs:',
      '  artifact: "x.tgz"',
    ]);
  });
});

describe(WatchView.name, () => {
  const order = ['build', 'deploy'];
  const running = state([
    node('build', { status: 'RUNNING', startedAt: at(0) }),
    node('deploy', { type: 'builtin.noop' }),
  ]);
  const later = state([
    node('build', { status: 'RUNNING', startedAt: at(0) }),
    node('deploy', { type: 'builtin.noop' }),
  ]);
  const done = state(
    [
      node('build', { status: 'SUCCEEDED', attempts: 1, startedAt: at(0), endedAt: at(1_500) }),
      node('deploy', { type: 'builtin.noop', status: 'FAILED', attempts: 2, error: { type: 'E', message: 'no\nway' } }),
    ],
    { status: 'FAILED', endedAt: at(2_000) },
  );

  it('redraws the whole table in place on a terminal', () => {
    const writes: string[] = [];
    let now = T0 + 500;
    const view = new WatchView({ write: (t) => writes.push(t), tty: true, order, now: () => now });
    view.update(running);
    now = T0 + 1_000;
    view.update(later);
    view.finish(done);

    expect(writes).toHaveLength(3);
    expect(writes[0]).not.toContain('\x1b[');
    expect(writes[0].split('\n')).toEqual([
      'NODE    TYPE          STATUS   ATTEMPTS  DURATION  ERROR',
      'build   shell.exec    RUNNING  0         500ms',
      'deploy  builtin.noop  PENDING  0',
      'run RUNNING  500ms',
      '',
    ]);
    // Each redraw moves up over the 4 lines drawn before and clears them.
    expect(writes[1].startsWith('\x1b[4A\r\x1b[J')).toBe(true);
    expect(writes[1]).toContain('build   shell.exec    RUNNING  0         1.0s');
    expect(writes[2]).toContain('deploy  builtin.noop  FAILED     2                   E: no way');
    expect(writes[2]).toMatch(/run FAILED {2}2\.0s\n$/);
  });

  it('prints only the rows that changed when the output is not a terminal', () => {
    const writes: string[] = [];
    const view = new WatchView({ write: (t) => writes.push(t), tty: false, order, now: () => T0 + 500 });
    view.update(running);
    view.update(later);
    view.finish(done);

    const text = writes.join('');
    expect(text).not.toContain('\x1b[');
    expect(text.split('\n')).toEqual([
      'NODE    TYPE          STATUS     ATTEMPTS  DURATION  ERROR',
      'build   shell.exec    RUNNING    0         500ms',
      'deploy  builtin.noop  PENDING    0',
      'run RUNNING',
      'build   shell.exec    SUCCEEDED  1         1.5s',
      'deploy  builtin.noop  FAILED     2                   E: no way',
      'run FAILED  2.0s',
      '',
    ]);
    // The unchanged second poll printed nothing.
    expect(writes).toHaveLength(2);
  });

  it('says why a run waits', () => {
    const writes: string[] = [];
    const waiting = state([node('build', { status: 'FAILED', attempts: 1, waitingFor: 'operator' })], {
      status: 'WAITING',
      waitingOn: [{ kind: 'operator', nodeId: 'build', message: 'failed; retry or skip it' }],
    });
    new WatchView({ write: (t) => writes.push(t), tty: false, order, now: () => T0 }).update(waiting);
    expect(writes.join('').split('\n')).toEqual([
      'NODE   TYPE        STATUS     ATTEMPTS  DURATION  ERROR',
      'build  shell.exec  FAILED     1                   waiting for an operator',
      'run WAITING (build: failed; retry or skip it)',
      '',
    ]);
  });

  it('cuts lines to the terminal width so redraws stay aligned', () => {
    const lines = watchTable(done, order, T0);
    const writes: string[] = [];
    new WatchView({ write: (t) => writes.push(t), tty: true, columns: 30, order, now: () => T0 }).update(done);
    const drawn = writes[0].split('\n').filter(Boolean);
    expect(drawn).toHaveLength(lines.length);
    for (const text of drawn) expect(text.length).toBeLessThanOrEqual(29);
  });
});
