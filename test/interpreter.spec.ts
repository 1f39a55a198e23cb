/**
 * The interpreter's semantics (PRODUCT.md "Semantics", "Statuses", "Operations") on a real
 * Temporal dev server with a real worker.
 */
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import {
  cancelSignal,
  pauseSignal,
  resumeSignal,
  retryNodeUpdate,
  skipNodeUpdate,
  stateQuery,
} from '../workflows/contract';
import type { Definition } from '../workflows/definition/types';
import { finalState, recordHistory, startInterpreter, testPlan, waitForState } from './support/runs';
import { createTestActivities } from './support/test-activities';
import { recordingProgressSink, testTemporal, uniqueTaskQueue, withWorker } from './support/temporal';

let client: Client;

beforeAll(async () => {
  client = (await testTemporal()).client;
});

/** Runs `definition` to its end on a fresh worker and returns the final state and the ledger. */
async function run(definition: Definition, inputs = {}) {
  const taskQueue = uniqueTaskQueue('interp');
  const test = createTestActivities();
  const state = await withWorker({ taskQueue, activities: test.activities }, async () =>
    finalState(await startInterpreter(client, taskQueue, definition, inputs)),
  );
  return { state, ...test };
}

const statuses = (state: { nodes: Record<string, { status: string }> }) =>
  Object.fromEntries(Object.entries(state.nodes).map(([id, node]) => [id, node.status]));

