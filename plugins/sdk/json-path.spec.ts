import { evaluateJsonPath, parseJsonPath } from './json-path';

describe(evaluateJsonPath.name, () => {
  const doc = {
    data: {
      items: [
        { id: 7, tags: ['a', 'b'] },
        { id: 8, tags: [] },
      ],
      total: 2,
      'odd key.with dots': true,
    },
    nothing: null,
    zero: 0,
  };

  it.each([
    ['$', doc],
    ['$.data.total', 2],
    ['$.data.items[0].id', 7],
    ['$.data.items[-1].id', 8],
    ["$.data['odd key.with dots']", true],
    ['$["data"]["items"][1]["id"]', 8],
    ['$.data.items[*].id', [7, 8]],
    ['$.data.items[*].tags[*]', ['a', 'b']],
    ['$.data.*', [doc.data.items, 2, true]],
    ['$.nothing', null],
    ['$.zero', 0],
  ])('finds %s', (path, expected) => {
    expect(evaluateJsonPath(doc, path)).toEqual({ found: true, value: expected });
  });

  it.each([
    '$.missing',
    '$.data.items[2]',
    '$.data.items[-3]',
    '$.data.total.deeper',
    '$.data.items.id',
    '$.zero[0]',
    '$.data.items[1].tags[*]',
  ])('finds nothing at %s', (path) => {
    expect(evaluateJsonPath(doc, path)).toEqual({ found: false });
  });

  it('does not read inherited properties', () => {
    expect(evaluateJsonPath({}, '$.constructor')).toEqual({ found: false });
    expect(evaluateJsonPath({ a: [] }, '$.a.length')).toEqual({ found: false });
  });
});

describe(parseJsonPath.name, () => {
  it('parses every form into segments', () => {
    expect(parseJsonPath(`$.a['b c'][2][*].*["d\\"e"]`)).toEqual([
      { key: 'a' },
      { key: 'b c' },
      { index: 2 },
      { wildcard: true },
      { wildcard: true },
      { key: 'd"e' },
    ]);
  });

  it.each([
    ['data.id', /must start with \$/],
    ['$.', /expected a property name after "\." at character 3/],
    ['$[abc]', /expected \[index\], \[\*\] or a quoted name at character 2/],
    ['$.a b', /unexpected " " at character 4/],
    ["$['open", /expected \[index\]/],
  ])('refuses %p', (path, message) => {
    expect(() => parseJsonPath(path)).toThrow(message);
  });
});
