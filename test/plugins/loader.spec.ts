/**
 * Custom plugins loaded from folders and npm packages (fixtures under test/plugins/fixtures/),
 * validated, and run as nodes by a real worker on the Temporal dev server.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { createPluginActivities } from '../../activities/plugin-activities';
import { BUILTIN_PLUGINS, createBuiltinRegistry } from '../../plugins';
import { loadPluginsFromFolders } from '../../plugins/loader';
import { compilePlan } from '../../workflows/definition/compile';
import { validateDefinition } from '../../workflows/definition/validate';
import { finalState, startInterpreter } from '../support/runs';
import { testTemporal, uniqueTaskQueue, withWorker } from '../support/temporal';
import { runPlugin } from '../../plugins/sdk/testing';

const FIXTURES = join(__dirname, 'fixtures', 'custom-plugins');
const at = (name: string) => join(FIXTURES, name);

describe(loadPluginsFromFolders.name, () => {
  it('loads every good plugin folder and names each broken one, the others unaffected', async () => {
    const { plugins, errors } = await loadPluginsFromFolders([FIXTURES], { existing: BUILTIN_PLUGINS });

    expect(plugins.map((plugin) => `${plugin.type}@${plugin.version}`).sort()).toEqual([
      'acme.echo@3.1.0',
      'acme.fail@1.0.0',
      'acme.hello@1.0.0',
      'acme.text-upper@0.2.0',
    ]);
    expect(errors).toEqual([
      {
        source: at('broken-half'),
        message: 'plugins[1] acme.half-bad@1.0.0: execute is not a function',
      },
      {
        source: at('broken-no-export'),
        message: 'exports no plugin: export a Plugin, or an array of them, as module.exports, default or plugins',
      },
      {
        source: at('broken-schema'),
        message: expect.stringMatching(
          /^plugin acme\.bad-schema@1\.0\.0: inputSchema does not compile: schema is invalid: data\/properties\/count\/type /,
        ),
      },
      { source: at('broken-throws'), message: 'could not be loaded: ACME_API_URL is not set' },
      {
        source: at('duplicate-builtin'),
        message: 'plugin builtin.noop@1.0.0 is already registered by built-in',
      },
      {
        source: at('no-index'),
        message: 'has no index (package.json, index.js, index.cjs, index.mjs, index.ts)',
      },
    ]);
    // What loaded is usable as is: the registry takes it beside the built-ins.
    expect(createBuiltinRegistry(plugins).find('acme.hello')?.title).toBe('Say hello');
  });

  it('loads one plugin folder named directly, and runs what it loaded', async () => {
    const { plugins, errors } = await loadPluginsFromFolders([at('good-ts')]);
    expect(errors).toEqual([]);
    const upper = plugins.find((plugin) => plugin.type === 'acme.text-upper')!;
    await expect(runPlugin(upper, { text: 'deploy' })).resolves.toEqual({ text: 'DEPLOY' });
  });

  it('refuses a plugin repeated across folders, keeping the first', async () => {
    const { plugins, errors } = await loadPluginsFromFolders([at('good-js'), at('good-js')]);
    expect(plugins.map((plugin) => plugin.type)).toEqual(['acme.hello']);
    expect(errors).toEqual([
      { source: at('good-js'), message: `plugin acme.hello@1.0.0 is already registered by ${at('good-js')}` },
    ]);
  });

  it('resolves npm package names, and names the ones it cannot use', async () => {
    const project = mkdtempSync(join(tmpdir(), 'plugin-packages-'));
    try {
      const pkg = join(project, 'node_modules', '@acme', 'sy-plugins');
      mkdirSync(pkg, { recursive: true });
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@acme/sy-plugins', main: 'index.js' }));
      const helper = join(project, 'node_modules', 'not-a-plugin');
      mkdirSync(helper, { recursive: true });
      writeFileSync(join(helper, 'package.json'), JSON.stringify({ name: 'not-a-plugin', main: 'index.js' }));
      writeFileSync(join(helper, 'index.js'), 'exports.leftPad = (s) => s;');
      writeFileSync(
        join(pkg, 'index.js'),
        `exports.default = { type: 'acme.pkg', version: '1.0.0', title: 'From npm', inputSchema: { type: 'object' },
           execute: async () => ({ from: 'npm' }) };`,
      );
      const { plugins, errors } = await loadPluginsFromFolders(['@acme/sy-plugins', '@acme/missing', 'not-a-plugin'], {
        resolveFrom: project,
      });
      expect(plugins.map((plugin) => plugin.type)).toEqual(['acme.pkg']);
      expect(errors).toEqual([
        { source: '@acme/missing', message: expect.stringContaining('no such folder or npm package') },
        { source: 'not-a-plugin', message: expect.stringContaining('exports no plugin') },
      ]);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('reports a folder that does not exist', async () => {
    const { plugins, errors } = await loadPluginsFromFolders(['/no/such/plugins']);
    expect(plugins).toEqual([]);
    expect(errors).toEqual([{ source: '/no/such/plugins', message: 'is not a folder' }]);
  });
});

describe('custom plugins on a worker', () => {
  let client: Client;

  beforeAll(async () => {
    client = (await testTemporal()).client;
  });

  it('runs nodes of plugins loaded from a folder, their failures typed as declared', async () => {
    const { plugins } = await loadPluginsFromFolders([FIXTURES], { existing: BUILTIN_PLUGINS });
    const registry = createBuiltinRegistry(plugins);
    const validation = validateDefinition(
      {
        name: 'custom-plugins',
        nodes: [
          { id: 'hello', type: 'acme.hello', with: { name: 'ops' } },
          { id: 'shout', type: 'acme.text-upper', with: { text: '${nodes.hello.output.greeting}' } },
          { id: 'refuse', type: 'acme.fail', with: { reason: 'not today' }, onFailure: 'skip' },
        ],
        edges: [{ from: 'hello', to: 'shout' }],
      },
      registry,
    );
    expect(validation.problems).toEqual([]);
    const taskQueue = uniqueTaskQueue('custom');
    const state = await withWorker({ taskQueue, activities: createPluginActivities({ registry }) }, async () =>
      finalState(
        await startInterpreter(
          client,
          taskQueue,
          validation.definition!,
          {},
          {
            plan: compilePlan(validation.definition!, registry),
          },
        ),
      ),
    );
    expect(state.nodes.hello.output).toEqual({ greeting: 'hello ops from hello' });
    expect(state.nodes.shout.output).toEqual({ text: 'HELLO OPS FROM HELLO' });
    expect(state.nodes.refuse).toMatchObject({
      status: 'SKIPPED',
      error: { type: 'AcmeFailure', message: 'not today' },
    });
    expect(state.status).toBe('SUCCEEDED');
  });
});
