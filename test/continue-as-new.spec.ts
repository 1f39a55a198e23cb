/**
 * Runs without size ceilings: the interpreter continues as new when its history grows (forced
 * here with a small event budget, and for real with a 2,500-node fan-out), and pause, resume,
 * retry, skip, approvals and cancel keep working across the hand-over. One run, one workflow id.
 */
import type { Client } from '@temporalio/client';
import {
  approveNodeUpdate,
  cancelSignal,
  pauseSignal,
  resumeSignal,
  retryNodeUpdate,
  skipNodeUpdate,
  stateQuery,
} from '../workflows/contract';
import type { Definition } from '../workflows/definition/types';
import { compactPlan } from '../workflows/plan';
import { finalState, recordHistory, startInterpreter, testPlan, waitForState } from './support/runs';
import { createTestActivities } from './support/test-activities';
import { recordingProgressSink, testTemporal, uniqueTaskQueue, withWorker } from './support/temporal';

let client: Client;

beforeAll(async () => {
  client = (await testTemporal()).client;
});

/** The run ids of a workflow's executions, first to latest, following continue-as-new. */
interface RunHandle {
  workflowId: string;
  firstExecutionRunId: string;
}

async function executions(handle: RunHandle): Promise<string[]> {
  const runIds = [handle.firstExecutionRunId];
  for (;;) {
    const history = await client.workflow.getHandle(handle.workflowId, runIds[runIds.length - 1]).fetchHistory();
    const last = history.events?.[history.events.length - 1];
    const next = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (!next) return runIds;
    runIds.push(next);
  }
}

async function waitForExecutions(handle: RunHandle, atLeast: number): Promise<string[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ids = await executions(handle);
    if (ids.length >= atLeast || Date.now() > deadline) return ids;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function chain(prefix: string, n: number): Definition['nodes'] {
  return Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, type: 'builtin.noop', with: { i } }));
}

function links(nodes: Definition['nodes']): NonNullable<Definition['edges']> {
  return nodes.slice(1).map((node, i) => ({ from: nodes[i].id, to: node.id }));
}

