import { Injectable } from '@nestjs/common';
import { createBuiltinRegistry } from '../../plugins';
import type { PluginRegistry } from '../../plugins/registry';
import type { Plugin, PluginCatalog, PluginDescriptor } from '../../plugins/sdk';

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
    this.current = createBuiltinRegistry(all);
    this.plugins = all;
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
