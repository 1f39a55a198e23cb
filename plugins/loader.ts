import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { PLUGIN_TYPE_PATTERN } from './registry';
import type { Plugin, PluginDescriptor } from './sdk';
import { durationToMs } from './sdk/duration';
import { pollingProblem } from './sdk/polling';
import { SchemaValidator, formatProblems } from './sdk/validation';
import { parseSemver } from './semver';

/** A plugin source that could not be used, and why. */
export interface PluginLoadError {
  /** The folder or npm package name the plugin came from. */
  source: string;
  message: string;
}

export interface LoadedPlugins {
  plugins: Plugin[];
  errors: PluginLoadError[];
}

export interface LoadPluginsOptions {
  /** Plugins already registered (the built-ins): a loaded plugin repeating one's `type@version` is an error. */
  existing?: readonly PluginDescriptor[];
  /** Where npm package names are resolved from (default the working directory). */
  resolveFrom?: string;
}

const INDEX_FILES = ['package.json', 'index.js', 'index.cjs', 'index.mjs', 'index.ts'];

/**
 * Loads custom plugins for a worker. Each entry of `folders` is:
 * - a folder of plugin folders: every subfolder whose index (`package.json` main, `index.js`,
 *   `index.ts` under a TypeScript loader) exports a {@link Plugin} or an array of them;
 * - a plugin folder itself (it has an index);
 * - an npm package name (`@acme/switchyard-plugins`), resolved from the working directory.
 *
 * The export may be `module.exports`, `default`, `plugin` or `plugins`. Each plugin is checked
 * before it is returned: a dotted lower-case `type`, a semantic `version`, a `title`, an `execute`
 * function, input and output schemas that compile, examples that fit the input schema. A source
 * that fails to load or to check yields one error naming it; the others still load.
 *
 * @example
 * const { plugins, errors } = await loadPluginsFromFolders(['/etc/switchyard/plugins', '@acme/sy-plugins'], {
 *   existing: BUILTIN_PLUGINS,
 * });
 * for (const error of errors) logger.error(`plugin ${error.source} not loaded: ${error.message}`);
 * const registry = createBuiltinRegistry(plugins);
 */
export async function loadPluginsFromFolders(
  folders: readonly string[],
  options: LoadPluginsOptions = {},
): Promise<LoadedPlugins> {
  const plugins: Plugin[] = [];
  const errors: PluginLoadError[] = [];
  const validator = new SchemaValidator();
  const taken = new Map<string, string>();
  for (const descriptor of options.existing ?? []) taken.set(`${descriptor.type}@${descriptor.version}`, 'built-in');

  for (const source of expandSources(folders, options.resolveFrom ?? process.cwd())) {
    if (source.error) {
      errors.push({ source: source.name, message: source.error });
      continue;
    }
    let exported: unknown;
    try {
      exported = await loadModule(source.target);
    } catch (err) {
      errors.push({ source: source.name, message: `could not be loaded: ${describe(err)}` });
      continue;
    }
    const candidates = pluginsOf(exported);
    if (!candidates) {
      errors.push({
        source: source.name,
        message: 'exports no plugin: export a Plugin, or an array of them, as module.exports, default or plugins',
      });
      continue;
    }
    const problems: string[] = [];
    const accepted: Plugin[] = [];
    candidates.forEach((candidate, index) => {
      const label = candidates.length > 1 ? `plugins[${index}]` : 'plugin';
      const problem = checkPlugin(candidate, validator);
      if (problem) return void problems.push(`${label} ${problem}`);
      const plugin = candidate as Plugin;
      const id = `${plugin.type}@${plugin.version}`;
      const owner = taken.get(id);
      if (owner) return void problems.push(`${label} ${id} is already registered by ${owner}`);
      taken.set(id, source.name);
      accepted.push(plugin);
    });
    // A source is all or nothing: half a plugin package would leave templates half working.
    if (problems.length > 0) {
      for (const plugin of accepted) taken.delete(`${plugin.type}@${plugin.version}`);
      errors.push({ source: source.name, message: problems.join('; ') });
      continue;
    }
    plugins.push(...accepted);
  }
  return { plugins, errors };
}

interface Source {
  /** As shown in errors: the folder path or the package name. */
  name: string;
  /** What `require` gets. */
  target: string;
  /** Why the source cannot even be loaded; reported in the order of the sources. */
  error?: string;
}

