/**
 * Plugin versions side by side, end to end: three versions of one plugin on one real worker, a
 * definition whose nodes pin different versions, validated and compiled against the registry and
 * run by the interpreter on the Temporal dev server. Each node must run the code it names.
 */
import type { Client } from '@temporalio/client';
import { createPluginActivities } from '../../activities/plugin-activities';
import { createBuiltinRegistry } from '../../plugins';
import { definePlugin, type JsonObject } from '../../plugins/sdk';
import { compilePlan } from '../../workflows/definition/compile';
import type { Definition } from '../../workflows/definition/types';
import { validateDefinition } from '../../workflows/definition/validate';
import { finalState, startInterpreter } from '../support/runs';
import { testTemporal, uniqueTaskQueue, withWorker } from '../support/temporal';

const greetInput = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } };

const greetV1 = definePlugin<{ name: string }, JsonObject>({
  type: 'test.greet',
  version: '1.0.0',
  title: 'Greet (v1)',
  deprecated: 'use 2.x: it returns a message instead of a greeting',
  inputSchema: greetInput,
  async execute(_ctx, input) {
    return { greeting: `hello ${input.name}`, ranVersion: '1.0.0' };
  },
});

const greetV1_1 = definePlugin<{ name: string }, JsonObject>({
  type: 'test.greet',
  version: '1.1.0',
  title: 'Greet (v1.1)',
  inputSchema: greetInput,
  async execute(_ctx, input) {
    return { greeting: `hello, ${input.name}`, ranVersion: '1.1.0' };
  },
});

const greetV2 = definePlugin<{ name: string; punctuation?: string }, JsonObject>({
  type: 'test.greet',
  version: '2.0.0',
  title: 'Greet',
  inputSchema: { ...greetInput, properties: { ...greetInput.properties, punctuation: { type: 'string' } } },
  async execute(_ctx, input) {
    return { message: `Hello, ${input.name}${input.punctuation ?? '!'}`, ranVersion: '2.0.0' };
  },
});

const registry = createBuiltinRegistry([greetV1, greetV2, greetV1_1]);

let client: Client;

beforeAll(async () => {
  client = (await testTemporal()).client;
});

describe('plugin versions side by side', () => {
  const definition: Definition = {
    name: 'versions',
    nodes: [
      { id: 'pinned_old', type: 'test.greet', version: '1.0.0', with: { name: 'ops' } },
      { id: 'major_line', type: 'test.greet', version: '1', with: { name: 'ops' } },
      { id: 'newest', type: 'test.greet', with: { name: 'ops', punctuation: '.' } },
    ],
    edges: [],
  };

  it('runs the code of the version each node names, on one worker', async () => {
    const validation = validateDefinition(definition, registry);
    expect(validation.problems).toEqual([]);
    expect(validation.warnings).toEqual([
      {
        path: 'nodes[0].type',
        message: 'plugin test.greet@1.0.0 is deprecated: use 2.x: it returns a message instead of a greeting',
      },
    ]);

    const plan = compilePlan(validation.definition!, registry);
    const taskQueue = uniqueTaskQueue('versions');
    const state = await withWorker({ taskQueue, activities: createPluginActivities({ registry }) }, async () =>
      finalState(await startInterpreter(client, taskQueue, validation.definition!, {}, { plan })),
    );

    expect(state.status).toBe('SUCCEEDED');
    expect(state.nodes.pinned_old.output).toEqual({ greeting: 'hello ops', ranVersion: '1.0.0' });
    expect(state.nodes.major_line.output).toEqual({ greeting: 'hello, ops', ranVersion: '1.1.0' });
    expect(state.nodes.newest.output).toEqual({ message: 'Hello, ops.', ranVersion: '2.0.0' });
  });

  it('checks a node against the schema of the version it names, and refuses a version nobody has', () => {
    const result = validateDefinition(
      {
        name: 'bad-versions',
        nodes: [
          { id: 'old_typed_by_v1', type: 'test.greet', version: '1.0.0', with: { name: 'a', punctuation: 1 } },
          { id: 'new_typed_by_v2', type: 'test.greet', with: { name: 'a', punctuation: 1 } },
          { id: 'future', type: 'test.greet', version: '3.0.0', with: { name: 'a' } },
        ],
        edges: [],
      },
      registry,
    );
    expect(result.problems).toEqual([
      { path: 'nodes[2].version', message: 'plugin test.greet has no version 3.0.0 (known: 2.0.0, 1.1.0, 1.0.0)' },
      { path: 'nodes[1].with.punctuation', message: 'must be string' },
    ]);
  });

  it('lists every version in the catalog, the deprecated one flagged', () => {
    expect(
      registry
        .list()
        .filter((descriptor) => descriptor.type === 'test.greet')
        .map((descriptor) => [descriptor.version, descriptor.deprecated ?? null]),
    ).toEqual([
      ['2.0.0', null],
      ['1.1.0', null],
      ['1.0.0', 'use 2.x: it returns a message instead of a greeting'],
    ]);
  });
});
