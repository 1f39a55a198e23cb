import { builtinNoop } from './builtin-noop/plugin';
import { httpRequest } from './http-request/plugin';
import { notifyEmail } from './notify-email/plugin';
import { notifyWebhook } from './notify-webhook/plugin';
import { PluginRegistry } from './registry';
import type { Plugin } from './sdk';
import { shellExec } from './shell-exec/plugin';
import { sshExec } from './ssh-exec/plugin';

export { PluginRegistry } from './registry';

/**
 * The plugins every Switchyard worker and the API know. Adding a plugin means adding its folder
 * and one entry here; nothing else in the engine names a concrete plugin.
 */
export const BUILTIN_PLUGINS: Plugin[] = [httpRequest, shellExec, sshExec, notifyWebhook, notifyEmail, builtinNoop];

/**
 * A registry of the built-in plugins plus `extra` ones (custom plugins, test doubles).
 *
 * @throws Error when an extra plugin repeats a `type@version` already registered.
 * @example const registry = createBuiltinRegistry([myPlugin]); registry.find('http.request');
 */
export function createBuiltinRegistry(extra: Plugin[] = []): PluginRegistry {
  return new PluginRegistry([...BUILTIN_PLUGINS, ...extra]);
}
