/**
 * Polling plugins (issue 5, section 1) on the real dev server: a custom plugin folder's polling
 * plugin starts a job on a real HTTP job server, then is checked on durable timers (growing by its
 * backoff) until the job is done; cancelling the run reaches the job server's cancel endpoint.
 */
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { createPluginActivities } from '../../activities/plugin-activities';
import { BUILTIN_PLUGINS, createBuiltinRegistry } from '../../plugins';
import { loadPluginsFromFolders } from '../../plugins/loader';
import type { PluginRegistry } from '../../plugins/registry';
import { definePollingPlugin } from '../../plugins/sdk';
import { cancelSignal } from '../../workflows/contract';
import { activityPlanOf } from '../../workflows/plan';
import { compilePlan } from '../../workflows/definition/compile';
import type { Definition } from '../../workflows/definition/types';
import { validateDefinition } from '../../workflows/definition/validate';
import { finalState, recordHistory, startInterpreter, waitForState } from '../support/runs';
import { testTemporal, uniqueTaskQueue, withWorker } from '../support/temporal';
import { startJobServer, type JobServer } from './support/job-server';

const PLUGIN_DIR = join(__dirname, 'fixtures', 'platform-plugins', 'http-job');

/** A plugin whose job never ends in time: its poll gives up after 300 ms. */
const impatient = definePollingPlugin<{ server: string; name: string }, { [key: string]: string }, { id: string }>({
  type: 'acme.impatient-job',
  version: '1.0.0',
  title: 'Waits 300 ms at most',
  inputSchema: { type: 'object', required: ['server', 'name'] },
  poll: { interval: '100ms', timeout: '300ms' },
  async execute(_ctx, input) {
    const response = await fetch(`${input.server}/jobs`, {
      method: 'POST',
      body: JSON.stringify({ name: input.name, steps: 1000 }),
    });
    return { pending: { id: ((await response.json()) as { id: string }).id } };
  },
  check: (_ctx, _input, state) => Promise.resolve({ pending: state }),
  async cancel(_ctx, input, state) {
    await fetch(`${input.server}/jobs/${state.id}`, { method: 'DELETE' });
  },
});

interface Events {
  activities: string[];
  timers: number[];
}

