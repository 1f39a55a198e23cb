import { BUILTIN_PLUGINS, createBuiltinRegistry, loadPluginsFromFolders, type PluginRegistry } from '../../plugins';
import type { Plugin } from '../../plugins/sdk';

/** What a process serves: the built-in plugins plus the custom ones its configuration names. */
export interface ConfiguredPlugins {
  /** The custom plugins that loaded (register them in the catalog too). */
  custom: Plugin[];
  registry: PluginRegistry;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean);
}

/**
 * `SWITCHYARD_PLUGIN_DIRS`: comma-separated folders of plugin folders, plugin folders or npm
 * package names, loaded and checked at start (a broken one is named in the log; the others load).
 * `SWITCHYARD_SHELL_ALLOWED_COMMANDS`: comma-separated commands `shell.exec` may run on this worker.
 */
export async function configuredPlugins(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void = () => {},
): Promise<ConfiguredPlugins> {
  const sources = list(env.SWITCHYARD_PLUGIN_DIRS);
  let custom: Plugin[] = [];
  if (sources.length > 0) {
    const loaded = await loadPluginsFromFolders(sources, { existing: BUILTIN_PLUGINS });
    for (const error of loaded.errors) log(`plugin ${error.source} not loaded: ${error.message}`);
    custom = loaded.plugins;
    if (custom.length > 0) log(`Custom plugins: ${custom.map((p) => `${p.type}@${p.version}`).join(', ')}`);
  }
  const allowedCommands = list(env.SWITCHYARD_SHELL_ALLOWED_COMMANDS);
  const registry = createBuiltinRegistry(custom, allowedCommands.length > 0 ? { shellExec: { allowedCommands } } : {});
  return { custom, registry };
}