describe('continue-as-new', () => {
  it('keeps pause, resume, retry, skip and approvals working across hand-overs; one run with every node', async () => {
    const before = chain('c', 12);
    const after = chain('d', 12);
    const definition: Definition = {
      name: 'can-ops',
      nodes: [
        ...before,
        { id: 'flaky', type: 'test.flaky', with: { failTimes: 1, value: 'ok' }, onFailure: 'manual' },
        { id: 'broken', type: 'test.fail', with: { nonRetryable: true }, onFailure: 'manual' },
        { id: 'ask', type: 'approval', with: { message: 'go on?', deadline: '1h' } },
        { id: 'join', type: 'gateway.join' },
        ...after,
      ],
      edges: [
        ...links(before),
        { from: 'c11', to: 'join' },
        { from: 'flaky', to: 'join' },
        { from: 'broken', to: 'join' },
        { from: 'ask', to: 'join' },
        { from: 'join', to: 'd0' },
        ...links(after),
      ],
      outputs: { last: '${nodes.d11.output.i}', flaky: '${nodes.flaky.output.value}' },
    };
    const taskQueue = uniqueTaskQueue('can');
    const test = createTestActivities();
    const sink = recordingProgressSink();
    const { state, handle, runIds, waitingRuns } = await withWorker(
      { taskQueue, activities: test.activities, sinks: sink.sinks },
      async () => {
        const handle = await startInterpreter(client, taskQueue, definition, {}, { continueAsNewAfterEvents: 30 });
        const waiting = await waitForState(
          handle,
          (s) => s.status === 'WAITING' && s.nodes.c11.status === 'SUCCEEDED',
          60_000,
        );
        expect(waiting.nodes.flaky).toMatchObject({ status: 'FAILED', waitingFor: 'operator' });
        expect(waiting.nodes.ask).toMatchObject({ status: 'WAITING', waitingFor: 'approval' });
        const waitingRuns = (await executions(handle)).length;

        // Operations on an execution that continued from others.
        await handle.signal(pauseSignal, { by: 'ops' });
        await waitForState(handle, (s) => s.status === 'PAUSED');
        await handle.executeUpdate(retryNodeUpdate, { args: [{ nodeId: 'flaky', with: { failTimes: 0 }, by: 'ops' }] });
        await handle.executeUpdate(skipNodeUpdate, { args: [{ nodeId: 'broken', by: 'ops' }] });
        await handle.executeUpdate(approveNodeUpdate, { args: [{ nodeId: 'ask', by: 'boss', comment: 'fine' }] });
        const paused = await handle.query(stateQuery);
        expect(paused.nodes.flaky.status).toBe('PENDING');
        expect(paused.nodes.c0).toMatchObject({ status: 'SUCCEEDED', input: { i: 0 }, output: { i: 0 } });
        await handle.signal(resumeSignal, { by: 'ops' });
        const state = await finalState(handle);
        return { state, handle, runIds: await executions(handle), waitingRuns };
      },
    );

    expect(waitingRuns).toBeGreaterThan(1);
    expect(runIds.length).toBeGreaterThan(waitingRuns);
    expect(state.status).toBe('SUCCEEDED');
    expect(state.outputs).toEqual({ last: 11, flaky: 'ok' });
    expect(Object.keys(state.nodes)).toHaveLength(definition.nodes.length);
    for (const node of [...before, ...after]) expect(state.nodes[node.id].status).toBe('SUCCEEDED');
    expect(state.nodes.flaky).toMatchObject({ status: 'SUCCEEDED', executions: 2, attempts: 2 });
    expect(state.nodes.broken).toMatchObject({ status: 'SKIPPED', skipReason: 'operator' });
    expect(state.nodes.ask).toMatchObject({
      status: 'SUCCEEDED',
      approval: { decision: 'approve', decidedBy: 'boss' },
    });
    // Every node ran once (plus the retry), however many executions the run took.
    expect(test.executions.filter((e) => e.nodeId.startsWith('c') || e.nodeId.startsWith('d'))).toHaveLength(24);
    // The progress sink heard of one run only, and each new execution first reported every node.
    expect(new Set(sink.reports.map((r) => r.runId))).toEqual(new Set([state.runId]));
    expect(sink.reports.filter((r) => r.full).length).toBeGreaterThanOrEqual(runIds.length);
    expect(sink.reports.filter((r) => r.full).every((r) => r.nodes.length === definition.nodes.length)).toBe(true);

    await recordHistory(handle, 'continue-as-new-first', runIds[0]);
    await recordHistory(handle, 'continue-as-new-later', runIds[waitingRuns]);
  });

  it('cancels a run that continued as new: finished nodes stay, the rest is CANCELLED', async () => {
    const nodes = [
      ...chain('c', 40),
      { id: 'block', type: 'test.block', with: { ms: 60_000 }, timeout: { heartbeat: '2s' } },
    ];
    const definition: Definition = { name: 'can-cancel', nodes, edges: links(nodes) };
    const taskQueue = uniqueTaskQueue('can');
    const test = createTestActivities();
    const { state, runIds } = await withWorker({ taskQueue, activities: test.activities }, async () => {
      const handle = await startInterpreter(client, taskQueue, definition, {}, { continueAsNewAfterEvents: 40 });
      await waitForState(handle, (s) => s.nodes.block.status === 'RUNNING', 60_000);
      await handle.signal(cancelSignal, { by: 'ops', reason: 'enough' });
      const state = await finalState(handle);
      return { state, runIds: await executions(handle) };
    });
    expect(runIds.length).toBeGreaterThan(1);
    expect(state.status).toBe('CANCELLED');
    expect(state.error?.message).toBe('cancelled by ops: enough');
    expect(state.nodes.c0.status).toBe('SUCCEEDED');
    expect(state.nodes.c39.status).toBe('SUCCEEDED');
    expect(state.nodes.block.status).toBe('CANCELLED');
    expect(test.cancelled).toEqual(['block']);
  });

  it('goes on in its execution when the state to carry would not fit a payload, and still completes', async () => {
    // Each node's resolved input and output are 60 KB (inline, under the by-reference threshold):
    // about 16 finished nodes make more state than one continue-as-new input may carry.
    const nodes = Array.from({ length: 30 }, (_, i) => ({
      id: `e${i}`,
      type: 'test.trackEcho',
      with: { blob: '${inputs.blob}', i },
    }));
    const definition: Definition = { name: 'can-too-large', nodes, edges: links(nodes) };
    const taskQueue = uniqueTaskQueue('can');
    const test = createTestActivities();
    const blob = 'b'.repeat(60_000);
    const budget = 40;
    const { state, histories } = await withWorker({ taskQueue, activities: test.activities }, async () => {
      const handle = await startInterpreter(client, taskQueue, definition, { blob }, { continueAsNewAfterEvents: budget });
      const state = await finalState(handle);
      const runIds = await executions(handle);
      const histories = await Promise.all(
        runIds.map((runId) => client.workflow.getHandle(handle.workflowId, runId).fetchHistory()),
      );
      return { state, histories };
    });
    expect({ status: state.status, error: state.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    expect(nodes.every((node) => state.nodes[node.id].status === 'SUCCEEDED')).toBe(true);
    // 30 inputs and outputs of 60 KB are too much for the workflow's result: it says what it left out.
    expect(state.omitted).toMatch(/^node inputs and outputs left out: the state is 3\.\d\d MB/);
    expect(state.nodes.e29.output).toBeUndefined();
    // It continued as new while the state was small, then stopped doing so: the last execution
    // ran far past the event budget instead of handing over a state too large to carry.
    expect(histories.length).toBeGreaterThan(1);
    const last = histories[histories.length - 1].events ?? [];
    expect(last.length).toBeGreaterThan(budget * 2);
    expect(last.some((event) => event.workflowExecutionContinuedAsNewEventAttributes)).toBe(false);
    expect(new Set(test.executions.map((e) => e.nodeId)).size).toBe(30);
  }, 300_000);

  it('runs a 2,500-node fan-out that continues as new when Temporal suggests it', async () => {
    // Generous timeouts and retries: on a loaded machine a no-op may wait long for a slot.
    const middle = Array.from({ length: 2_500 }, (_, i) => ({
      id: `m${i}`,
      type: 'builtin.noop',
      retry: { maximumAttempts: 5 },
      timeout: { startToClose: '5m' },
    }));
    const definition: Definition = {
      name: 'can-wide',
      nodes: [{ id: 'start', type: 'builtin.noop' }, ...middle, { id: 'end', type: 'builtin.noop' }],
      edges: [...middle.map((m) => ({ from: 'start', to: m.id })), ...middle.map((m) => ({ from: m.id, to: 'end' }))],
    };
    const taskQueue = uniqueTaskQueue('can');
    const test = createTestActivities();
    const { state, runIds } = await withWorker(
      { taskQueue, activities: test.activities, maxConcurrentActivityTaskExecutions: 200 },
      async () => {
        const handle = await startInterpreter(
          client,
          taskQueue,
          definition,
          {},
          { plan: compactPlan(testPlan(definition)) },
        );
        const state = await finalState(handle);
        return { state, runIds: await waitForExecutions(handle, 2) };
      },
    );
    expect({ status: state.status, error: state.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
    expect(runIds.length).toBeGreaterThan(1);
    expect(Object.values(state.nodes).filter((n) => n.status === 'SUCCEEDED')).toHaveLength(2_502);
    expect(new Set(test.executions.map((e) => e.nodeId)).size).toBe(2_502);
  }, 600_000);
});
