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
 * more than {@link MAX_JSON_VALUES} values. Iterative, so it cannot overflow the stack; the copy
 * shares nothing with `raw` (YAML aliases are expanded). Keys whose value is `undefined` are
 * dropped, as JSON.stringify would. Invalid array items become `null` in the copy.
 *
 * @example copyJsonValue({ a: NaN }, 'with', problems) // problems: [{ path: 'with.a', ... }]
 */
export function copyJsonValue(raw: unknown, path: string, problems: Problem[]): JsonValue | undefined {
  // Frames keep their parent and key instead of a path string: paths are built only for problems.
  interface Frame {
    value: unknown;
    parent?: Frame;
    key: string | number;
    depth: number;
    target: JsonValue[] | JsonObject;
  }
  const pathOf = (frame: Frame): string => {
    const keys: Array<string | number> = [];
    for (let at: Frame | undefined = frame; at?.parent; at = at.parent) keys.push(at.key);
    let result = path;
    for (let i = keys.length - 1; i >= 0; i--) result = childPath(result, keys[i]);
    return result;
  };
  const holder: JsonObject = {};
  const stack: Frame[] = [{ value: raw, key: 'value', depth: 0, target: holder }];
  let count = 0;
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    if (++count > MAX_JSON_VALUES) {
      problems.push({ path, message: `holds more than ${MAX_JSON_VALUES} values` });
      return undefined;
    }
    const value = frame.value;
    let copy: JsonValue;
    if (value === null || typeof value === 'string' || typeof value === 'boolean') {
      copy = value;
    } else if (typeof value === 'number') {
      if (!isFiniteNumber(value)) {
        problems.push({ path: pathOf(frame), message: `${value} is not a JSON number` });
        continue;
      }
      copy = value;
    } else if (typeof value !== 'object' || !(isArray(value) || isPlainObject(value))) {
      problems.push({ path: pathOf(frame), message: `${describe(value)} is not a JSON value` });
      continue;
    } else if (frame.depth >= MAX_JSON_DEPTH) {
      problems.push({ path: pathOf(frame), message: `nested deeper than ${MAX_JSON_DEPTH} levels` });
      continue;
    } else if (isArray(value)) {
      const items = new Array<JsonValue>(value.length).fill(null);
      for (let i = value.length - 1; i >= 0; i--) {
        const item: unknown = value[i];
        // Strings, booleans and null are copied in place: most values need no frame of their own.
        if (item === null || typeof item === 'string' || typeof item === 'boolean') items[i] = item;
        else stack.push({ value: item, parent: frame, key: i, depth: frame.depth + 1, target: items });
      }
      copy = items;
    } else {
      const object: JsonObject = {};
      const keys = objectKeys(value);
      const pending: Frame[] = [];
      for (const key of keys) {
        if (key === '__proto__') {
          problems.push({ path: childPath(pathOf(frame), key), message: 'the key __proto__ is not allowed' });
          continue;
        }
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined) continue;
        // Every key is placed now, in order; containers and odd values get their frame (and value) later.
        if (item === null || typeof item === 'string' || typeof item === 'boolean') object[key] = item;
        else {
          object[key] = null;
          pending.push({ value: item, parent: frame, key, depth: frame.depth + 1, target: object });
        }
      }
      for (let i = pending.length - 1; i >= 0; i--) stack.push(pending[i]);
      copy = object;
    }
    if (isArray(frame.target)) frame.target[frame.key as number] = copy;
    else frame.target[frame.key as string] = copy;
  }
  return holder.value;
}
