import { builtinNoop } from './builtin-noop/plugin';
import { httpRequest } from './http-request/plugin';
import { notifyEmail } from './notify-email/plugin';
import { notifyWebhook } from './notify-webhook/plugin';
import { PluginRegistry } from './registry';
import type { Plugin } from './sdk';
import { createShellExecPlugin, shellExec, type ShellExecOptions } from './shell-exec/plugin';
import { sshExec } from './ssh-exec/plugin';

export { PluginRegistry } from './registry';
export { loadPluginsFromFolders, type LoadedPlugins, type PluginLoadError } from './loader';

/**
 * The plugins every Switchyard worker and the API know. Adding a plugin means adding its folder
 * and one entry here; nothing else in the engine names a concrete plugin.
 */
export const BUILTIN_PLUGINS: Plugin[] = [httpRequest, shellExec, sshExec, notifyWebhook, notifyEmail, builtinNoop];

/** Worker settings of the built-in plugins. */
export interface BuiltinPluginSettings {
  /** `shell.exec` tunables, `allowedCommands` above all (the worker's list of programs it may run). */
  shellExec?: ShellExecOptions;
}

/**
 * A registry of the built-in plugins, configured by the worker's `settings`, plus `extra` ones
 * (custom plugins from {@link loadPluginsFromFolders}, test doubles).
 *
 * @throws Error when an extra plugin repeats a `type@version` already registered.
 * @example
 * const registry = createBuiltinRegistry(custom.plugins, { shellExec: { allowedCommands: ['kubectl', 'systemctl'] } });
 */
export function createBuiltinRegistry(extra: Plugin[] = [], settings: BuiltinPluginSettings = {}): PluginRegistry {
  const builtins = settings.shellExec
    ? BUILTIN_PLUGINS.map((plugin) => (plugin === shellExec ? createShellExecPlugin(settings.shellExec) : plugin))
    : BUILTIN_PLUGINS;
  return new PluginRegistry([...builtins, ...extra]);
}
