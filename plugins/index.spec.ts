import { BUILTIN_PLUGINS, createBuiltinRegistry } from './index';
import { definePlugin } from './sdk';
import { runPlugin } from './sdk/testing';
import { SchemaValidator } from './sdk/validation';

describe(createBuiltinRegistry.name, () => {
  it('registers the built-in plugins', () => {
    const registry = createBuiltinRegistry();
    expect(registry.types()).toEqual([
      'builtin.noop',
      'http.request',
      'notify.email',
      'notify.webhook',
      'shell.exec',
      'ssh.exec',
    ]);
    expect(registry.find('http.request')?.version).toBe('1.0.0');
  });

  it('adds extra plugins and refuses one that repeats a built-in type@version', () => {
    const extra = definePlugin({
      type: 'custom.hello',
      version: '0.1.0',
      title: 'Hello',
      inputSchema: { type: 'object' },
      async execute() {
        return 'hello';
      },
    });
    expect(createBuiltinRegistry([extra]).find('custom.hello')?.title).toBe('Hello');
    expect(() => createBuiltinRegistry([{ ...extra, type: 'builtin.noop', version: '1.0.0' }])).toThrow(
      'Duplicate plugin builtin.noop@1.0.0',
    );
  });
});

describe('createBuiltinRegistry settings', () => {
  it('configures shell.exec with the worker setting, refusing unlisted programs', async () => {
    const registry = createBuiltinRegistry([], { shellExec: { allowedCommands: ['echo'] } });
    const plugin = registry.get('shell.exec')!;
    expect(plugin.description).toContain('On this worker it may run only: echo.');
    await expect(runPlugin(plugin, { argv: ['echo', 'hi'] })).resolves.toMatchObject({ stdout: 'hi\n' });
    await expect(runPlugin(plugin, { argv: ['id'] })).rejects.toMatchObject({ type: 'CommandNotAllowed' });
    expect(createBuiltinRegistry().get('shell.exec')!.description).not.toContain('On this worker');
  });
});

describe('BUILTIN_PLUGINS', () => {
  const validator = new SchemaValidator();

  it.each(BUILTIN_PLUGINS.map((plugin) => [plugin.type, plugin] as const))(
    '%s has compilable schemas, examples that fit them, a title and defaults',
    (_type, plugin) => {
      expect(plugin.title).toBeTruthy();
      expect(plugin.defaults?.retry?.maximumAttempts).toBeGreaterThan(0);
      expect(plugin.defaults?.timeout?.startToClose).toMatch(/^\d+[smh]$/);
      expect(() => validator.compile(plugin.inputSchema)).not.toThrow();
      expect(() => validator.compile(plugin.outputSchema!)).not.toThrow();
      expect(plugin.examples?.length).toBeGreaterThan(0);
      for (const example of plugin.examples ?? []) {
        expect({ title: example.title, problems: validator.check(plugin.inputSchema, example.with) }).toEqual({
          title: example.title,
          problems: [],
        });
      }
    },
  );
});
