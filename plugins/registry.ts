import type { Plugin, PluginCatalog, PluginDescriptor } from './sdk';
import { durationToMs } from './sdk/duration';
import { pollingProblem } from './sdk/polling';
import { compareSemver, parseSemver, type SemVer } from './semver';

/** A plugin type: dotted lower-case words, `http.request`, `acme.deploy-app`. */
export const PLUGIN_TYPE_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)+$/;
const PARTIAL_VERSION = /^(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?$/;

interface Entry {
  plugin: Plugin;
  semver: SemVer;
}

/**
 * The plugins one process knows, by type and version, built once from a list (never a
 * hand-edited switch). The worker dispatches activities through it; the validator and the
 * catalog read it as a {@link PluginCatalog}.
 *
 * Version selection: no version means the newest release (prereleases only when a type has
 * nothing else); `1.2.0` means exactly that; `1` or `1.2` mean the newest release of that line.
 *
 * @example
 * const registry = new PluginRegistry([httpRequest, shellExec]);
 * registry.find('http.request')?.version; // '1.0.0'
 * await registry.get('builtin.noop', '1')?.execute(ctx, { a: 1 });
 */
export class PluginRegistry implements PluginCatalog {
  private readonly byType = new Map<string, Entry[]>();

  /** @throws Error naming the plugin when one is malformed or a `type@version` appears twice. */
  constructor(plugins: readonly Plugin[]) {
    for (const plugin of plugins) {
      const id = `${String(plugin?.type)}@${String(plugin?.version)}`;
      if (typeof plugin?.type !== 'string' || !PLUGIN_TYPE_PATTERN.test(plugin.type)) {
        throw new Error(`Plugin ${id}: type must be dotted lower-case words like "http.request"`);
      }
      const semver = typeof plugin.version === 'string' ? parseSemver(plugin.version) : undefined;
      if (!semver) throw new Error(`Plugin ${id}: version must be a semantic version like "1.0.0"`);
      if (typeof plugin.execute !== 'function') throw new Error(`Plugin ${id}: execute is not a function`);
      if (typeof plugin.inputSchema !== 'object' || plugin.inputSchema === null) {
        throw new Error(`Plugin ${id}: inputSchema is missing`);
      }
      if (plugin.deprecated !== undefined && (typeof plugin.deprecated !== 'string' || plugin.deprecated === '')) {
        throw new Error(`Plugin ${id}: deprecated must say why, and what to use instead`);
      }
      const polling = pollingProblem(plugin, durationToMs);
      if (polling) throw new Error(`Plugin ${id}: ${polling}`);
      const entries = this.byType.get(plugin.type) ?? [];
      if (entries.some((entry) => compareSemver(entry.semver, semver) === 0)) {
        throw new Error(`Duplicate plugin ${id}: each type@version may be registered once`);
      }
      entries.push({ plugin, semver });
      entries.sort((a, b) => compareSemver(b.semver, a.semver));
      this.byType.set(plugin.type, entries);
    }
  }

  /** The descriptor of the selected version (see the class doc), or `undefined`. */
  find(type: string, version?: string): PluginDescriptor | undefined {
    const plugin = this.get(type, version);
    return plugin ? toDescriptor(plugin) : undefined;
  }

  /** The selected plugin with its `execute`, or `undefined`. */
  get(type: string, version?: string): Plugin | undefined {
    const entries = this.byType.get(type);
    if (!entries) return undefined;
    if (version === undefined) return newest(entries)?.plugin;
    const exact = parseSemver(version);
    if (exact) return entries.find((entry) => compareSemver(entry.semver, exact) === 0)?.plugin;
    const partial = PARTIAL_VERSION.exec(version);
    if (!partial) return undefined;
    const major = Number(partial[1]);
    const minor = partial[2] === undefined ? undefined : Number(partial[2]);
    return newest(
      entries.filter((entry) => entry.semver.major === major && (minor === undefined || entry.semver.minor === minor)),
    )?.plugin;
  }

  /** Every registered plugin, every version: by type, newest version first. */
  list(): PluginDescriptor[] {
    return this.types().flatMap((type) => (this.byType.get(type) ?? []).map((entry) => toDescriptor(entry.plugin)));
  }

  /** The registered plugin types, sorted: one Temporal activity each. */
  types(): string[] {
    return [...this.byType.keys()].sort();
  }

  /**
   * The deprecated plugins, with why: what a worker logs at start and the catalog flags. They still
   * resolve and run; `find` and `list` carry the same `deprecated` text.
   *
   * @example registry.deprecations() // [{ type: 'x.greet', version: '1.0.0', reason: 'use 2.x: ...' }]
   */
  deprecations(): Array<{ type: string; version: string; reason: string }> {
    return this.types().flatMap((type) =>
      (this.byType.get(type) ?? [])
        .filter((entry) => typeof entry.plugin.deprecated === 'string' && entry.plugin.deprecated.length > 0)
        .map((entry) => ({ type, version: entry.plugin.version, reason: entry.plugin.deprecated! })),
    );
  }

  /** The versions of one type, newest first. */
  versions(type: string): string[] {
    return (this.byType.get(type) ?? []).map((entry) => entry.plugin.version);
  }
}

/** `entries` is sorted newest first; releases win over prereleases. */
function newest(entries: readonly Entry[]): Entry | undefined {
  return entries.find((entry) => entry.semver.prerelease.length === 0) ?? entries[0];
}

/** The plugin without its code: safe to hand to the catalog, the validator and the UI. */
function toDescriptor(plugin: Plugin): PluginDescriptor {
  const descriptor: PluginDescriptor & { execute?: unknown; check?: unknown; cancel?: unknown } = { ...plugin };
  delete descriptor.execute;
  delete descriptor.check;
  delete descriptor.cancel;
  return descriptor;
}
