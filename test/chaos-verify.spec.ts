/**
 * The chaos harness's judge (bench/chaos/verify.ts) on fabricated observations: a clean world
 * passes, and each kind of damage the harness exists to catch (a database that disagrees with
 * Temporal, a side effect run too often, a phantom RUNNING, a wrong outcome) is flagged. Without
 * this, a verifier that never complains would make the chaos spec (test/chaos.spec.ts) pass.
 */
import { chaosSchedule, seeded } from '../bench/chaos/schedule';
import { chaosSettings, LONG_CHAOS, SHORT_CHAOS } from '../bench/chaos/settings';
import { CHAOS_TEMPLATES } from '../bench/chaos/templates';
import { verifyChaos, type ChaosObservation, type LedgerEntry, type ObservedRun } from '../bench/chaos/verify';
import type { NodeState, RunState } from '../workflows/contract';

/** What a run of template `index` looks like when everything went right (the retry node took 3 attempts). */
function cleanRun(index: number): { run: ObservedRun; ledger: LedgerEntry[] } {
  const template = CHAOS_TEMPLATES[index];
  const id = `run-${index}`;
  const attemptsOf = (nodeId: string) => (nodeId === 'flaky' ? 3 : 1);
  const nodes: Record<string, NodeState> = {};
  const nodeRows: ObservedRun['nodeRows'] = {};
  const ledger: LedgerEntry[] = [];
  for (const [nodeId, status] of Object.entries(template.expectedNodes)) {
    const isPlugin = nodeId in template.maxAttempts;
    const attempts = status === 'SKIPPED' || !isPlugin ? 0 : attemptsOf(nodeId);
    nodes[nodeId] = { id: nodeId, type: 'chaos.ledger', status, attempts, executions: 1 } as NodeState;
    nodeRows[nodeId] = { status, attempts };
    for (let attempt = 1; attempt <= attempts; attempt++)
      ledger.push({ runId: id, nodeId, attempt, pid: 1, at: '2026-11-21T00:00:00.000Z' });
  }
  const state = {
    runId: id,
    status: template.expectedRunStatus,
    nodes,
    vars: {},
    waitingOn: [],
  } as unknown as RunState;
  return {
    run: {
      id,
      workflowId: `wf-${index}`,
      template: index,
      row: { status: template.expectedRunStatus },
      nodeRows,
      temporalStatus: 'COMPLETED',
      state,
    },
    ledger,
  };
}

function cleanWorld(): ChaosObservation {
  const parts = CHAOS_TEMPLATES.map((_t, index) => cleanRun(index));
  return {
    runs: parts.map((p) => p.run),
    ledger: parts.flatMap((p) => p.ledger),
    runRows: parts.map((p) => ({ id: p.run.id, status: p.run.row!.status })),
  };
}

const verify = (world: ChaosObservation) => verifyChaos(world, CHAOS_TEMPLATES);

