/**
 * `foreach` on a node (issue #4, section 4) on a real Temporal dev server with a real worker: one
 * activity per item under a concurrency limit, outputs in input order, failures and a retry that
 * runs only the failed items, and the maxItems bound.
 */
import type { Client } from '@temporalio/client';
import { retryNodeUpdate } from '../workflows/contract';
import type { Definition } from '../workflows/definition/types';
import { finalState, recordHistory, startInterpreter, waitForState } from './support/runs';
import { createTestActivities } from './support/test-activities';
import { testTemporal, uniqueTaskQueue, withWorker } from './support/temporal';

let client: Client;

beforeAll(async () => {
  client = (await testTemporal()).client;
});

describe('foreach', () => {
  it('runs 50 items at most 5 at once and collects their outputs in input order', async () => {
    const taskQueue = uniqueTaskQueue('foreach');
    const test = createTestActivities();
    const hosts = Array.from({ length: 50 }, (_, i) => `host-${i}`);
    const definition: Definition = {
      name: 'foreach-fifty',
      inputs: { hosts: { type: 'array' } },
      nodes: [
        {
          id: 'deploy',
          type: 'test.trackEcho',
          name: 'Deploy',
          with: { host: '${item}', position: '${index}', label: '${item}-${index}' },
          foreach: { items: '${inputs.hosts}', concurrency: 5 },
        },
        { id: 'after', type: 'builtin.noop', with: { count: '${size(nodes.deploy.output)}' } },
      ],
      edges: [{ from: 'deploy', to: 'after' }],
      outputs: { last: '${nodes.deploy.output[49].host}' },
    };
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const handle = await startInterpreter(client, taskQueue, definition, { hosts });
      const state = await finalState(handle);
      expect(state.status).toBe('SUCCEEDED');
      expect(state.nodes.deploy.output).toEqual(hosts.map((host, i) => ({ host, position: i, label: `${host}-${i}` })));
      expect(state.nodes.deploy.items).toEqual({ total: 50, succeeded: 50, failed: 0, running: 0 });
      expect(state.nodes.deploy.attempts).toBe(50);
      expect(state.nodes.after.output).toEqual({ count: 50 });
      expect(state.outputs).toEqual({ last: 'host-49' });
      expect(test.executions.filter((e) => e.nodeId === 'deploy')).toHaveLength(50);
      expect(test.concurrency.max).toBeLessThanOrEqual(5);
      expect(test.concurrency.max).toBeGreaterThan(1);

      // Each item is its own activity, `deploy[i]`, summarised with its index for the Temporal UI.
      const history = await handle.fetchHistory();
      const scheduled = history.events!.filter((e) => e.activityTaskScheduledEventAttributes);
      const ids = scheduled.map((e) => e.activityTaskScheduledEventAttributes!.activityId);
      expect(ids.filter((id) => id!.startsWith('deploy['))).toHaveLength(50);
      expect(ids).toEqual(expect.arrayContaining(['deploy[0]', 'deploy[49]']));
      await recordHistory(handle, 'foreach');
    });
  });

  it('stops at a failed item, fails naming the failed indexes, and a retry runs only those', async () => {
    const taskQueue = uniqueTaskQueue('foreach-retry');
    const test = createTestActivities();
    test.closedGates.add('k2').add('k4');
    const definition: Definition = {
      name: 'foreach-retry',
      nodes: [
        {
          id: 'each',
          type: 'test.gate',
          with: { key: 'k${index}', value: '${item * 10}' },
          foreach: { items: '${[0, 1, 2, 3, 4, 5]}', concurrency: 6 },
          onFailure: 'manual',
        },
      ],
      outputs: { values: '${nodes.each.output.map(o, o.value)}' },
    };
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const handle = await startInterpreter(client, taskQueue, definition);
      const failed = await waitForState(handle, (s) => s.nodes.each.waitingFor === 'operator');
      expect(failed.nodes.each.status).toBe('FAILED');
      expect(failed.nodes.each.error).toEqual({
        type: 'ForeachItemsFailed',
        message: '2 of 6 items failed (items 2, 4); item 2: GateClosed: gate k2 is closed',
      });
      expect(failed.nodes.each.items).toMatchObject({ total: 6, succeeded: 4, failed: 2, failedIndexes: [2, 4] });

      test.closedGates.clear();
      await handle.executeUpdate(retryNodeUpdate, { args: [{ nodeId: 'each', by: 'olga' }] });
      const state = await finalState(handle);
      expect(state.status).toBe('SUCCEEDED');
      expect(state.outputs).toEqual({ values: [0, 10, 20, 30, 40, 50] });
      expect(state.nodes.each.items).toEqual({ total: 6, succeeded: 6, failed: 0, running: 0 });
      const runsPerKey = new Map<string, number>();
      for (const e of test.executions) {
        const key = (e.input as { key: string }).key;
        runsPerKey.set(key, (runsPerKey.get(key) ?? 0) + 1);
      }
      expect(Object.fromEntries(runsPerKey)).toEqual({ k0: 1, k1: 1, k2: 2, k3: 1, k4: 2, k5: 1 });
      const history = await handle.fetchHistory();
      const ids = history
        .events!.filter((e) => e.activityTaskScheduledEventAttributes)
        .map((e) => e.activityTaskScheduledEventAttributes!.activityId);
      expect(ids).toEqual(expect.arrayContaining(['each[2]#2', 'each[4]#2']));
      expect(ids).not.toContain('each[0]#2');
      await recordHistory(handle, 'foreach-retry');
    });
  });

  it('fails a node with more items than maxItems, with a clear error, before running any', async () => {
    const taskQueue = uniqueTaskQueue('foreach-max');
    const test = createTestActivities();
    const definition: Definition = {
      name: 'foreach-max',
      nodes: [
        {
          id: 'many',
          type: 'builtin.noop',
          with: { n: '${item}' },
          foreach: { items: '${inputs.list}', maxItems: 3 },
        },
      ],
      inputs: { list: { type: 'array' } },
    };
    const state = await withWorker({ taskQueue, activities: test.activities }, async () =>
      finalState(await startInterpreter(client, taskQueue, definition, { list: [1, 2, 3, 4, 5] })),
    );
    expect(state.status).toBe('FAILED');
    expect(state.nodes.many.error).toEqual({ type: 'ForeachTooManyItems', message: '5 items, maxItems is 3' });
    expect(test.executions).toHaveLength(0);
  });

  it('gives an empty list for no items, and fails a non-list', async () => {
    const taskQueue = uniqueTaskQueue('foreach-empty');
    const test = createTestActivities();
    const definition = (items: string): Definition => ({
      name: 'foreach-empty',
      nodes: [{ id: 'none', type: 'builtin.noop', with: { n: '${item}' }, foreach: { items } }],
    });
    await withWorker({ taskQueue, activities: test.activities }, async () => {
      const empty = await finalState(await startInterpreter(client, taskQueue, definition('${[]}')));
      expect(empty.status).toBe('SUCCEEDED');
      expect(empty.nodes.none.output).toEqual([]);
      const notList = await finalState(await startInterpreter(client, taskQueue, definition("${'abc'}")));
      expect(notList.nodes.none.error).toEqual({
        type: 'ForeachItemsNotAList',
        message: 'foreach.items gave string, not a list',
      });
    });
  });
});