describe('interpreter', () => {
  it('starts every node without incoming edges together and forks to parallel branches', async () => {
    const definition: Definition = {
      name: 'parallel',
      nodes: [
        { id: 'a', type: 'test.barrier', with: { name: 'starts', parties: 2 } },
        { id: 'b', type: 'test.barrier', with: { name: 'starts', parties: 2 } },
        { id: 'c', type: 'test.barrier', with: { name: 'fork', parties: 3 } },
        { id: 'd', type: 'test.barrier', with: { name: 'fork', parties: 3 } },
        { id: 'e', type: 'test.barrier', with: { name: 'fork', parties: 3 } },
        { id: 'join', type: 'gateway.join' },
        { id: 'after', type: 'builtin.noop', with: { seen: '${nodes.c.output.arrived}' } },
      ],
      edges: [
        { from: 'a', to: 'c' },
        { from: 'a', to: 'd' },
        { from: 'a', to: 'e' },
        { from: 'c', to: 'join' },
        { from: 'd', to: 'join' },
        { from: 'e', to: 'join' },
        { from: 'b', to: 'join' },
        { from: 'join', to: 'after' },
      ],
      outputs: { seen: '${nodes.after.output.seen}' },
    };
    const { state, executions } = await run(definition);
    expect(state.status).toBe('SUCCEEDED');
    expect(statuses(state)).toEqual({
      a: 'SUCCEEDED',
      b: 'SUCCEEDED',
      c: 'SUCCEEDED',
      d: 'SUCCEEDED',
      e: 'SUCCEEDED',
      join: 'SUCCEEDED',
      after: 'SUCCEEDED',
    });
    expect(state.outputs).toEqual({ seen: 3 });
    expect(executions.map((e) => e.nodeId).indexOf('after')).toBe(executions.length - 1);
  });

  it('routes an exclusive gateway to the first edge whose condition holds, else the default', async () => {
    const definition = (): Definition => ({
      name: 'exclusive',
      inputs: { env: { type: 'string' } },
      nodes: [
        { id: 'route', type: 'gateway.exclusive' },
        { id: 'prod', type: 'builtin.noop', with: { target: 'prod' } },
        { id: 'staging', type: 'builtin.noop', with: { target: 'staging' } },
        { id: 'dev', type: 'builtin.noop', with: { target: 'dev' } },
        { id: 'done', type: 'gateway.join' },
      ],
      edges: [
        { from: 'route', to: 'prod', when: "inputs.env == 'prod'" },
        { from: 'route', to: 'staging', when: "inputs.env.startsWith('prod')" },
        { from: 'route', to: 'dev', default: true },
        { from: 'prod', to: 'done' },
        { from: 'staging', to: 'done' },
        { from: 'dev', to: 'done' },
      ],
    });
    const prod = await run(definition(), { env: 'prod' });
    expect(statuses(prod.state)).toMatchObject({
      prod: 'SUCCEEDED',
      staging: 'SKIPPED',
      dev: 'SKIPPED',
      done: 'SUCCEEDED',
    });
    expect(prod.state.nodes.staging.skipReason).toBe('dead-path');
    const other = await run(definition(), { env: 'qa' });
    expect(statuses(other.state)).toMatchObject({
      prod: 'SKIPPED',
      staging: 'SKIPPED',
      dev: 'SUCCEEDED',
      done: 'SUCCEEDED',
    });
  });

  it('fails an exclusive gateway with no edge to take, naming the gateway', async () => {
    const { state } = await run({
      name: 'no-way-out',
      nodes: [
        { id: 'route', type: 'gateway.exclusive' },
        { id: 'x', type: 'builtin.noop' },
      ],
      edges: [{ from: 'route', to: 'x', when: 'false' }],
    });
    expect(state.status).toBe('FAILED');
    expect(state.nodes.route.status).toBe('FAILED');
    expect(state.nodes.route.error).toEqual({ type: 'RoutingError', message: expect.stringContaining('route') });
    expect(state.nodes.x.status).toBe('CANCELLED');
  });

  it('fires every edge of a parallel gateway and every true edge (or the default) of an inclusive one', async () => {
    const { state } = await run(
      {
        name: 'gateways',
        inputs: { n: { type: 'integer', default: 5 } },
        nodes: [
          { id: 'par', type: 'gateway.parallel' },
          { id: 'p1', type: 'builtin.noop' },
          { id: 'p2', type: 'builtin.noop' },
          { id: 'inc', type: 'gateway.inclusive' },
          { id: 'big', type: 'builtin.noop' },
          { id: 'odd', type: 'builtin.noop' },
          { id: 'small', type: 'builtin.noop' },
          { id: 'fallback', type: 'builtin.noop' },
          { id: 'inc2', type: 'gateway.inclusive' },
          { id: 'never', type: 'builtin.noop' },
          { id: 'dflt', type: 'builtin.noop' },
        ],
        edges: [
          { from: 'par', to: 'p1' },
          { from: 'par', to: 'p2', when: 'false' },
          { from: 'p1', to: 'inc' },
          { from: 'inc', to: 'big', when: 'inputs.n > 3' },
          { from: 'inc', to: 'odd', when: 'inputs.n % 2 == 1' },
          { from: 'inc', to: 'small', when: 'inputs.n < 3' },
          { from: 'inc', to: 'fallback', default: true },
          { from: 'p2', to: 'inc2' },
          { from: 'inc2', to: 'never', when: 'inputs.n > 100' },
          { from: 'inc2', to: 'dflt', default: true },
        ],
      },
      { n: 5 },
    );
    expect(state.status).toBe('SUCCEEDED');
    expect(statuses(state)).toMatchObject({
      p1: 'SUCCEEDED',
      p2: 'SUCCEEDED',
      big: 'SUCCEEDED',
      odd: 'SUCCEEDED',
      small: 'SKIPPED',
      fallback: 'SKIPPED',
      never: 'SKIPPED',
      dflt: 'SUCCEEDED',
    });
  });

  it('joins when every incoming edge fired or is dead, and skips a node whose incoming edges are all dead', async () => {
    const { state, executions } = await run({
      name: 'dead-paths',
      nodes: [
        { id: 'start', type: 'builtin.noop', with: { go: false } },
        { id: 'left', type: 'builtin.noop' },
        { id: 'right', type: 'builtin.noop' },
        { id: 'right2', type: 'builtin.noop' },
        { id: 'join', type: 'builtin.noop' },
        { id: 'only_right', type: 'builtin.noop' },
        { id: 'after_only_right', type: 'builtin.noop' },
      ],
      edges: [
        { from: 'start', to: 'left' },
        { from: 'start', to: 'right', when: 'nodes.start.output.go' },
        { from: 'right', to: 'right2' },
        { from: 'left', to: 'join' },
        { from: 'right2', to: 'join' },
        { from: 'right2', to: 'only_right' },
        { from: 'only_right', to: 'after_only_right' },
      ],
    });
    expect(state.status).toBe('SUCCEEDED');
    expect(statuses(state)).toEqual({
      start: 'SUCCEEDED',
      left: 'SUCCEEDED',
      right: 'SKIPPED',
      right2: 'SKIPPED',
      join: 'SUCCEEDED',
      only_right: 'SKIPPED',
      after_only_right: 'SKIPPED',
    });
    expect(executions.map((e) => e.nodeId).sort()).toEqual(['join', 'left', 'start']);
  });

  it('resolves expressions: typed whole values, interpolation, escapes, vars and run outputs', async () => {
    const { state } = await run(
      {
        name: 'expressions',
        inputs: { env: { type: 'string', default: 'dev' }, replicas: { type: 'integer', default: 2 } },
        nodes: [
          { id: 'build', type: 'builtin.noop', with: { body: { artifact: 'web-${inputs.env}.tgz', size: 3 } } },
          {
            id: 'setv',
            type: 'vars.set',
            with: { target: "${inputs.env == 'prod' ? 'eu' : 'lab'}", count: '${inputs.replicas + 1}' },
          },
          {
            id: 'deploy',
            type: 'builtin.noop',
            with: {
              replicas: '${vars.count * 2}',
              url: 'https://deploy.local/${vars.target}?n=${inputs.replicas}',
              script: 'echo $${HOME} ${nodes.build.output.body.artifact}',
              list: '${[1, 2, nodes.build.output.body.size]}',
            },
          },
        ],
        edges: [
          { from: 'build', to: 'setv' },
          { from: 'setv', to: 'deploy' },
        ],
        outputs: { artifact: '${nodes.build.output.body.artifact}', replicas: '${nodes.deploy.output.replicas}' },
      },
      { env: 'dev', replicas: 2 },
    );
    expect(state.status).toBe('SUCCEEDED');
    expect(state.vars).toEqual({ target: 'lab', count: 3 });
    expect(state.nodes.deploy.input).toEqual({
      replicas: 6,
      url: 'https://deploy.local/lab?n=2',
      script: 'echo ${HOME} web-dev.tgz',
      list: [1, 2, 3],
    });
    expect(state.outputs).toEqual({ artifact: 'web-dev.tgz', replicas: 6 });
  });

  it('sleeps on a durable timer', async () => {
    const { state } = await run({
      name: 'timer',
      nodes: [
        { id: 'wait', type: 'timer.sleep', with: { duration: '300ms' } },
        { id: 'after', type: 'builtin.noop' },
      ],
      edges: [{ from: 'wait', to: 'after' }],
    });
    expect(state.status).toBe('SUCCEEDED');
    const waited = Date.parse(state.nodes.wait.endedAt!) - Date.parse(state.nodes.wait.startedAt!);
    expect(waited).toBeGreaterThanOrEqual(300);
  });

  it('retries a failing activity per its policy and counts the attempts', async () => {
    const { state } = await run({
      name: 'retries',
      nodes: [
        {
          id: 'flaky',
          type: 'test.flaky',
          with: { failTimes: 2 },
          retry: { maximumAttempts: 3, initialInterval: '50ms' },
        },
        {
          id: 'doomed',
          type: 'test.flaky',
          with: { failTimes: 5 },
          retry: { maximumAttempts: 2, initialInterval: '50ms' },
          onFailure: 'skip',
        },
        {
          id: 'bad',
          type: 'test.flaky',
          with: { failTimes: 5, errorType: 'BadRequest' },
          retry: { maximumAttempts: 5, initialInterval: '50ms', nonRetryableErrorTypes: ['BadRequest'] },
          onFailure: 'skip',
        },
      ],
    });
    expect(state.status).toBe('SUCCEEDED');
    expect(state.nodes.flaky).toMatchObject({ status: 'SUCCEEDED', attempts: 3, output: { attempt: 3, value: null } });
    expect(state.nodes.doomed).toMatchObject({ status: 'SKIPPED', skipReason: 'on-failure', attempts: 2 });
    expect(state.nodes.doomed.error).toEqual({ type: 'Flaky', message: 'attempt 2 failed on purpose' });
    expect(state.nodes.bad).toMatchObject({ status: 'SKIPPED', attempts: 1, error: { type: 'BadRequest' } });
  });

  it('times out an activity that runs past startToClose', async () => {
    const { state } = await run({
      name: 'timeouts',
      nodes: [{ id: 'slow', type: 'test.slow', with: { ms: 3000 }, timeout: { startToClose: '500ms' } }],
    });
    expect(state.status).toBe('FAILED');
    expect(state.nodes.slow.error?.type).toBe('StartToCloseTimeout');
    expect(state.error?.message).toContain('node slow failed');
  });

  it('onFailure fail ends the run FAILED and cancels what still runs', async () => {
    const { state, cancelled } = await run({
      name: 'fail-fast',
      nodes: [
        { id: 'long', type: 'test.block', with: { ms: 60000 }, timeout: { heartbeat: '2s' } },
        { id: 'boom', type: 'test.fail', with: { nonRetryable: true } },
        { id: 'after_long', type: 'builtin.noop' },
      ],
      edges: [{ from: 'long', to: 'after_long' }],
    });
    expect(state.status).toBe('FAILED');
    expect(statuses(state)).toEqual({ long: 'CANCELLED', boom: 'FAILED', after_long: 'CANCELLED' });
    expect(state.nodes.boom.error).toEqual({ type: 'Boom', message: 'failed on purpose' });
    expect(cancelled).toEqual(['long']);
  });

  it('pauses: no new node starts while paused; running ones finish; resume goes on', async () => {
    const taskQueue = uniqueTaskQueue('pause');
    const test = createTestActivities();
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const handle = await startInterpreter(client, taskQueue, {
        name: 'pause-resume',
        nodes: [
          { id: 'first', type: 'test.block', with: { ms: 1500 }, timeout: { heartbeat: '5s' } },
          { id: 'second', type: 'builtin.noop' },
        ],
        edges: [{ from: 'first', to: 'second' }],
      });
      await waitForState(handle, (s) => s.nodes.first.status === 'RUNNING');
      await handle.signal(pauseSignal, { by: 'alice' });
      const paused = await waitForState(handle, (s) => s.nodes.first.status === 'SUCCEEDED');
      expect(paused.status).toBe('PAUSED');
      expect(paused.paused?.by).toBe('alice');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await handle.query(stateQuery)).nodes.second.status).toBe('PENDING');
      await handle.signal(resumeSignal, { by: 'alice' });
      const state = await finalState(handle);
      expect(state.status).toBe('SUCCEEDED');
      expect(state.nodes.second.status).toBe('SUCCEEDED');
      await recordHistory(handle, 'paused-and-resumed');
    });
  });

  it('cancels by signal: running activities cancelled, pending nodes CANCELLED, run CANCELLED', async () => {
    const taskQueue = uniqueTaskQueue('cancel');
    const test = createTestActivities();
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const handle = await startInterpreter(client, taskQueue, {
        name: 'cancel',
        nodes: [
          { id: 'long', type: 'test.block', timeout: { heartbeat: '2s' } },
          { id: 'next', type: 'builtin.noop' },
        ],
        edges: [{ from: 'long', to: 'next' }],
      });
      await waitForState(handle, (s) => s.nodes.long.status === 'RUNNING');
      await handle.signal(cancelSignal, { by: 'bob', reason: 'wrong version' });
      const state = await finalState(handle);
      expect(state.status).toBe('CANCELLED');
      expect(statuses(state)).toEqual({ long: 'CANCELLED', next: 'CANCELLED' });
      expect(state.error?.message).toBe('cancelled by bob: wrong version');
      expect(test.cancelled).toEqual(['long']);
    });
  });

  it('treats a cancellation requested through Temporal (the Web UI) the same way', async () => {
    const taskQueue = uniqueTaskQueue('tcancel');
    const test = createTestActivities();
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const handle = await startInterpreter(client, taskQueue, {
        name: 'temporal-cancel',
        nodes: [
          { id: 'long', type: 'test.block', timeout: { heartbeat: '2s' } },
          { id: 'next', type: 'builtin.noop' },
        ],
        edges: [{ from: 'long', to: 'next' }],
      });
      await waitForState(handle, (s) => s.nodes.long.status === 'RUNNING');
      await handle.cancel();
      await expect(handle.result()).rejects.toMatchObject({ cause: { name: 'CancelledFailure' } });
      const state = await handle.query(stateQuery);
      expect(state.status).toBe('CANCELLED');
      expect(statuses(state)).toEqual({ long: 'CANCELLED', next: 'CANCELLED' });
      expect(test.cancelled).toEqual(['long']);
      expect((await handle.describe()).status.name).toBe('CANCELLED');
    });
  });

  it('waits for an operator on a manual failure; retryNode runs it again with new inputs', async () => {
    const taskQueue = uniqueTaskQueue('manual');
    const test = createTestActivities();
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const handle = await startInterpreter(client, taskQueue, {
        name: 'manual-retry',
        nodes: [
          { id: 'side', type: 'builtin.noop' },
          { id: 'deploy', type: 'test.flaky', with: { failTimes: 1, value: 'v1' }, onFailure: 'manual' },
          { id: 'after', type: 'builtin.noop', with: { got: '${nodes.deploy.output.value}' } },
        ],
        edges: [{ from: 'deploy', to: 'after' }],
      });
      const waiting = await waitForState(handle, (s) => s.status === 'WAITING');
      expect(waiting.nodes.deploy).toMatchObject({ status: 'FAILED', waitingFor: 'operator', attempts: 1 });
      expect(waiting.nodes.side.status).toBe('SUCCEEDED');

      await expect(handle.executeUpdate(retryNodeUpdate, { args: [{ nodeId: 'side' }] })).rejects.toBeInstanceOf(
        WorkflowUpdateFailedError,
      );
      await expect(handle.executeUpdate(skipNodeUpdate, { args: [{ nodeId: 'nope' }] })).rejects.toMatchObject({
        cause: { message: 'cannot skip: no node "nope" in this run' },
      });

      const retried = await handle.executeUpdate(retryNodeUpdate, {
        args: [{ nodeId: 'deploy', with: { failTimes: 0, value: 'v2' }, by: 'carol' }],
      });
      expect(retried.status).toMatch(/PENDING|RUNNING|SUCCEEDED/);
      const state = await finalState(handle);
      expect(state.status).toBe('SUCCEEDED');
      expect(state.nodes.deploy).toMatchObject({
        status: 'SUCCEEDED',
        executions: 2,
        input: { failTimes: 0, value: 'v2' },
      });
      expect(state.nodes.after.input).toEqual({ got: 'v2' });
      expect(test.executions.filter((e) => e.nodeId === 'deploy')).toHaveLength(2);
      await recordHistory(handle, 'manual-retry');
    });
  });

  it('skipNode makes a manually failed node SKIPPED and the run goes on', async () => {
    const taskQueue = uniqueTaskQueue('skip');
    const test = createTestActivities();
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const handle = await startInterpreter(client, taskQueue, {
        name: 'manual-skip',
        nodes: [
          { id: 'deploy', type: 'test.fail', onFailure: 'manual' },
          { id: 'after', type: 'builtin.noop' },
        ],
        edges: [{ from: 'deploy', to: 'after' }],
      });
      await waitForState(handle, (s) => s.status === 'WAITING');
      const skipped = await handle.executeUpdate(skipNodeUpdate, { args: [{ nodeId: 'deploy', by: 'dave' }] });
      expect(skipped).toMatchObject({ status: 'SKIPPED', skipReason: 'operator' });
      const state = await finalState(handle);
      expect(state.status).toBe('SUCCEEDED');
      expect(state.nodes.after.status).toBe('SUCCEEDED');
      await expect(handle.executeUpdate(skipNodeUpdate, { args: [{ nodeId: 'deploy' }] })).rejects.toThrow();
    });
  });

  it('records a parallel run and a retried run for the replay corpus', async () => {
    const taskQueue = uniqueTaskQueue('record');
    const test = createTestActivities();
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const parallel = await startInterpreter(client, taskQueue, {
        name: 'parallel-record',
        nodes: [
          { id: 'a', type: 'builtin.noop' },
          { id: 'b', type: 'builtin.noop' },
          { id: 'c', type: 'builtin.noop' },
          { id: 'gate', type: 'gateway.exclusive' },
          { id: 'd', type: 'vars.set', with: { x: 1 } },
          { id: 'e', type: 'timer.sleep', with: { duration: '10ms' } },
        ],
        edges: [
          { from: 'a', to: 'gate' },
          { from: 'b', to: 'gate' },
          { from: 'gate', to: 'd', when: 'true' },
          { from: 'gate', to: 'e', default: true },
          { from: 'c', to: 'd' },
        ],
      });
      expect((await finalState(parallel)).status).toBe('SUCCEEDED');
      await recordHistory(parallel, 'parallel');
      const retried = await startInterpreter(client, taskQueue, {
        name: 'retried-record',
        nodes: [{ id: 'flaky', type: 'test.flaky', with: { failTimes: 2 }, retry: { maximumAttempts: 3 } }],
      });
      expect((await finalState(retried)).nodes.flaky.attempts).toBe(3);
      await recordHistory(retried, 'retried');
    });
  });

  it('reports progress to its worker through a sink, without adding history events', async () => {
    const taskQueue = uniqueTaskQueue('progress');
    const test = createTestActivities();
    const recording = recordingProgressSink();
    await withWorker({ taskQueue, activities: test.activities, sinks: recording.sinks }, async () => {
      const handle = await startInterpreter(client, taskQueue, {
        name: 'progress',
        nodes: [
          { id: 'a', type: 'builtin.noop' },
          { id: 'b', type: 'builtin.noop' },
        ],
        edges: [{ from: 'a', to: 'b' }],
      });
      expect((await finalState(handle)).status).toBe('SUCCEEDED');
      const history = await handle.fetchHistory();
      const scheduled = history.events!.filter((e) => e.activityTaskScheduledEventAttributes);
      expect(scheduled.map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name)).toEqual([
        'builtin.noop',
        'builtin.noop',
      ]);
      // No side-effect markers for progress; the one patch marker is the default concurrency cap's.
      const markers = history.events!.filter((e) => e.markerRecordedEventAttributes);
      expect(markers.map((e) => e.markerRecordedEventAttributes!.markerName)).toEqual(['core_patch']);
    });
    const { reports } = recording;
    expect(reports[0].full).toBe(true);
    expect(reports[0].start).toMatchObject({ info: { startedBy: 'jest' }, inputs: {} });
    expect(reports[1].start).toBeUndefined();
    expect(reports[0].nodes.map((n) => n.id)).toEqual(['a', 'b']);
    const transitions = reports.flatMap((r) => r.nodes.map((n) => `${n.id}:${n.status}`));
    expect(transitions).toEqual(expect.arrayContaining(['a:RUNNING', 'a:SUCCEEDED', 'b:RUNNING', 'b:SUCCEEDED']));
    expect(transitions.indexOf('a:SUCCEEDED')).toBeLessThan(transitions.indexOf('b:RUNNING'));
    expect(reports.at(-1)!.run.status).toBe('SUCCEEDED');
    expect(reports.at(-1)!.run.endedAt).toBeDefined();
  });

  it('takes its run id and start time from Temporal when the input leaves them empty (scheduled runs)', async () => {
    const taskQueue = uniqueTaskQueue('identity');
    const test = createTestActivities();
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const definition: Definition = {
        name: 'identity',
        nodes: [{ id: 'a', type: 'builtin.noop', with: { id: '${run.id}' } }],
      };
      const handle = await client.workflow.start('interpreter', {
        taskQueue,
        workflowId: uniqueTaskQueue('identity-wf'),
        args: [
          { plan: testPlan(definition), inputs: {}, run: { id: '', startedBy: 'schedule:nightly', startedAt: '' } },
        ],
      });
      const state = await finalState(handle);
      expect(state.runId).toBe(handle.firstExecutionRunId);
      expect(state.nodes.a.input).toEqual({ id: handle.firstExecutionRunId });
      expect(Date.parse(state.startedAt)).toBeGreaterThan(Date.now() - 60_000);
    });
  });

  it('keeps at most maxConcurrency nodes in flight; a wide fan-out queues', async () => {
    const taskQueue = uniqueTaskQueue('cap');
    const test = createTestActivities();
    const wide = Array.from({ length: 12 }, (_, i) => ({ id: `n${i}`, type: 'test.track' }));
    const state = await withWorker({ taskQueue, activities: test.activities }, async () =>
      finalState(await startInterpreter(client, taskQueue, { name: 'capped', nodes: wide }, {}, { maxConcurrency: 3 })),
    );
    expect(state.status).toBe('SUCCEEDED');
    expect(Object.values(state.nodes).every((n) => n.status === 'SUCCEEDED')).toBe(true);
    expect(test.concurrency.max).toBe(3);
  });
});
