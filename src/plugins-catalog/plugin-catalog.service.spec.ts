import { BUILTIN_PLUGINS } from '../../plugins';
import { definePlugin } from '../../plugins/sdk';
import { PluginCatalogService } from './plugin-catalog.service';

const custom = (version: string) =>
  definePlugin({
    type: 'acme.page',
    version,
    title: 'Page someone',
    inputSchema: { type: 'object', required: ['who'], properties: { who: { type: 'string' } } },
    execute: () => Promise.resolve({}),
  });

describe(PluginCatalogService.name, () => {
  it('starts with the built-in plugins', () => {
    const catalog = new PluginCatalogService();
    expect(
      catalog
        .list()
        .map((p) => `${p.type}@${p.version}`)
        .sort(),
    ).toEqual(BUILTIN_PLUGINS.map((p) => `${p.type}@${p.version}`).sort());
    expect(catalog.find('http.request')?.inputSchema).toBe(
      BUILTIN_PLUGINS.find((p) => p.type === 'http.request')?.inputSchema,
    );
  });

  it('register() adds plugins, keeps earlier ones, and is seen through the service as a catalog', () => {
    const catalog = new PluginCatalogService();
    const before = catalog.registry;
    catalog.register([custom('1.0.0')]);
    catalog.register([custom('1.1.0')]);
    expect(catalog.registry).not.toBe(before);
    expect(catalog.find('acme.page')?.version).toBe('1.1.0');
    expect(catalog.find('acme.page', '1.0.0')?.version).toBe('1.0.0');
    expect(catalog.find('shell.exec')).toBeDefined();
    expect(catalog.find('acme.page')).not.toHaveProperty('execute');
  });

  it('register() refuses a duplicate type@version and changes nothing', () => {
    const catalog = new PluginCatalogService();
    catalog.register([custom('1.0.0')]);
    const registry = catalog.registry;
    expect(() => catalog.register([custom('2.0.0'), custom('1.0.0')])).toThrow(/Duplicate plugin acme.page@1.0.0/);
    expect(catalog.registry).toBe(registry);
    expect(catalog.registry.versions('acme.page')).toEqual(['1.0.0']);
  });

  it('registerRemote() adds descriptors, replaces the same type@version, and refuses to shadow a local plugin', () => {
    const catalog = new PluginCatalogService();
    const descriptor = {
      type: 'acme.remote',
      version: '1.0.0',
      title: 'Remote',
      inputSchema: { type: 'object' },
      taskQueue: 'acme-q',
      poll: { interval: '5s' },
    };
    catalog.registerRemote([descriptor]);
    catalog.registerRemote([{ ...descriptor, title: 'Remote, renamed', taskQueue: 'acme-q2' }]);
    expect(catalog.registry.versions('acme.remote')).toEqual(['1.0.0']);
    expect(catalog.find('acme.remote')).toMatchObject({ title: 'Remote, renamed', taskQueue: 'acme-q2' });
    expect(catalog.find('acme.remote')).not.toHaveProperty('check');

    catalog.register([custom('1.0.0')]);
    expect(catalog.find('acme.remote')?.title).toBe('Remote, renamed');
    const before = catalog.registry;
    expect(() => catalog.registerRemote([{ ...descriptor, type: 'acme.page' }])).toThrow(
      /Duplicate plugin acme.page@1.0.0/,
    );
    expect(() => catalog.registerRemote([{ ...descriptor, type: 'builtin.noop' }])).toThrow(
      /Duplicate plugin builtin.noop/,
    );
    expect(catalog.registry).toBe(before);

    // A plugin loaded locally later wins over the remote registration of the same type@version.
    catalog.register([{ ...custom('1.0.0'), type: 'acme.remote', title: 'Local' }]);
    expect(catalog.find('acme.remote')).toMatchObject({ title: 'Local' });
    expect(catalog.find('acme.remote')).not.toHaveProperty('taskQueue');
  });
});
