/**
 * `callback` nodes (issue #4, section 3) on a real Temporal dev server with a real worker: the
 * activity signs a single-use URL, the node state shows it, and the node ends when the activity
 * is completed asynchronously (success with an output, failure with a message) or at its deadline.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { createAwaitCallbackActivities } from '../activities/await-callback';
import { createPluginActivities } from '../activities/plugin-activities';
import { PluginRegistry } from '../plugins/registry';
import { definePlugin } from '../plugins/sdk';
import { signCallbackToken, verifyCallbackToken, type CallbackClaims } from '../activities/callback-token';
import { completeActivity } from '../src/temporal/activity-completion';
import type { RunState } from '../workflows/contract';
import type { Definition } from '../workflows/definition/types';
import { finalState, recordHistory, startInterpreter, waitForState } from './support/runs';
import { createTestActivities } from './support/test-activities';
import { testTemporal, uniqueTaskQueue, withWorker } from './support/temporal';

let client: Client;
const key = randomBytes(32);
const BASE = 'https://switchyard.test';

beforeAll(async () => {
  client = (await testTemporal()).client;
});

const definition = (deadline = '1m'): Definition => ({
  name: 'callback',
  nodes: [
    { id: 'wait', type: 'callback', name: 'Wait for CI', with: { deadline, message: 'POST the build result' } },
    { id: 'after', type: 'builtin.noop', with: { artifact: '${nodes.wait.output.artifact}' } },
  ],
  edges: [{ from: 'wait', to: 'after' }],
  outputs: { artifact: '${nodes.after.output.artifact}' },
});

/** Runs `fn` with a worker that hosts the test activities and the callback activity. */
async function withCallbackWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = uniqueTaskQueue('callback-node');
  const activities = {
    ...createTestActivities().activities,
    ...createAwaitCallbackActivities({ key, baseUrl: BASE, client }),
  };
  return withWorker({ taskQueue, activities }, () => fn(taskQueue));
}

/** The claims behind the URL shown in the node state. */
function claimsOf(state: RunState): CallbackClaims {
  const url = state.nodes.wait.callback!.url;
  expect(url.startsWith(`${BASE}/callbacks/`)).toBe(true);
  const checked = verifyCallbackToken(key, url.slice(`${BASE}/callbacks/`.length), Date.now());
  if ('problem' in checked) throw new Error(`token refused: ${checked.problem}`);
  return checked.claims;
}

describe('callback nodes', () => {
  it('shows a signed URL in the node state and succeeds with the payload as the node output', async () => {
    await withCallbackWorker(async (taskQueue) => {
      const handle = await startInterpreter(client, taskQueue, definition());
      const waiting = await waitForState(handle, (s) => s.nodes.wait.callback !== undefined);
      expect(waiting.nodes.wait).toMatchObject({
        status: 'RUNNING',
        callback: { nodeId: 'wait', message: 'POST the build result', expiresAt: expect.any(String) },
      });
      const claims = claimsOf(waiting);
      expect(claims).toMatchObject({ workflowId: handle.workflowId, activityId: 'wait', nodeId: 'wait' });
      expect(Date.parse(waiting.nodes.wait.callback!.expiresAt) - Date.now()).toBeGreaterThan(30_000);

      await expect(
        completeActivity({ client }, claims, { status: 'success', output: { artifact: 'a-42' } }),
      ).resolves.toBe('completed');
      const state = await finalState(handle);
      expect(state.status).toBe('SUCCEEDED');
      expect(state.nodes.wait.output).toEqual({ artifact: 'a-42' });
      expect(state.outputs).toEqual({ artifact: 'a-42' });
      // Temporal no longer waits: a second completion finds nothing.
      await expect(completeActivity({ client }, claims, { status: 'success', output: null })).resolves.toBe('gone');
      await recordHistory(handle, 'callback-completed');
    });
  });

  it('fails the node with the message the external system sends', async () => {
    await withCallbackWorker(async (taskQueue) => {
      const handle = await startInterpreter(client, taskQueue, definition());
      const waiting = await waitForState(handle, (s) => s.nodes.wait.callback !== undefined);
      await completeActivity({ client }, claimsOf(waiting), { status: 'failure', message: 'tests failed: 3 of 120' });
      const state = await finalState(handle);
      expect(state.status).toBe('FAILED');
      expect(state.nodes.wait.error).toEqual({ type: 'CallbackFailure', message: 'tests failed: 3 of 120' });
      expect(state.nodes.after.status).toBe('CANCELLED');
      await recordHistory(handle, 'callback-failed');
    });
  });

  it('fails the node at its deadline when nobody calls back', async () => {
    await withCallbackWorker(async (taskQueue) => {
      const handle = await startInterpreter(client, taskQueue, definition('2s'));
      const state = await finalState(handle);
      expect(state.status).toBe('FAILED');
      expect(state.nodes.wait.error).toEqual({
        type: 'CallbackDeadlineExceeded',
        message: 'no callback before the deadline (2s)',
      });
      expect(state.nodes.wait.callback?.url).toContain('/callbacks/');
    });
  });

  it('runs a foreach of callbacks: one URL per item, outputs in order', async () => {
    await withCallbackWorker(async (taskQueue) => {
      const handle = await startInterpreter(client, taskQueue, {
        name: 'callbacks-each',
        nodes: [
          { id: 'wait', type: 'callback', with: { message: 'host ${item}' }, foreach: { items: "${['a', 'b']}" } },
        ],
      });
      const waiting = await waitForState(handle, (s) => Object.keys(s.nodes.wait.itemCallbacks ?? {}).length === 2);
      const urls = waiting.nodes.wait.itemCallbacks!;
      expect(urls['wait[1]'].message).toBe('host b');
      for (const [instance, info] of Object.entries(urls).reverse()) {
        const checked = verifyCallbackToken(key, info.url.split('/callbacks/')[1], Date.now());
        if ('problem' in checked) throw new Error(checked.problem);
        expect(checked.claims.activityId).toBe(instance);
        await completeActivity({ client }, checked.claims, { status: 'success', output: { instance } });
      }
      const state = await finalState(handle);
      expect(state.nodes.wait.output).toEqual([{ instance: 'wait[0]' }, { instance: 'wait[1]' }]);
    });
  });
});

