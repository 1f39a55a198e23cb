import { PluginRegistry } from './registry';
import { definePlugin, type Plugin } from './sdk';
import { createTestContext } from './sdk/testing';

function fake(type: string, version: string, mark = `${type}@${version}`): Plugin {
  return definePlugin({
    type,
    version,
    title: mark,
    inputSchema: { type: 'object' },
    async execute() {
      return mark;
    },
  });
}

describe(PluginRegistry.name, () => {
  it('throws on a duplicate type@version, naming it', () => {
    expect(
      () => new PluginRegistry([fake('x.echo', '1.0.0'), fake('x.other', '1.0.0'), fake('x.echo', '1.0.0')]),
    ).toThrow('Duplicate plugin x.echo@1.0.0');
  });

  it('treats versions that differ only in build metadata as duplicates', () => {
    expect(() => new PluginRegistry([fake('x.echo', '1.0.0'), fake('x.echo', '1.0.0+build.7')])).toThrow(
      /Duplicate plugin x\.echo@1\.0\.0\+build\.7/,
    );
  });

  it('rejects malformed plugins with the plugin named', () => {
    expect(() => new PluginRegistry([fake('x.echo', 'latest')])).toThrow('Plugin x.echo@latest: version');
    expect(() => new PluginRegistry([fake('Echo', '1.0.0')])).toThrow('Plugin Echo@1.0.0: type');
    const noExecute = { ...fake('x.echo', '1.0.0'), execute: undefined } as unknown as Plugin;
    expect(() => new PluginRegistry([noExecute])).toThrow('Plugin x.echo@1.0.0: execute');
  });

  describe('deprecation', () => {
    const registry = new PluginRegistry([
      { ...fake('x.greet', '1.0.0'), deprecated: 'use 2.x: it greets by full name' },
      fake('x.greet', '2.0.0'),
      fake('x.other', '1.0.0'),
    ]);

    it('still finds and runs a deprecated version, and says it is deprecated', async () => {
      expect(registry.find('x.greet', '1.0.0')).toMatchObject({
        version: '1.0.0',
        deprecated: 'use 2.x: it greets by full name',
      });
      expect(registry.find('x.greet', '1')?.deprecated).toBe('use 2.x: it greets by full name');
      await expect(registry.get('x.greet', '1.0.0')!.execute(createTestContext().ctx, {})).resolves.toBe(
        'x.greet@1.0.0',
      );
      expect(registry.find('x.greet')).toMatchObject({ version: '2.0.0' });
      expect(registry.find('x.greet')).not.toHaveProperty('deprecated');
    });

    it('lists the deprecations', () => {
      expect(registry.deprecations()).toEqual([
        { type: 'x.greet', version: '1.0.0', reason: 'use 2.x: it greets by full name' },
      ]);
      expect(
        registry
          .list()
          .filter((d) => d.deprecated)
          .map((d) => `${d.type}@${d.version}`),
      ).toEqual(['x.greet@1.0.0']);
    });

    it('wants a reason', () => {
      expect(() => new PluginRegistry([{ ...fake('x.greet', '1.0.0'), deprecated: '' }])).toThrow(
        'Plugin x.greet@1.0.0: deprecated must say why',
      );
    });
  });

  describe('version selection', () => {
    const registry = new PluginRegistry([
      fake('x.echo', '1.2.0'),
      fake('x.echo', '1.10.0'),
      fake('x.echo', '2.0.0-rc.1'),
      fake('x.echo', '1.9.3'),
      fake('x.echo', '0.9.0'),
      fake('x.beta', '0.1.0-alpha.1'),
      fake('x.beta', '0.1.0-alpha.2'),
    ]);

    it('picks the newest release by semver (not by string) when no version is given', () => {
      expect(registry.find('x.echo')?.version).toBe('1.10.0');
    });

    it('falls back to the newest prerelease when a type has no release', () => {
      expect(registry.find('x.beta')?.version).toBe('0.1.0-alpha.2');
    });

    it('finds an exact version, prereleases included', () => {
      expect(registry.find('x.echo', '1.9.3')?.version).toBe('1.9.3');
      expect(registry.find('x.echo', '2.0.0-rc.1')?.version).toBe('2.0.0-rc.1');
      expect(registry.find('x.echo', '1.9.4')).toBeUndefined();
    });

    it('resolves a major or major.minor line to its newest release', () => {
      expect(registry.find('x.echo', '1')?.version).toBe('1.10.0');
      expect(registry.find('x.echo', '1.9')?.version).toBe('1.9.3');
      expect(registry.find('x.echo', '0')?.version).toBe('0.9.0');
      expect(registry.find('x.echo', '2')?.version).toBe('2.0.0-rc.1');
      expect(registry.find('x.echo', '3')).toBeUndefined();
    });

    it('returns undefined for unknown types and unparseable versions', () => {
      expect(registry.find('x.nope')).toBeUndefined();
      expect(registry.get('x.echo', '^1.0.0')).toBeUndefined();
    });

    it('get returns the plugin with its execute; find and list return descriptors without code', async () => {
      const plugin = registry.get('x.echo', '1.2');
      expect(plugin?.version).toBe('1.2.0');
      await expect(plugin!.execute(createTestContext().ctx, {})).resolves.toBe('x.echo@1.2.0');
      expect(registry.find('x.echo')).not.toHaveProperty('execute');
      expect(registry.list().every((descriptor) => !('execute' in descriptor))).toBe(true);
    });

    it('lists every version of every type, newest first within a type', () => {
      expect(registry.list().map((d) => `${d.type}@${d.version}`)).toEqual([
        'x.beta@0.1.0-alpha.2',
        'x.beta@0.1.0-alpha.1',
        'x.echo@2.0.0-rc.1',
        'x.echo@1.10.0',
        'x.echo@1.9.3',
        'x.echo@1.2.0',
        'x.echo@0.9.0',
      ]);
      expect(registry.types()).toEqual(['x.beta', 'x.echo']);
      expect(registry.versions('x.echo')).toEqual(['2.0.0-rc.1', '1.10.0', '1.9.3', '1.2.0', '0.9.0']);
    });
  });
});
