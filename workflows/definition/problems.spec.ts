import fc from 'fast-check';
import { childPath, copyJsonValue, formatProblems, MAX_JSON_DEPTH, MAX_JSON_VALUES } from './problems';
import type { Problem } from './problems';
import type { JsonObject, JsonValue } from './types';

const { getPrototypeOf, keys: objectKeys, prototype: OBJECT_PROTOTYPE } = Object;
const { isArray } = Array;
const { isFinite: isFiniteNumber } = Number;

function describe_(value: unknown): string {
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

/** The previous, iterative copyJsonValue: the oracle the recursive one must match exactly. */
function iterativeCopy(raw: unknown, path: string, problems: Problem[]): JsonValue | undefined {
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
      problems.push({ path: pathOf(frame), message: `${describe_(value)} is not a JSON value` });
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

/** Values with everything copyJsonValue must report: odd numbers, undefined, functions, class instances, __proto__ keys. */
const oddValue = fc.oneof(
  fc.constantFrom(NaN, Infinity, undefined, () => 1, new Date(0), new Map(), Symbol('s'), 1n),
  fc.constant(JSON.parse('{"__proto__": 1, "a": 2}') as unknown),
);
const anyValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.double(), fc.integer(), oddValue),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('a', 'b c', '1', '__proto__')), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe(childPath.name, () => {
  it('joins indexes, plain keys and odd keys', () => {
    expect(childPath('', 'nodes')).toBe('nodes');
    expect(childPath('nodes', 3)).toBe('nodes[3]');
    expect(childPath('nodes[3].with', 'url')).toBe('nodes[3].with.url');
    expect(childPath('nodes[3].with.headers', 'X-Trace')).toBe('nodes[3].with.headers.X-Trace');
    expect(childPath('outputs', 'a b')).toBe('outputs["a b"]');
    expect(childPath('', '1st')).toBe('["1st"]');
  });
});

describe(formatProblems.name, () => {
  it('prints one line per problem', () => {
    expect(
      formatProblems([
        { path: 'nodes[0].id', message: 'is required' },
        { path: 'name', message: 'must be a non-empty string' },
      ]),
    ).toBe('nodes[0].id: is required\nname: must be a non-empty string');
  });
});

describe(copyJsonValue.name, () => {
  it('copies JSON without sharing anything', () => {
    const shared = { n: 1 };
    const raw = { a: [shared, shared, 'x', null, true, 1.5], b: { c: shared } };
    const problems: Problem[] = [];
    const copy = copyJsonValue(raw, 'root', problems) as typeof raw;
    expect(problems).toEqual([]);
    expect(copy).toEqual(raw);
    expect(copy.a[0]).not.toBe(shared);
    expect(copy.a[0]).not.toBe(copy.a[1]);
    expect(Object.keys(copy)).toEqual(['a', 'b']);
  });

  it('keeps key order and drops undefined values', () => {
    const problems: Problem[] = [];
    const copy = copyJsonValue({ z: { deep: 1 }, a: 'x', m: undefined, b: [1] }, '', problems);
    expect(Object.keys(copy as object)).toEqual(['z', 'a', 'b']);
    expect(problems).toEqual([]);
  });

  it('reports depth, non-JSON values and __proto__ keys by path', () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH + 5; i++) deep = { d: deep };
    const problems: Problem[] = [];
    copyJsonValue({ deep, inf: Infinity, sym: Symbol('s'), ...JSON.parse('{"__proto__": 1}') }, 'v', problems);
    expect(problems).toEqual([
      { path: 'v.__proto__', message: 'the key __proto__ is not allowed' },
      { path: `v.deep${'.d'.repeat(MAX_JSON_DEPTH - 1)}`, message: `nested deeper than ${MAX_JSON_DEPTH} levels` },
      { path: 'v.inf', message: 'Infinity is not a JSON number' },
      { path: 'v.sym', message: 'symbol is not a JSON value' },
    ]);
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    const problems: Problem[] = [];
    expect(copyJsonValue(bare, '', problems)).toEqual({ a: 1 });
    expect(problems).toEqual([]);
  });

  it('copies and reports exactly as the iterative copy did, in the same order', () => {
    fc.assert(
      fc.property(anyValue, fc.constantFrom('', 'with', 'nodes[0]'), (raw, path) => {
        const mine: Problem[] = [];
        const theirs: Problem[] = [];
        expect(copyJsonValue(raw, path, mine)).toEqual(iterativeCopy(raw, path, theirs));
        expect(mine).toEqual(theirs);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });

  it('stops at the value limit, as the iterative copy did', () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH + 2; i++) deep = [deep];
    const raw = { bad: NaN, deep, many: new Array<number>(MAX_JSON_VALUES).fill(1), after: Infinity };
    const mine: Problem[] = [];
    const theirs: Problem[] = [];
    expect(copyJsonValue(raw, 'v', mine)).toBeUndefined();
    expect(iterativeCopy(raw, 'v', theirs)).toBeUndefined();
    expect(mine).toEqual(theirs);
    expect(mine.at(-1)).toEqual({ path: 'v', message: `holds more than ${MAX_JSON_VALUES} values` });
  });
});