describe('plugins completed by callback', () => {
  it('hands execute ctx.callback, shows the URL in the node state and ends the node when it is called', async () => {
    const seen: Array<{ url?: string; expiresAt?: string }> = [];
    const ticket = definePlugin({
      type: 'test.ticket',
      version: '1.0.0',
      title: 'Opens a ticket and waits for it to be closed',
      inputSchema: { type: 'object' },
      completion: 'callback',
      execute(ctx) {
        seen.push({ ...ctx.callback });
        return Promise.resolve({ ignored: true });
      },
    });
    const taskQueue = uniqueTaskQueue('callback-plugin');
    const callbacks = { key, baseUrl: BASE, client };
    const activities = {
      ...createPluginActivities({ registry: new PluginRegistry([ticket]), callbacks }),
      ...createAwaitCallbackActivities(callbacks),
    };
    await withWorker({ taskQueue, activities }, async () => {
      const handle = await startInterpreter(client, taskQueue, {
        name: 'ticket',
        nodes: [{ id: 'open', type: 'test.ticket', with: {}, timeout: { startToClose: '10m' } }],
        outputs: { closedBy: '${nodes.open.output.by}' },
      });
      const waiting = await waitForState(handle, (s) => s.nodes.open.callback !== undefined);
      expect(seen).toHaveLength(1);
      expect(waiting.nodes.open.callback).toMatchObject({
        nodeId: 'open',
        url: seen[0].url,
        expiresAt: seen[0].expiresAt,
      });
      expect(waiting.nodes.open.status).toBe('RUNNING');
      const checked = verifyCallbackToken(key, seen[0].url!.split('/callbacks/')[1], Date.now());
      if ('problem' in checked) throw new Error(checked.problem);
      await completeActivity({ client }, checked.claims, { status: 'success', output: { by: 'ops' } });
      const state = await finalState(handle);
      expect(state.status).toBe('SUCCEEDED');
      expect(state.outputs).toEqual({ closedBy: 'ops' });
    });
  });
});

describe(verifyCallbackToken.name, () => {
  it('refuses a forged signature, a tampered claim, an expired token and garbage', () => {
    const claims = {
      workflowId: 'w',
      runId: 'r',
      activityId: 'a',
      switchyardRunId: 's',
      nodeId: 'a',
      expiresAt: Date.now() + 60_000,
    };
    const token = signCallbackToken(key, claims);
    expect(verifyCallbackToken(key, token, Date.now())).toMatchObject({ claims });
    expect(verifyCallbackToken(randomBytes(32), token, Date.now())).toEqual({ problem: 'forged' });
    const [version, body, signature] = token.split('.');
    const tampered = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body, 'base64url').toString()), activityId: 'other' }),
    ).toString('base64url');
    expect(verifyCallbackToken(key, `${version}.${tampered}.${signature}`, Date.now())).toEqual({ problem: 'forged' });
    expect(verifyCallbackToken(key, token, claims.expiresAt + 1)).toMatchObject({ problem: 'expired', claims });
    expect(verifyCallbackToken(key, 'nonsense', Date.now())).toEqual({ problem: 'malformed' });
    expect(signCallbackToken(key, claims)).not.toBe(token);
  });
});
