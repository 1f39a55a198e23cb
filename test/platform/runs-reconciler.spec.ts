/**
 * The reconciler makes PostgreSQL agree with Temporal after crashes: a worker whose progress never
 * reached the database (here: a worker whose progress sink drops every report), a run whose start
 * was interrupted between the row and the workflow, a workflow ended from Temporal itself.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { ReconcilerService } from '../../src/runs/reconciler.service';
import { RunControlService } from '../../src/runs/run-control.service';
import type { RunState } from '../../workflows/contract';
import { testPlatformClient } from '../support/payload-keys';
import { uniqueTaskQueue } from '../support/temporal';
import { startTestApp, type TestApp } from './support/app';
import { queryDatabase } from './support/database';
import { Fixtures } from './support/fixtures';
import { createTemplate, nodeStatuses, RUN_FIELDS, type RunView } from './support/runs';
import { startTestWorker, type TestWorker } from './support/worker';

const START_RUN = `mutation($input: StartRunInput!) { startRun(input: $input) { ${RUN_FIELDS} } }`;
const RUN = `query($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`;

const CHAIN = {
  name: 'reconcile-chain',
  inputs: { word: { type: 'string', default: 'hi' } },
  nodes: [
    { id: 'first', type: 'builtin.noop', with: { word: '${inputs.word}' } },
    { id: 'second', type: 'shell.exec', with: { command: 'echo ${nodes.first.output.word}' } },
    { id: 'third', type: 'builtin.noop', with: { said: '${nodes.second.output.stdout}' } },
  ],
  edges: [
    { from: 'first', to: 'second' },
    { from: 'second', to: 'third' },
  ],
  outputs: { said: '${nodes.third.output.said}' },
};

const MANUAL = {
  name: 'reconcile-manual',
  nodes: [
    { id: 'ok', type: 'builtin.noop' },
    { id: 'broken', type: 'shell.exec', with: { command: 'exit 1' }, onFailure: 'manual' },
  ],
  edges: [{ from: 'ok', to: 'broken' }],
};

const SLOW = {
  name: 'reconcile-slow',
  nodes: [
    { id: 'nap', type: 'shell.exec', with: { command: 'sleep 60' }, timeout: { heartbeat: '10s' } },
    { id: 'after', type: 'builtin.noop' },
  ],
  edges: [{ from: 'nap', to: 'after' }],
};

describe('reconciler', () => {
  let api: TestApp;
  let worker: TestWorker;
  let temporal: Client;
  let reconciler: ReconcilerService;
  let admin: string;
  let projectId: string;
  let chainTemplate: string;

  beforeAll(async () => {
    temporal = await testPlatformClient();
    const taskQueue = uniqueTaskQueue('reconcile');
    api = await startTestApp({
      config: {
        temporal: { address: process.env.SWITCHYARD_TEST_TEMPORAL_ADDRESS, namespace: 'default', taskQueue },
        logLevel: 'warn',
      },
    });
    // Progress never reaches PostgreSQL from this worker: only the reconciler can tell the database.
    worker = await startTestWorker({ databaseUrl: api.db.url, taskQueue, recorder: false });
    reconciler = api.app.get(ReconcilerService);
    const fixtures = new Fixtures(api);
    admin = await fixtures.admin();
    projectId = await fixtures.project('reconciled');
    chainTemplate = await createTemplate(api, admin, projectId, CHAIN);
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.close();
  });

  async function start(templateId: string, inputs: Record<string, unknown> = {}): Promise<RunView> {
    const result = await api.gql<{ startRun: RunView }>(START_RUN, { input: { templateId, inputs } }, admin);
    if (!result.data?.startRun) throw new Error(`startRun: ${JSON.stringify(result.errors)}`);
    return result.data.startRun;
  }

  async function stored(id: string): Promise<RunView> {
    return (await api.gql<{ run: RunView }>(RUN, { id }, admin)).data!.run;
  }

  it('keeps stored node inputs and outputs when a state comes without them (too large for Temporal)', async () => {
    const run = await start(chainTemplate, { word: 'kept' });
    const state = (await temporal.workflow.getHandle(run.temporalWorkflowId).result()) as RunState;
    await reconciler.reconcile();
    const before = (await stored(run.id)).nodes.find((node) => node.nodeId === 'first')!;
    expect(before).toMatchObject({ input: { word: 'kept' }, output: { word: 'kept' }, attempts: 1 });

    // What the interpreter sends for a state over its payload limit: no inputs or outputs, `omitted` set.
    const bounded: RunState = { ...state, omitted: 'node inputs and outputs left out', nodes: {} };
    for (const [id, node] of Object.entries(state.nodes)) {
      const { input: _input, output: _output, ...rest } = node;
      bounded.nodes[id] = { ...rest, attempts: rest.attempts + 1 };
    }
    const control = api.app.get(RunControlService);
    await control.writeState(run.id, bounded);
    const kept = (await stored(run.id)).nodes.find((node) => node.nodeId === 'first')!;
    expect(kept).toMatchObject({ input: { word: 'kept' }, output: { word: 'kept' }, attempts: 2 });

    // A whole state still says what it says: an output it lacks is gone.
    const { output: _gone, ...withoutOutput } = state.nodes.first;
    await control.writeState(run.id, { ...state, nodes: { ...state.nodes, first: withoutOutput } });
    expect((await stored(run.id)).nodes.find((node) => node.nodeId === 'first')!.output).toBeNull();
  });

  it('brings a run that finished without the recorder to SUCCEEDED with all its nodes', async () => {
    const run = await start(chainTemplate, { word: 'lost' });
    await temporal.workflow.getHandle(run.temporalWorkflowId).result();
    const before = await stored(run.id);
    expect(before.status).toBe('PENDING');
    expect(before.nodes).toEqual([]);

    const report = await reconciler.reconcile();
    expect(report.failed).toBe(0);
    expect(report.updated).toBeGreaterThanOrEqual(1);

    const after = await stored(run.id);
    expect(after.status).toBe('SUCCEEDED');
    expect(nodeStatuses(after)).toEqual({ first: 'SUCCEEDED', second: 'SUCCEEDED', third: 'SUCCEEDED' });
    expect(after.outputs).toEqual({ said: 'lost\n' });
    expect(after.endedAt).toBeTruthy();
    expect(after.nodes.find((node) => node.nodeId === 'second')!.output).toMatchObject({ stdout: 'lost\n' });

    // A second pass finds nothing to do: the row is terminal.
    const again = await reconciler.reconcile();
    expect(again.updated).toBe(0);
  });

  it('writes the live state of a running run (here: waiting for an operator)', async () => {
    const templateId = await createTemplate(api, admin, projectId, MANUAL);
    const run = await start(templateId);
    const handle = temporal.workflow.getHandle(run.temporalWorkflowId);
    for (let i = 0; i < 200; i += 1) {
      if ((await handle.query<{ status: string }>('state')).status === 'WAITING') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await reconciler.reconcile();
    const after = await stored(run.id);
    expect(after.status).toBe('WAITING');
    expect(nodeStatuses(after)).toEqual({ ok: 'SUCCEEDED', broken: 'FAILED' });
    expect(after.nodes.find((node) => node.nodeId === 'broken')).toMatchObject({
      waitingFor: 'operator',
      error: { type: 'ShellExitError' },
    });
    await handle.signal('cancel', { by: 'jest' });
    await handle.result().catch(() => undefined);
    await reconciler.reconcile();
    expect((await stored(run.id)).status).toBe('CANCELLED');
  });

  it('starts a PENDING run whose start was interrupted, once it is a minute old, under the same workflow id', async () => {
    const [version] = await queryDatabase<{ id: string }>(
      api.db.url,
      'SELECT id FROM template_versions WHERE template_id = $1 AND version = 1',
      [chainTemplate],
    );
    const insert = async (age: string) => {
      const id = randomUUID();
      await queryDatabase(
        api.db.url,
        `INSERT INTO runs (id, project_id, template_id, template_version_id, version, workflow_id, status, inputs,
                           started_by, created_at)
         VALUES ($1, $2, $3, $4, 1, $5, 'PENDING', $6, 'admin', now() - $7::interval)`,
        [id, projectId, chainTemplate, version.id, `reconcile-chain-${id}`, JSON.stringify({ word: 'orphan' }), age],
      );
      return id;
    };
    const orphan = await insert('2 minutes');
    const fresh = await insert('5 seconds');

    const report = await reconciler.reconcile();
    expect(report.started).toBe(1);
    const handle = temporal.workflow.getHandle(`reconcile-chain-${orphan}`);
    const result = (await handle.result()) as { status: string; run?: unknown };
    expect(result.status).toBe('SUCCEEDED');
    // The fresh row may still be starting in the API that inserted it: left alone.
    await expect(temporal.workflow.getHandle(`reconcile-chain-${fresh}`).describe()).rejects.toThrow(/not found/i);

    const [row] = await queryDatabase<{ temporal_run_id: string }>(
      api.db.url,
      'SELECT temporal_run_id FROM runs WHERE id = $1',
      [orphan],
    );
    expect(row.temporal_run_id).toBe((await handle.describe()).runId);
    await reconciler.reconcile();
    const after = await stored(orphan);
    expect(after.status).toBe('SUCCEEDED');
    expect(after.outputs).toEqual({ said: 'orphan\n' });
    expect(nodeStatuses(after)).toEqual({ first: 'SUCCEEDED', second: 'SUCCEEDED', third: 'SUCCEEDED' });
    expect((await stored(fresh)).status).toBe('PENDING');
    await queryDatabase(api.db.url, 'DELETE FROM runs WHERE id = $1', [fresh]);
  });

  it('records a run cancelled from the Temporal UI as CANCELLED, and a terminated one as FAILED', async () => {
    const templateId = await createTemplate(api, admin, projectId, SLOW);
    const cancelled = await start(templateId);
    const terminated = await start(templateId);
    const waitRunning = async (workflowId: string) => {
      const handle = temporal.workflow.getHandle(workflowId);
      for (let i = 0; i < 200; i += 1) {
        const state = await handle.query<{ nodes: Record<string, { status: string }> }>('state');
        if (state.nodes.nap.status === 'RUNNING') return handle;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('never running');
    };
    const cancelHandle = await waitRunning(cancelled.temporalWorkflowId);
    const terminateHandle = await waitRunning(terminated.temporalWorkflowId);
    await cancelHandle.cancel();
    await terminateHandle.terminate('stuck host');
    await cancelHandle.result().catch(() => undefined);

    await reconciler.reconcile();
    const afterCancel = await stored(cancelled.id);
    expect(afterCancel.status).toBe('CANCELLED');
    expect(nodeStatuses(afterCancel)).toEqual({ nap: 'CANCELLED', after: 'CANCELLED' });
    const afterTerminate = await stored(terminated.id);
    expect(afterTerminate.status).toBe('FAILED');
    expect(afterTerminate.error).toEqual({ type: 'Terminated', message: expect.stringContaining('stuck host') });
    expect(nodeStatuses(afterTerminate)).toEqual({ nap: 'CANCELLED', after: 'CANCELLED' });
  });
});
