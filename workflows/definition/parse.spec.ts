import { lineColumn, parseDefinitionText } from './parse';

describe(parseDefinitionText.name, () => {
  it('reads YAML', () => {
    const { value, problems } = parseDefinitionText(
      'name: x\nnodes:\n  - { id: a, type: vars.set, with: { on: yes } }\n',
    );
    expect(problems).toEqual([]);
    // YAML 1.2: `on` and `yes` stay strings, durations and times stay strings.
    expect(value).toEqual({ name: 'x', nodes: [{ id: 'a', type: 'vars.set', with: { on: 'yes' } }] });
    expect(parseDefinitionText('d: 30s\nt: 2026-01-01T00:00:00Z\n').value).toEqual({
      d: '30s',
      t: '2026-01-01T00:00:00Z',
    });
  });

  it('reads JSON, in auto mode and in json mode', () => {
    const text = '{"name": "x", "nodes": [{"id": "a", "type": "vars.set"}]}';
    expect(parseDefinitionText(text).value).toEqual(JSON.parse(text));
    expect(parseDefinitionText(text, 'json').value).toEqual(JSON.parse(text));
  });

  it('expands anchors and merge keys, and skips a byte-order mark', () => {
    const text = [
      '\ufeffretry: &retry { maximumAttempts: 3, initialInterval: 1s }',
      'nodes:',
      '  - { id: a, type: http.request, retry: { <<: *retry, maximumAttempts: 5 } }',
      '  - { id: b, type: http.request, retry: *retry }',
    ].join('\n');
    expect(parseDefinitionText(text)).toEqual({
      value: {
        retry: { maximumAttempts: 3, initialInterval: '1s' },
        nodes: [
          { id: 'a', type: 'http.request', retry: { maximumAttempts: 5, initialInterval: '1s' } },
          { id: 'b', type: 'http.request', retry: { maximumAttempts: 3, initialInterval: '1s' } },
        ],
      },
      problems: [],
    });
    expect(parseDefinitionText('\ufeff{"a": 1}', 'json').value).toEqual({ a: 1 });
  });

  it('reports bad YAML with its line and column', () => {
    expect(parseDefinitionText('name: x\nnodes:\n  - id: a\n   type: b\n').problems).toEqual([
      { path: 'line 4, column 1', message: 'Sequence item without - indicator' },
    ]);
    expect(parseDefinitionText('name: x\nnodes: [1, 2\n').problems).toEqual([
      {
        path: 'line 3, column 1',
        message: 'Flow sequence in block collection must be sufficiently indented and end with a ]',
      },
    ]);
  });

  it('reports duplicate keys and unknown tags', () => {
    expect(parseDefinitionText('name: a\nname: b\n').problems).toEqual([
      { path: 'line 2, column 1', message: 'Map keys must be unique' },
    ]);
    expect(parseDefinitionText('name: !secret x\n').problems).toEqual([
      { path: 'line 1, column 7', message: 'Unresolved tag: !secret' },
    ]);
  });

  it('reports bad JSON with its line and column in json mode', () => {
    expect(parseDefinitionText('{\n  "name": "x",\n  "nodes": [1, 2,]\n}', 'json').problems).toEqual([
      { path: 'line 3, column 18', message: "Unexpected token ']'" },
    ]);
    expect(parseDefinitionText('{"a": 1,\n "b" 2}', 'json').problems).toEqual([
      { path: 'line 2, column 6', message: 'Unexpected number' },
    ]);
    expect(parseDefinitionText("{'a': 1}", 'json').problems).toEqual([
      { path: 'line 1, column 2', message: "Expected property name or '}'" },
    ]);
    expect(parseDefinitionText('{"a": 1} x', 'json').problems).toEqual([
      { path: 'line 1, column 10', message: 'Unexpected non-whitespace character after JSON' },
    ]);
  });

  it('refuses empty input and several documents', () => {
    for (const format of ['auto', 'yaml', 'json'] as const) {
      expect(parseDefinitionText('', format).problems).toEqual([
        { path: 'line 1, column 1', message: 'the definition is empty' },
      ]);
    }
    expect(parseDefinitionText('# just a comment\n').problems).toEqual([
      { path: 'line 1, column 1', message: 'the definition is empty' },
    ]);
    expect(parseDefinitionText('name: a\n---\nname: b\n').problems).toEqual([
      { path: 'line 2, column 1', message: 'a definition file holds one document, not several' },
    ]);
  });

  it('refuses alias bombs and absurd nesting without throwing', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++)
      bomb.push(`${'b'.repeat(i)}: &${'a'.repeat(i + 1)} [${`*${'a'.repeat(i)},`.repeat(10)}]`);
    const result = parseDefinitionText(bomb.join('\n'));
    expect(result.value).toBeUndefined();
    expect(result.problems[0].message).toMatch(/alias/i);

    const deep = parseDefinitionText(`a: ${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(deep.problems).toEqual([{ path: 'line 1, column 260', message: 'nested deeper than 256 levels' }]);
    const dashes = parseDefinitionText(`${'- '.repeat(5_000)}x`);
    expect(dashes.problems).toEqual([{ path: 'line 1, column 513', message: 'nested deeper than 256 levels' }]);
  });

  it('keeps brackets inside quotes and comments out of the nesting count', () => {
    const text = `name: "${'['.repeat(300)}"\n# ${'{'.repeat(300)}\ncommand: '${'['.repeat(300)}'\n`;
    expect(parseDefinitionText(text).problems).toEqual([]);
  });

  it('keeps a __proto__ key as data', () => {
    const { value } = parseDefinitionText('__proto__: { polluted: true }\n');
    expect(Object.keys(value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never throws', () => {
    for (const text of [
      undefined,
      null,
      42,
      '\u0000',
      '%YAML 9.9\n---\na: 1',
      '!!binary x',
      ': :',
      '[',
      '{"a":',
    ] as never[]) {
      expect(() => parseDefinitionText(text)).not.toThrow();
      expect(() => parseDefinitionText(text, 'json')).not.toThrow();
    }
  });
});

describe(lineColumn.name, () => {
  it('counts from 1', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn('ab', 99)).toEqual({ line: 1, column: 3 });
  });
});