function expandSources(entries: readonly string[], resolveFrom: string): Source[] {
  const sources: Source[] = [];
  for (const entry of entries) {
    const looksLikePath = isAbsolute(entry) || entry.startsWith('.') || existsSync(resolve(resolveFrom, entry));
    if (!looksLikePath) {
      try {
        sources.push({ name: entry, target: require.resolve(entry, { paths: [resolveFrom] }) });
      } catch (err) {
        sources.push({ name: entry, target: entry, error: `no such folder or npm package: ${describe(err)}` });
      }
      continue;
    }
    const folder = resolve(resolveFrom, entry);
    if (!isDirectory(folder)) {
      sources.push({ name: entry, target: entry, error: 'is not a folder' });
      continue;
    }
    if (hasIndex(folder)) {
      sources.push({ name: folder, target: folder });
      continue;
    }
    const children = readdirSync(folder, { withFileTypes: true })
      .filter((child) => child.isDirectory() && !child.name.startsWith('.') && child.name !== 'node_modules')
      .map((child) => child.name)
      .sort();
    for (const child of children) {
      const path = join(folder, child);
      if (hasIndex(path)) sources.push({ name: path, target: path });
      else sources.push({ name: path, target: path, error: `has no index (${INDEX_FILES.join(', ')})` });
    }
  }
  return sources;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function hasIndex(folder: string): boolean {
  return INDEX_FILES.some((file) => existsSync(join(folder, file)));
}

function loadModule(target: string): Promise<unknown> {
  // require, not import(): it loads CommonJS, TypeScript under a require hook (Jest, @swc-node/register)
  // and, since Node 20.19, ES modules too; import() would bypass the TypeScript hooks.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return Promise.resolve(require(target) as unknown);
}

/** The plugins a module exports, or `undefined` when it exports none. */
function pluginsOf(exported: unknown): unknown[] | undefined {
  const named = exported as { default?: unknown; plugins?: unknown; plugin?: unknown } | null;
  const candidates = [named?.default, named?.plugins, named?.plugin, exported];
  for (const candidate of candidates) {
    if (Array.isArray(candidate) && candidate.length > 0 && candidate.every(looksLikePlugin)) {
      return candidate as unknown[];
    }
    if (looksLikePlugin(candidate)) return [candidate];
  }
  return undefined;
}

function looksLikePlugin(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'type' in value && 'version' in value;
}

/** Why `value` is not a usable plugin, or `undefined` when it is. */
function checkPlugin(value: unknown, validator: SchemaValidator): string | undefined {
  const plugin = value as Partial<Plugin>;
  const id = `${String(plugin.type)}@${String(plugin.version)}`;
  if (typeof plugin.type !== 'string' || !PLUGIN_TYPE_PATTERN.test(plugin.type)) {
    return `${id}: type must be dotted lower-case words like "acme.deploy"`;
  }
  if (typeof plugin.version !== 'string' || !parseSemver(plugin.version)) {
    return `${id}: version must be a semantic version like "1.0.0"`;
  }
  if (typeof plugin.title !== 'string' || plugin.title.trim() === '') return `${id}: title is missing`;
  if (typeof plugin.execute !== 'function') return `${id}: execute is not a function`;
  if (plugin.taskQueue !== undefined && (typeof plugin.taskQueue !== 'string' || plugin.taskQueue === '')) {
    return `${id}: taskQueue must be a non-empty string`;
  }
  if (plugin.deprecated !== undefined && (typeof plugin.deprecated !== 'string' || plugin.deprecated === '')) {
    return `${id}: deprecated must say why, and what to use instead`;
  }
  const polling = pollingProblem(plugin, durationToMs);
  if (polling) return `${id}: ${polling}`;
  for (const key of ['inputSchema', 'outputSchema'] as const) {
    const schema = plugin[key];
    if (schema === undefined && key === 'outputSchema') continue;
    if (typeof schema !== 'object' || schema === null) return `${id}: ${key} is missing`;
    try {
      validator.compile(schema);
    } catch (err) {
      return `${id}: ${key} does not compile: ${describe(err)}`;
    }
  }
  for (const [index, example] of (plugin.examples ?? []).entries()) {
    const problems = validator.check(plugin.inputSchema!, example?.with);
    if (problems.length > 0)
      return `${id}: examples[${index}] does not fit the input schema: ${formatProblems(problems)}`;
  }
  return undefined;
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const firstLine = message.split('\n')[0];
  return firstLine.length > 300 ? `${firstLine.slice(0, 300)}…` : firstLine;
}