async function eventsOf(handle: WorkflowHandle): Promise<Events> {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  return {
    activities: events
      .map((event) => event.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter((name): name is string => typeof name === 'string'),
    timers: events
      .map((event) => event.timerStartedEventAttributes?.startToFireTimeout)
      .filter((timeout) => timeout != null)
      .map((timeout) => Number(timeout.seconds ?? 0) * 1000 + Math.round((timeout.nanos ?? 0) / 1e6)),
  };
}

describe('polling plugins', () => {
  let client: Client;
  let jobs: JobServer;
  let registry: PluginRegistry;
  let taskQueue: string;

  beforeAll(async () => {
    client = (await testTemporal()).client;
    jobs = await startJobServer();
    const loaded = await loadPluginsFromFolders([PLUGIN_DIR], { existing: BUILTIN_PLUGINS });
    expect(loaded.errors).toEqual([]);
    registry = createBuiltinRegistry([...loaded.plugins, impatient]);
    taskQueue = uniqueTaskQueue('polling');
  });
  afterAll(() => jobs.close());

  const definitionOf = (name: string, node: object): Definition => {
    const validation = validateDefinition(
      { name, nodes: [node, { id: 'after', type: 'builtin.noop', with: {} }], edges: [{ from: 'job', to: 'after' }] },
      registry,
    );
    expect(validation.problems).toEqual([]);
    return validation.definition!;
  };

  const serve = <T>(fn: () => Promise<T>) =>
    withWorker({ taskQueue, activities: createPluginActivities({ registry }) }, fn);

  it('compiles the poll spec into the plan', () => {
    const definition = definitionOf('poll-plan', {
      id: 'job',
      type: 'acme.http-job',
      with: { server: 'x', name: 'p' },
    });
    expect(activityPlanOf(compilePlan(definition, registry), 'job')?.poll).toEqual({
      intervalMs: 100,
      backoffCoefficient: 2,
      maxIntervalMs: 400,
      timeoutMs: 300_000,
      checkType: 'acme.http-job.check',
      cancelType: 'acme.http-job.cancel',
    });
  });

  it('starts the job, checks it on timers growing by the backoff up to the cap, and ends with its result', async () => {
    const definition = definitionOf('poll-done', {
      id: 'job',
      type: 'acme.http-job',
      name: 'Build on the job server',
      with: { server: jobs.url, name: 'build-42', steps: 5 },
    });
    const { handle, state } = await serve(async () => {
      const handle = await startInterpreter(
        client,
        taskQueue,
        definition,
        {},
        { plan: compilePlan(definition, registry) },
      );
      return { handle, state: await finalState(handle) };
    });
    expect(state.status).toBe('SUCCEEDED');
    expect(state.nodes.job).toMatchObject({
      status: 'SUCCEEDED',
      output: { name: 'build-42', checks: 5 },
      poll: { checks: 5 },
    });
    const job = jobs.byName('build-42')!;
    expect(job).toMatchObject({ checks: 5, cancelled: false });
    expect(jobs.requests.filter((line) => line.endsWith(`/jobs/${job.id}`))).toEqual(
      Array(5).fill(`GET /jobs/${job.id}`),
    );

    const { activities, timers } = await eventsOf(handle);
    expect(activities).toEqual(['acme.http-job', ...Array<string>(5).fill('acme.http-job.check'), 'builtin.noop']);
    // 100 ms, then x2 each time, capped at 400 ms: durable timers, no activity waiting in between.
    expect(timers).toEqual([100, 200, 400, 400, 400]);
    await recordHistory(handle, 'polling');
  });

  it('cancelling the run stops the loop and reaches the plugin cancel (the job server DELETE)', async () => {
    const definition = definitionOf('poll-cancel', {
      id: 'job',
      type: 'acme.http-job',
      with: { server: jobs.url, name: 'forever', steps: 100_000 },
    });
    const { handle, state } = await serve(async () => {
      const handle = await startInterpreter(
        client,
        taskQueue,
        definition,
        {},
        { plan: compilePlan(definition, registry) },
      );
      // The node's state tells how the polling goes: checks done, the next one, the plugin's state.
      const polling = await waitForState(handle, (current) => (current.nodes.job.poll?.checks ?? 0) >= 2);
      expect(polling.nodes.job).toMatchObject({
        status: 'RUNNING',
        poll: { state: { id: jobs.byName('forever')!.id }, nextCheckAt: expect.any(String) },
      });
      await handle.signal(cancelSignal, { by: 'jest', reason: 'no longer needed' });
      return { handle, state: await finalState(handle) };
    });
    expect(state.status).toBe('CANCELLED');
    expect(state.nodes.job.status).toBe('CANCELLED');
    expect(state.nodes.after.status).toBe('CANCELLED');
    const job = jobs.byName('forever')!;
    expect(job.cancelled).toBe(true);
    expect(jobs.requests).toContain(`DELETE /jobs/${job.id}`);
    const { activities } = await eventsOf(handle);
    expect(activities.filter((name) => name === 'acme.http-job.cancel')).toHaveLength(1);
    await recordHistory(handle, 'polling-cancelled');
  });

  it('fails the node with PollTimeout after the poll timeout, cancelling the job', async () => {
    const definition = definitionOf('poll-timeout', {
      id: 'job',
      type: 'acme.impatient-job',
      with: { server: jobs.url, name: 'slowpoke' },
    });
    const state = await serve(async () =>
      finalState(
        await startInterpreter(client, taskQueue, definition, {}, { plan: compilePlan(definition, registry) }),
      ),
    );
    expect(state.status).toBe('FAILED');
    expect(state.nodes.job).toMatchObject({ status: 'FAILED', error: { type: 'PollTimeout' } });
    expect(jobs.byName('slowpoke')!.cancelled).toBe(true);
  });
});
