import { childPath, copyJsonValue, formatProblems, MAX_JSON_DEPTH } from './problems';
import type { Problem } from './problems';

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
});
