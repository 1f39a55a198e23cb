import { Injectable } from '@nestjs/common';
import { createBuiltinRegistry } from '../../plugins';
import type { PluginRegistry } from '../../plugins/registry';
import type { Plugin, PluginCatalog, PluginDescriptor } from '../../plugins/sdk';

/** A remote plugin as the API holds it: its descriptor; the API never executes it. */
function remotePlugin(descriptor: PluginDescriptor): Plugin {
  const served = descriptor.taskQueue ?? 'its own task queue';
  const elsewhere = () =>
    Promise.reject(new Error(`${descriptor.type} runs on the workers of ${served}, not in the API`));
  // A polling plugin's steps exist on its worker; the stubs only keep the registry's shape checks happy.
  return { ...descriptor, execute: elsewhere, ...(descriptor.poll ? { check: elsewhere } : {}) };
}

/**
 * The plugins this API process knows: the built-ins, plus whatever {@link PluginCatalogService.register}
 * adds (custom plugins loaded from a folder, descriptors of plugins served by workers of their own).
 * It is itself a {@link PluginCatalog}, always answering from the current registry, so hand the
 * service (not a registry taken from it) to `validateDefinition` and `compilePlan`.
 *
 * @example
 * const { problems } = validateDefinition(definition, catalogService);
 * catalogService.find('http.request')?.inputSchema;
 */
@Injectable()
export class PluginCatalogService implements PluginCatalog {
  private plugins: readonly Plugin[] = [];
  private remote = new Map<string, Plugin>();
  private current: PluginRegistry = createBuiltinRegistry();

  /** The registry as it stands now; it is replaced (not mutated) by {@link register}. */
  get registry(): PluginRegistry {
    return this.current;
  }

  /**
   * Adds plugins to the catalog: THE hook for custom plugins (loaded from a folder) and remote ones
   * (served by a worker on their own `taskQueue`; their `execute` is never called by the API).
   * The registry is rebuilt from the built-ins and every plugin registered so far; on error
   * (malformed plugin, a `type@version` registered twice) nothing changes.
   *
   * @throws Error from {@link PluginRegistry} naming the offending plugin.
   */
  register(plugins: readonly Plugin[]): void {
    const all = [...this.plugins, ...plugins];
    // A plugin now loaded locally wins over a remote registration of the same type@version.
    const remote = new Map(this.remote);
    for (const plugin of plugins) remote.delete(`${plugin.type}@${plugin.version}`);
    this.current = createBuiltinRegistry([...all, ...remote.values()]);
    this.plugins = all;
    this.remote = remote;
  }

  /**
   * Adds or replaces descriptors of plugins served by workers of their own (see `registerPlugins`):
   * a `type@version` registered remotely before is replaced; one the built-ins or a local folder
   * already provide is refused. On error nothing changes.
   *
   * @throws Error from {@link PluginRegistry} naming the offending plugin.
   */
  registerRemote(descriptors: readonly PluginDescriptor[]): void {
    const remote = new Map(this.remote);
    for (const descriptor of descriptors)
      remote.set(`${descriptor.type}@${descriptor.version}`, remotePlugin(descriptor));
    this.current = createBuiltinRegistry([...this.plugins, ...remote.values()]);
    this.remote = remote;
  }

  /** The descriptor of a plugin type; the newest release when `version` is absent (see {@link PluginRegistry}). */
  find(type: string, version?: string): PluginDescriptor | undefined {
    return this.current.find(type, version);
  }

  /** Every plugin, every version: by type, newest version first. */
  list(): PluginDescriptor[] {
    return this.current.list();
  }
}
