import { BUILTIN_PLUGINS } from '../../plugins';
import { definePlugin } from '../../plugins/sdk';
import { PluginCatalogService } from '../../src/plugins-catalog/plugin-catalog.service';
import { errorCode, startTestApp, type TestApp } from './support/app';
import { Fixtures } from './support/fixtures';

const PLUGINS = `query($type: String) {
  plugins(type: $type) {
    type version title description inputSchema outputSchema defaults taskQueue deprecated deprecationReason
    examples { title with }
  }
}`;

interface PluginView {
  type: string;
  version: string;
  title: string;
  description: string | null;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown> | null;
  defaults: Record<string, unknown>;
  taskQueue: string | null;
  deprecated: boolean;
  deprecationReason: string | null;
  examples: Array<{ title: string; with: Record<string, unknown> }>;
}

describe('plugin catalog', () => {
  let api: TestApp;
  let user: string;

  beforeAll(async () => {
    api = await startTestApp({ config: { logLevel: 'silent' } });
    // A user with no role in any project: the catalog is for every signed-in caller.
    user = await new Fixtures(api).user('designer');
  });
  afterAll(() => api.close());

  it('lists the three built-ins with their schemas, defaults and examples', async () => {
    const result = await api.gql<{ plugins: PluginView[] }>(PLUGINS, {}, user);
    expect(result.errors).toBeUndefined();
    const byType = new Map(result.data!.plugins.map((plugin) => [plugin.type, plugin]));
    for (const type of ['http.request', 'shell.exec', 'builtin.noop']) {
      const source = BUILTIN_PLUGINS.find((plugin) => plugin.type === type)!;
      expect(byType.get(type)).toEqual({
        type,
        version: source.version,
        title: source.title,
        description: source.description ?? null,
        inputSchema: source.inputSchema,
        outputSchema: source.outputSchema ?? null,
        defaults: source.defaults ?? {},
        taskQueue: null,
        deprecated: false,
        deprecationReason: null,
        examples: source.examples ?? [],
      });
    }
    const http = byType.get('http.request')!;
    expect(http.inputSchema).toMatchObject({ type: 'object', required: ['url'] });
    expect(http.outputSchema).toMatchObject({ required: ['status', 'headers', 'body'] });
    expect(http.defaults).toMatchObject({ retry: { maximumAttempts: 3 }, timeout: { startToClose: '2m' } });
    expect(byType.get('shell.exec')!.examples.length).toBeGreaterThan(0);
    expect(result.data!.plugins).toHaveLength(BUILTIN_PLUGINS.length);
  });

  it('filters by type and answers one plugin, NOT_FOUND for an unknown one', async () => {
    const filtered = await api.gql<{ plugins: PluginView[] }>(PLUGINS, { type: 'shell.exec' }, user);
    expect(filtered.data!.plugins.map((plugin) => plugin.type)).toEqual(['shell.exec']);

    const one = await api.gql('{ plugin(type: "builtin.noop", version: "1") { type version inputSchema } }', {}, user);
    const noop = BUILTIN_PLUGINS.find((plugin) => plugin.type === 'builtin.noop')!;
    expect(one.data.plugin).toEqual({ type: 'builtin.noop', version: '1.0.0', inputSchema: noop.inputSchema });

    const missing = await api.gql('{ plugin(type: "no.such") { type } }', {}, user);
    expect(errorCode(missing)).toBe('NOT_FOUND');
  });

  it('needs a signed-in caller', async () => {
    const anonymous = await api.gql('{ plugins { type } }');
    expect(anonymous.data).toBeNull();
    expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
  });

  it('shows plugins added through the register() hook, deprecation and task queue included', async () => {
    api.app.get(PluginCatalogService).register([
      definePlugin({
        type: 'acme.page',
        version: '2.0.0',
        title: 'Page the on-call',
        inputSchema: { type: 'object', properties: { who: { type: 'string' } } },
        taskQueue: 'acme-pager',
        deprecated: 'use acme.notify',
        execute: () => Promise.resolve({}),
      }),
    ]);
    const result = await api.gql<{ plugins: PluginView[] }>(PLUGINS, { type: 'acme.page' }, user);
    expect(result.data!.plugins).toEqual([
      expect.objectContaining({
        type: 'acme.page',
        version: '2.0.0',
        taskQueue: 'acme-pager',
        deprecated: true,
        deprecationReason: 'use acme.notify',
        outputSchema: null,
        defaults: {},
        examples: [],
      }),
    ]);
  });
});
