import type { JsonObject, JsonValue } from './types';

// Built-ins captured once: inside a vm context (Jest, the Temporal workflow sandbox) every read of a
// global such as \`Object\` goes through an interceptor, which made validation several times slower.
const { getPrototypeOf, keys: objectKeys, prototype: OBJECT_PROTOTYPE } = Object;
const { isArray } = Array;
const { isFinite: isFiniteNumber } = Number;

/**
 * One thing wrong (or worth a warning) in a definition or in run inputs.
 *
 * @example { path: 'nodes[3].with.url', message: 'must match format "uri"' }
 */
export interface Problem {
  /** Where: `nodes[3].with.url`, `edges[2].when`, `inputs.env.default`, or `line 4, column 7` for syntax errors. */
  path: string;
  /** What, in one line. */
  message: string;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Appends one step to a path: `[3]` for an index, `.key` for a plain key, `["odd key"]` otherwise.
 * At the top level (empty `base`) a plain key stands alone: `outputs`, not `.outputs`.
 *
 * @example childPath('nodes[0].with', 'url') === 'nodes[0].with.url'
 */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (PLAIN_KEY.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

/** The first line of an error's message, for a problem; never throws (a thrown value may be anything). */
export function errorMessage(err: unknown): string {
  try {
    const message = err instanceof Error ? err.message : String(err);
    return message.split('\n')[0] || 'unknown error';
  } catch {
    return 'unknown error';
  }
}

/** Formats problems the way the CLI prints them: one `<path>: <message>` line each. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n');
}

/** Limits that keep hostile input from exhausting the stack or memory of whoever checks it. */
export const MAX_JSON_DEPTH = 64;
export const MAX_JSON_VALUES = 1_000_000;

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null) {
    const name = (getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    return typeof name === 'string' && name ? name : 'object';
  }
  return typeof value;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = getPrototypeOf(value);
  return proto === OBJECT_PROTOTYPE || proto === null;
}

/**
 * Copies `raw` as plain JSON, reporting whatever is not JSON under `path`: functions, class
 * instances, non-finite numbers, `__proto__` keys, nesting deeper than {@link MAX_JSON_DEPTH},
 * more than {@link MAX_JSON_VALUES} values. Recursive only down to MAX_JSON_DEPTH levels, so it
 * cannot overflow the stack; the copy shares nothing with `raw` (YAML aliases are expanded). Keys
 * whose value is `undefined` are dropped, as JSON.stringify would. Invalid array items become
 * `null` in the copy.
 *
 * @example copyJsonValue({ a: NaN }, 'with', problems) // problems: [{ path: 'with.a', ... }]
 */
export function copyJsonValue(raw: unknown, path: string, problems: Problem[]): JsonValue | undefined {
  const copier = new JsonCopier(path, problems);
  const copy = copier.copy(raw, 0);
  if (!copier.overflow) return copy;
  problems.push({ path, message: `holds more than ${MAX_JSON_VALUES} values` });
  return undefined;
}

/** Strings, booleans and null are copied in place: most values need no call of their own. */
function isLeaf(value: unknown): value is string | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'boolean';
}

/**
 * One copy in progress. The keys from the root to the value being copied sit on a stack, so a
 * path is built only for a problem; every value but a leaf inside a container counts towards
 * MAX_JSON_VALUES, and once over it the copy stops.
 */
class JsonCopier {
  overflow = false;
  private count = 0;
  private readonly keys: Array<string | number> = [];

  constructor(
    private readonly path: string,
    private readonly problems: Problem[],
  ) {}

  /** The copy of `value`, or undefined when it is not JSON (reported) or the copy overflowed. */
  copy(value: unknown, depth: number): JsonValue | undefined {
    if (++this.count > MAX_JSON_VALUES) {
      this.overflow = true;
      return undefined;
    }
    if (isLeaf(value)) return value;
    if (typeof value === 'number') {
      if (isFiniteNumber(value)) return value;
      this.report(`${value} is not a JSON number`);
      return undefined;
    }
    if (typeof value !== 'object' || !(isArray(value) || isPlainObject(value))) {
      this.report(`${describe(value)} is not a JSON value`);
      return undefined;
    }
    if (depth >= MAX_JSON_DEPTH) {
      this.report(`nested deeper than ${MAX_JSON_DEPTH} levels`);
      return undefined;
    }
    return isArray(value)
      ? this.copyArray(value, depth + 1)
      : this.copyObject(value as Record<string, unknown>, depth + 1);
  }

  private copyArray(value: readonly unknown[], depth: number): JsonValue[] {
    const items = new Array<JsonValue>(value.length).fill(null);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (isLeaf(item)) items[i] = item;
      else {
        const copy = this.child(i, item, depth);
        if (this.overflow) return items;
        if (copy !== undefined) items[i] = copy;
      }
    }
    return items;
  }

  /** Every key is placed first, in order (problems with keys come first); containers and odd values are copied after. */
  private copyObject(value: Record<string, unknown>, depth: number): JsonObject {
    const object: JsonObject = {};
    let pending: unknown[] | undefined; // key, value, key, value...
    for (const key of objectKeys(value)) {
      if (key === '__proto__') {
        this.problems.push({ path: childPath(this.here(), key), message: 'the key __proto__ is not allowed' });
        continue;
      }
      const item = value[key];
      if (item === undefined) continue;
      if (isLeaf(item)) object[key] = item;
      else {
        object[key] = null;
        (pending ??= []).push(key, item);
      }
    }
    if (!pending) return object;
    for (let i = 0; i < pending.length; i += 2) {
      const key = pending[i] as string;
      const copy = this.child(key, pending[i + 1], depth);
      if (this.overflow) return object;
      if (copy !== undefined) object[key] = copy;
    }
    return object;
  }

  private child(key: string | number, value: unknown, depth: number): JsonValue | undefined {
    this.keys.push(key);
    const copy = this.copy(value, depth);
    this.keys.pop();
    return copy;
  }

  private here(): string {
    let result = this.path;
    for (const key of this.keys) result = childPath(result, key);
    return result;
  }

  private report(message: string): void {
    this.problems.push({ path: this.here(), message });
  }
}