describe('verifyChaos', () => {
  it('passes a world where everything went right', () => {
    const verdict = verify(cleanWorld());
    expect(verdict.problems).toEqual([]);
    expect(verdict.runsByStatus).toEqual({ SUCCEEDED: CHAOS_TEMPLATES.length });
    expect(verdict.checks.ledgerExecutions).toBeGreaterThan(0);
  });

  it('flags a node whose database row disagrees with Temporal', () => {
    const world = cleanWorld();
    world.runs[2].nodeRows.flaky = { status: 'SUCCEEDED', attempts: 2 };
    const verdict = verify(world);
    expect(verdict.checks.nodeMismatches).toBe(1);
    expect(verdict.problems).toEqual([expect.stringContaining('flaky: database SUCCEEDED/2 attempts')]);
  });

  it('flags a side effect that ran more often than its retries allow', () => {
    const world = cleanWorld();
    const extra = Array.from({ length: 5 }, (_v, i) => ({
      runId: 'run-0',
      nodeId: 'a',
      attempt: 1 + (i % 2),
      pid: 2,
      at: '2026-11-21T00:00:01.000Z',
    }));
    world.ledger.push(...extra);
    const verdict = verify(world);
    expect(verdict.checks.ledgerViolations).toBeGreaterThan(0);
    expect(verdict.checks.repeatedAttempts).toBeGreaterThan(0);
    expect(verdict.problems).toContainEqual(expect.stringContaining('a: 6 executions'));
  });

  it('flags an attempt the ledger saw and Temporal did not', () => {
    const world = cleanWorld();
    world.ledger.push({ runId: 'run-1', nodeId: 'join', attempt: 2, pid: 3, at: '2026-11-21T00:00:02.000Z' });
    expect(verify(world).problems).toContainEqual(expect.stringContaining('join: ledger saw attempt 2, Temporal 1'));
  });

  it('flags a skipped node that executed and a succeeded node that never did', () => {
    const world = cleanWorld();
    world.ledger.push({ runId: 'run-3', nodeId: 'green', attempt: 1, pid: 4, at: '2026-11-21T00:00:03.000Z' });
    world.ledger = world.ledger.filter((e) => !(e.runId === 'run-3' && e.nodeId === 'check'));
    const verdict = verify(world);
    expect(verdict.problems).toContainEqual(expect.stringContaining('green: skipped but executed 1 times'));
    expect(verdict.problems).toContainEqual(expect.stringContaining('check: succeeded without a ledger entry'));
  });

  it('flags a run or node that says RUNNING when Temporal says it is not', () => {
    const world = cleanWorld();
    world.runs[0].row = { status: 'RUNNING' };
    world.runs[1].nodeRows.w2 = { status: 'RUNNING', attempts: 1 };
    world.runRows.push({ id: 'stranger', status: 'RUNNING' });
    const verdict = verify(world);
    expect(verdict.checks.phantomRunning).toBe(3);
    expect(verdict.problems).toContainEqual('run stranger: RUNNING, not started by the harness');
  });

  it('flags a run that ended otherwise than its template implies, or never ended', () => {
    const world = cleanWorld();
    world.runs[0].state = { ...world.runs[0].state!, status: 'FAILED' };
    world.runs[0].row = { status: 'FAILED' };
    world.runs[1].temporalStatus = 'RUNNING';
    world.runs[1].state = undefined;
    world.runs[1].row = { status: 'RUNNING' };
    world.runRows = world.runRows.map((r) => (r.id === 'run-0' ? { ...r, status: 'FAILED' } : r));
    const verdict = verify(world);
    expect(verdict.checks.unexpectedOutcomes).toBe(1);
    expect(verdict.checks.runMismatches).toBe(1);
    expect(verdict.runsByStatus).toEqual({ FAILED: 1, RUNNING: 1, SUCCEEDED: CHAOS_TEMPLATES.length - 2 });
  });

  it('flags a run without a row and a row nobody started', () => {
    const world = cleanWorld();
    world.runs[3].row = undefined;
    world.runRows = world.runRows.filter((r) => r.id !== 'run-3');
    world.runRows.push({ id: 'extra', status: 'SUCCEEDED' });
    const verdict = verify(world);
    expect(verdict.checks.runMismatches).toBe(1);
    expect(verdict.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('no runs row'),
        'run extra: SUCCEEDED, not started by the harness',
      ]),
    );
  });
});

describe('chaos settings and schedule', () => {
  it('picks the short form with --short or CHAOS_SHORT=1, and lets CHAOS_* override a field', () => {
    expect(chaosSettings([], {})).toEqual(LONG_CHAOS);
    expect(chaosSettings(['--short'], {})).toEqual(SHORT_CHAOS);
    expect(chaosSettings([], { CHAOS_SHORT: '1', CHAOS_RUNS: '8' })).toEqual({ ...SHORT_CHAOS, runs: 8 });
    expect(() => chaosSettings([], { CHAOS_KILLS: 'many' })).toThrow(/CHAOS_KILLS/);
  });

  it('replays the same schedule for a seed: the kills plus one Temporal restart, one API restart, one outage', () => {
    const schedule = chaosSchedule(SHORT_CHAOS.kills, seeded(SHORT_CHAOS.seed));
    expect(chaosSchedule(SHORT_CHAOS.kills, seeded(SHORT_CHAOS.seed))).toEqual(schedule);
    expect([...schedule].sort()).toEqual([
      'api',
      ...Array<string>(SHORT_CHAOS.kills).fill('kill'),
      'postgres',
      'temporal',
    ]);
  });
});
