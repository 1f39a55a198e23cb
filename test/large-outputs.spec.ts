/**
 * Node outputs larger than the threshold (64 KB) are stored by reference: a 10 MB output never
 * enters the workflow history, a downstream plugin node reads part of it or the whole of it, and
 * an expression the workflow itself would evaluate on it fails with a clear error.
 */
import type { Client } from '@temporalio/client';
import { createPluginActivities } from '../activities/plugin-activities';
import { createMemoryOutputStore } from '../activities/output-store';
import { PluginRegistry } from '../plugins/registry';
import { definePlugin, type JsonObject } from '../plugins/sdk';
import type { Definition } from '../workflows/definition/types';
import { isOutputRef, OUTPUT_BY_REFERENCE_ERROR } from '../workflows/output-ref';
import { finalState, startInterpreter } from './support/runs';
import { testTemporal, uniqueTaskQueue, withWorker } from './support/temporal';

let client: Client;

beforeAll(async () => {
  client = (await testTemporal()).client;
});

const big = definePlugin<{ items: number }>({
  type: 'test.big',
  version: '1.0.0',
  title: 'Big output',
  inputSchema: { type: 'object' },
  execute(_ctx, input) {
    const items = Array.from({ length: input.items }, (_, i) => ({ i, name: `item-${i}`, pad: 'x'.repeat(80) }));
    return Promise.resolve({ items, count: input.items });
  },
});

const received: JsonObject[] = [];
const keep = definePlugin<JsonObject>({
  type: 'test.keep',
  version: '1.0.0',
  title: 'Keeps its input',
  inputSchema: { type: 'object' },
  execute(_ctx, input) {
    received.push(input);
    return Promise.resolve({ size: JSON.stringify(input).length });
  },
});

async function runWithStore(definition: Definition) {
  const taskQueue = uniqueTaskQueue('big');
  const activities = createPluginActivities({
    registry: new PluginRegistry([big, keep]),
    outputStore: createMemoryOutputStore(),
  });
  return withWorker({ taskQueue, activities }, async () => {
    const handle = await startInterpreter(client, taskQueue, definition);
    const state = await finalState(handle);
    const history = await handle.fetchHistory();
    return { state, historyBytes: JSON.stringify(history).length };
  });
}

describe('outputs stored by reference', () => {
  it('keeps a 10 MB output out of the history; a downstream node reads part of it and the whole', async () => {
    received.length = 0;
    const definition: Definition = {
      name: 'big-output',
      nodes: [
        { id: 'produce', type: 'test.big', with: { items: 100_000 } },
        {
          id: 'part',
          type: 'test.keep',
          with: { name: '${nodes.produce.output.items[4242].name}', count: '${nodes.produce.output.count + 1}' },
        },
        { id: 'whole', type: 'test.keep', with: { data: '${nodes.produce.output}' } },
      ],
      edges: [
        { from: 'produce', to: 'part' },
        { from: 'produce', to: 'whole' },
      ],
      outputs: { part: '${nodes.part.output.size}' },
    };
    const { state, historyBytes } = await runWithStore(definition);
    expect(state.status).toBe('SUCCEEDED');
    const output = state.nodes.produce.output;
    expect(isOutputRef(output)).toBe(true);
    expect((output as unknown as { size: number }).size).toBeGreaterThan(10_000_000);
    expect(historyBytes).toBeLessThan(200_000);
    const part = received.find((input) => 'name' in input);
    expect(part).toEqual({ name: 'item-4242', count: 100_001 });
    const whole = received.find((input) => 'data' in input) as { data: { items: unknown[]; count: number } };
    expect(whole.data.count).toBe(100_000);
    expect(whole.data.items).toHaveLength(100_000);
  });

  it('fails a condition that reads a by-reference output with a clear error, not a wrong route', async () => {
    const definition: Definition = {
      name: 'big-condition',
      nodes: [
        { id: 'produce', type: 'test.big', with: { items: 2_000 } },
        { id: 'route', type: 'gateway.exclusive' },
        { id: 'many', type: 'test.keep' },
        { id: 'few', type: 'test.keep' },
      ],
      edges: [
        { from: 'produce', to: 'route' },
        { from: 'route', to: 'many', when: 'nodes.produce.output.count > 1000' },
        { from: 'route', to: 'few', default: true },
      ],
    };
    const { state } = await runWithStore(definition);
    expect(state.status).toBe('FAILED');
    expect(state.nodes.route.status).toBe('FAILED');
    expect(state.nodes.route.error?.type).toBe(OUTPUT_BY_REFERENCE_ERROR);
    expect(state.nodes.route.error?.message).toMatch(/reads nodes\.produce\.output \(\d+ bytes\), stored by reference/);
    expect(state.nodes.few.status).not.toBe('SUCCEEDED');
  });
});
