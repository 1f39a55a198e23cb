import { createHash } from 'node:crypto';
import { canonicalJson, contentHash } from './content-hash';

describe(canonicalJson.name, () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: [true, { d: null, c: 'x' }] })).toBe('{"a":[true,{"c":"x","d":null}],"b":1}');
    expect(canonicalJson([2, 1])).toBe('[2,1]');
  });

  it('escapes keys and strings as JSON does', () => {
    expect(canonicalJson({ 'a"b': 'line\nbreak', é: 'ü' })).toBe('{"a\\"b":"line\\nbreak","é":"ü"}');
    expect(JSON.parse(canonicalJson({ 'a"b': 'line\nbreak' }))).toEqual({ 'a"b': 'line\nbreak' });
  });
});

describe(contentHash.name, () => {
  it('is the hex SHA-256 of the canonical text', () => {
    const value = { name: 'x', nodes: [{ id: 'a', type: 'builtin.noop' }] };
    expect(contentHash(value)).toBe(createHash('sha256').update(canonicalJson(value)).digest('hex'));
    expect(contentHash(value)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores key order but not values nor array order', () => {
    const a = {
      name: 'x',
      nodes: [
        { id: 'a', type: 'builtin.noop' },
        { type: 'builtin.noop', id: 'b' },
      ],
    };
    const reordered = {
      nodes: [
        { type: 'builtin.noop', id: 'a' },
        { id: 'b', type: 'builtin.noop' },
      ],
      name: 'x',
    };
    expect(contentHash(reordered)).toBe(contentHash(a));
    expect(contentHash({ ...a, name: 'y' })).not.toBe(contentHash(a));
    expect(contentHash({ ...a, nodes: [...a.nodes].reverse() })).not.toBe(contentHash(a));
    expect(contentHash({ n: 1 })).not.toBe(contentHash({ n: '1' }));
  });
});
