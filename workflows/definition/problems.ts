import type { JsonObject, JsonValue } from './types';

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
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    return typeof name === 'string' && name ? name : 'object';
  }
  return typeof value;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Copies `raw` as plain JSON, reporting whatever is not JSON under `path`: functions, class
 * instances, non-finite numbers, `__proto__` keys, nesting deeper than {@link MAX_JSON_DEPTH},
 * more than {@link MAX_JSON_VALUES} values. Iterative, so it cannot overflow the stack; the copy
 * shares nothing with `raw` (YAML aliases are expanded). Keys whose value is `undefined` are
 * dropped, as JSON.stringify would. Invalid array items become `null` in the copy.
 *
 * @example copyJsonValue({ a: NaN }, 'with', problems) // problems: [{ path: 'with.a', ... }]
 */
export function copyJsonValue(raw: unknown, path: string, problems: Problem[]): JsonValue | undefined {
  const holder: { value?: JsonValue } = {};
  type Task = { value: unknown; path: string; depth: number; assign: (value: JsonValue) => void };
  const stack: Task[] = [{ value: raw, path, depth: 0, assign: (value) => (holder.value = value) }];
  let count = 0;
  while (stack.length > 0) {
    const task = stack.pop() as Task;
    if (++count > MAX_JSON_VALUES) {
      problems.push({ path, message: `holds more than ${MAX_JSON_VALUES} values` });
      return undefined;
    }
    const value = task.value;
    if (value === null || typeof value === 'string' || typeof value === 'boolean') {
      task.assign(value);
      continue;
    }
    if (typeof value === 'number') {
      if (Number.isFinite(value)) task.assign(value);
      else problems.push({ path: task.path, message: `${value} is not a JSON number` });
      continue;
    }
    if (typeof value !== 'object' || !(Array.isArray(value) || isPlainObject(value))) {
      problems.push({ path: task.path, message: `${describe(value)} is not a JSON value` });
      continue;
    }
    if (task.depth >= MAX_JSON_DEPTH) {
      problems.push({ path: task.path, message: `nested deeper than ${MAX_JSON_DEPTH} levels` });
      continue;
    }
    if (Array.isArray(value)) {
      const copy: JsonValue[] = new Array<JsonValue>(value.length).fill(null);
      task.assign(copy);
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push({
          value: value[i],
          path: childPath(task.path, i),
          depth: task.depth + 1,
          assign: (item) => (copy[i] = item),
        });
      }
      continue;
    }
    const copy: JsonObject = {};
    task.assign(copy);
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      if (key === '__proto__') {
        problems.push({ path: childPath(task.path, key), message: 'the key __proto__ is not allowed' });
        continue;
      }
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined) continue;
      stack.push({
        value: item,
        path: childPath(task.path, key),
        depth: task.depth + 1,
        assign: (v) => (copy[key] = v),
      });
    }
  }
  return holder.value;
}
