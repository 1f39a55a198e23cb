import type { JsonValue } from './types';

/** One step of a parsed JSON path. */
export type JsonPathSegment = { key: string } | { index: number } | { wildcard: true };

/** What a JSON path found: nothing, one value, or (with a wildcard) the list of every match. */
export type JsonPathResult = { found: false } | { found: true; value: JsonValue };

/**
 * Parses a JSON path in the small dialect plugins use: `$` (the whole value), `.name`,
 * `['name']` or `["name"]` (any characters), `[0]` and `[-1]` (from the end), `[*]` or `.*`
 * (every element or property value).
 *
 * @throws Error saying where the path stops making sense.
 * @example parseJsonPath('$.data.items[0].id') // [{ key: 'data' }, { key: 'items' }, { index: 0 }, { key: 'id' }]
 */
export function parseJsonPath(path: string): JsonPathSegment[] {
  if (!path.startsWith('$')) throw new Error(`JSON path ${JSON.stringify(path)} must start with $`);
  const segments: JsonPathSegment[] = [];
  let at = 1;
  const fail = (what: string): never => {
    throw new Error(`JSON path ${JSON.stringify(path)}: ${what} at character ${at + 1}`);
  };
  while (at < path.length) {
    const char = path[at];
    if (char === '.') {
      at += 1;
      if (path[at] === '*') {
        segments.push({ wildcard: true });
        at += 1;
        continue;
      }
      const name = /^[A-Za-z_$][\w$-]*/.exec(path.slice(at))?.[0];
      if (!name) fail('expected a property name after "."');
      segments.push({ key: name! });
      at += name!.length;
    } else if (char === '[') {
      const rest = path.slice(at);
      const index = /^\[\s*(-?\d+)\s*\]/.exec(rest);
      const star = /^\[\s*\*\s*\]/.exec(rest);
      const quoted = /^\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/.exec(rest);
      if (index) {
        segments.push({ index: Number(index[1]) });
        at += index[0].length;
      } else if (star) {
        segments.push({ wildcard: true });
        at += star[0].length;
      } else if (quoted) {
        const raw = quoted[1] ?? quoted[2];
        segments.push({ key: raw.replace(/\\(.)/g, '$1') });
        at += quoted[0].length;
      } else {
        fail('expected [index], [*] or a quoted name');
      }
    } else {
      fail(`unexpected "${char}"`);
    }
  }
  return segments;
}

/**
 * Evaluates a JSON path (see {@link parseJsonPath}) against `value`. Without a wildcard it finds
 * one value or nothing; with one, the list of every match (nothing when the list is empty).
 *
 * @throws Error when the path does not parse.
 * @example
 * evaluateJsonPath({ data: { items: [{ id: 7 }] } }, '$.data.items[0].id') // { found: true, value: 7 }
 * evaluateJsonPath({ hosts: [{ ip: 'a' }, { ip: 'b' }] }, '$.hosts[*].ip')  // { found: true, value: ['a', 'b'] }
 */
export function evaluateJsonPath(value: JsonValue, path: string | JsonPathSegment[]): JsonPathResult {
  const segments = typeof path === 'string' ? parseJsonPath(path) : path;
  let current: JsonValue[] = [value];
  for (const segment of segments) {
    const next: JsonValue[] = [];
    for (const item of current) {
      if ('wildcard' in segment) {
        if (Array.isArray(item)) next.push(...item);
        else if (isObject(item)) next.push(...Object.values(item));
      } else if ('index' in segment) {
        if (!Array.isArray(item)) continue;
        const position = segment.index < 0 ? item.length + segment.index : segment.index;
        if (position >= 0 && position < item.length) next.push(item[position]);
      } else if (isObject(item) && Object.prototype.hasOwnProperty.call(item, segment.key)) {
        next.push(item[segment.key]);
      }
    }
    current = next;
  }
  if (segments.some((segment) => 'wildcard' in segment)) {
    return current.length > 0 ? { found: true, value: current } : { found: false };
  }
  return current.length > 0 ? { found: true, value: current[0] } : { found: false };
}

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
