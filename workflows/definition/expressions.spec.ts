import {
  analyzeExpression,
  analyzeTemplate,
  checkExpression,
  collectExpressions,
  evaluateCondition,
  evaluateExpression,
  ExpressionError,
  fromCel,
  resolveTemplate,
  splitTemplate,
  toCel,
} from './expressions';
import type { ExpressionReference } from './expressions';

const scope = toCel({
  inputs: { env: 'prod', replicas: 3, ratio: 0.5, flag: true, list: [1, 2], obj: { a: 1 } },
  vars: { count: 2 },
  nodes: {
    build: { status: 'SUCCEEDED', output: { body: { artifact: 'web-1.2.tgz' }, items: [{ ok: true, name: 'a' }] } },
  },
  run: { id: 'r-1', startedBy: 'alice', startedAt: '2026-01-01T00:00:00Z' },
}) as Record<string, unknown>;

function plain(reference: ExpressionReference): Record<string, string[]> {
  return {
    roots: [...reference.roots].sort(),
    nodes: [...reference.nodes].sort(),
    inputs: [...reference.inputs].sort(),
    vars: [...reference.vars].sort(),
    dynamic: [...reference.dynamic].sort(),
  };
}

function thrown(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ExpressionError);
    return err as ExpressionError;
  }
  throw new Error('expected an ExpressionError');
}

describe(resolveTemplate.name, () => {
  it('interpolates expressions into strings', () => {
    expect(resolveTemplate('https://ci.local/build/${inputs.env}?n=${inputs.replicas}', scope)).toBe(
      'https://ci.local/build/prod?n=3',
    );
    expect(resolveTemplate('echo ${nodes.build.output.body.artifact} by ${run.startedBy}', scope)).toBe(
      'echo web-1.2.tgz by alice',
    );
  });

  it('writes non-string values into strings as JSON', () => {
    expect(resolveTemplate('o=${inputs.obj} l=${inputs.list} f=${inputs.flag} r=${inputs.ratio}', scope)).toBe(
      'o={"a":1} l=[1,2] f=true r=0.5',
    );
  });

  it('keeps the type of a value that is exactly one expression', () => {
    expect(resolveTemplate('${inputs.replicas}', scope)).toBe(3);
    expect(resolveTemplate('${inputs.replicas + 1}', scope)).toBe(4);
    expect(resolveTemplate('${inputs.flag}', scope)).toBe(true);
    expect(resolveTemplate('${inputs.list}', scope)).toEqual([1, 2]);
    expect(resolveTemplate('${ {"a": inputs.replicas} }', scope)).toEqual({ a: 3 });
    expect(resolveTemplate('${null}', scope)).toBeNull();
    // Anything around the expression makes it a string.
    expect(resolveTemplate(' ${inputs.replicas}', scope)).toBe(' 3');
  });

  it('resolves every string inside objects and arrays', () => {
    expect(
      resolveTemplate(
        { url: 'https://x/${inputs.env}', n: '${inputs.replicas}', list: ['${vars.count}', 7], none: null },
        scope,
      ),
    ).toEqual({ url: 'https://x/prod', n: 3, list: [2, 7], none: null });
  });

  it('writes a literal ${ for $${', () => {
    expect(resolveTemplate('echo $${HOME} ${inputs.env}', scope)).toBe('echo ${HOME} prod');
    expect(resolveTemplate('for f in $${FILES[@]}; do echo "$$f"; done', scope)).toBe(
      'for f in ${FILES[@]}; do echo "$$f"; done',
    );
    expect(resolveTemplate('cost: $5', scope)).toBe('cost: $5');
  });

  it('respects braces and quotes inside an expression', () => {
    expect(resolveTemplate('${ {"k": "}"}["k"] }', scope)).toBe('}');
    expect(resolveTemplate("${'a}b'}", scope)).toBe('a}b');
    expect(resolveTemplate('${"{" + "}"}', scope)).toBe('{}');
    expect(resolveTemplate('${"say \\"}\\""}', scope)).toBe('say "}"');
    expect(resolveTemplate('[${ [1, 2].map(x, {"v": x}).size() }]', scope)).toBe('[2]');
  });

  it('reports unterminated and empty expressions', () => {
    expect(thrown(() => resolveTemplate('echo ${inputs.env', scope)).detail).toBe('unterminated `${`');
    expect(thrown(() => resolveTemplate('echo ${ }', scope)).detail).toBe('empty `${}`');
  });

  it('reports evaluation errors with the expression', () => {
    const error = thrown(() => resolveTemplate('${inputs.nope}', scope));
    expect(error.expression).toBe('inputs.nope');
    expect(error.message).toBe('No such key: nope in `inputs.nope`');
  });

  it('keeps __proto__ keys as data', () => {
    const resolved = resolveTemplate(JSON.parse('{"__proto__": {"x": "${inputs.env}"}}'), scope) as object;
    expect(Object.keys(resolved)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(resolved)).toBe(Object.prototype);
  });
});

describe('CEL integers and JSON numbers', () => {
  it('turns integral numbers into bigint going in, and bigint into number coming out', () => {
    expect(toCel({ a: 1, b: 1.5, c: [2, 'x'], d: { e: -3 }, f: null })).toEqual({
      a: 1n,
      b: 1.5,
      c: [2n, 'x'],
      d: { e: -3n },
      f: null,
    });
    expect(fromCel(5n)).toBe(5);
    expect(fromCel([1n, 2.5, 'x', true, null])).toEqual([1, 2.5, 'x', true, null]);
    expect(
      fromCel(
        new Map<unknown, unknown>([
          ['a', 1n],
          [2n, 'b'],
        ]),
      ),
    ).toEqual({ a: 1, 2: 'b' });
    expect(fromCel(new Uint8Array([104, 105]))).toEqual([104, 105]);
    expect(fromCel(undefined)).toBeNull();
    expect(fromCel(Number.NaN)).toBeNull();
  });

  it('does int arithmetic on integral inputs, so mixing with doubles needs double()', () => {
    expect(evaluateExpression('inputs.replicas / 2', scope)).toBe(1);
    expect(evaluateExpression('double(inputs.replicas) / 2.0', scope)).toBe(1.5);
    expect(evaluateExpression('inputs.ratio * 2.0', scope)).toBe(1);
    expect(thrown(() => evaluateExpression('inputs.replicas * 1.5', scope)).detail).toMatch(/no such overload/);
  });

  it('keeps integers above 2^53 as close as a number can', () => {
    const big = toCel({ n: 2 ** 53 + 2 }) as Record<string, unknown>;
    expect(big.n).toBe(9007199254740994n);
    expect(evaluateExpression('n', big)).toBe(9007199254740994);
  });
});

describe(evaluateCondition.name, () => {
  it('gives a bool', () => {
    expect(evaluateCondition("inputs.env == 'prod' && inputs.replicas > 2", scope)).toBe(true);
    expect(evaluateCondition('nodes.build.output.items.exists(i, i.ok)', scope)).toBe(true);
    expect(evaluateCondition("nodes.build.status != 'SUCCEEDED'", scope)).toBe(false);
  });

  it('refuses anything but a bool', () => {
    expect(thrown(() => evaluateCondition('inputs.replicas', scope)).detail).toBe('condition gave number, not bool');
    expect(thrown(() => evaluateCondition('"yes"', scope)).detail).toBe('condition gave string, not bool');
    expect(thrown(() => evaluateCondition('inputs.list', scope)).detail).toBe('condition gave object, not bool');
  });

  it('fails on missing keys and on syntax errors', () => {
    expect(thrown(() => evaluateCondition('inputs.nope == 1', scope)).detail).toBe('No such key: nope');
    expect(thrown(() => evaluateCondition('inputs.env ==', scope)).message).toBe(
      'Unexpected token: EOF in `inputs.env ==`',
    );
  });
});

describe(analyzeExpression.name, () => {
  it('finds roots, nodes, inputs and vars', () => {
    expect(plain(analyzeExpression("nodes.build.output.ok && inputs.env == 'prod' && vars.count > 1"))).toEqual({
      roots: ['inputs', 'nodes', 'vars'],
      nodes: ['build'],
      inputs: ['env'],
      vars: ['count'],
      dynamic: [],
    });
    expect(plain(analyzeExpression("nodes['deploy'].status == 'FAILED' || has(nodes.test.output.x)"))).toMatchObject({
      nodes: ['deploy', 'test'],
    });
  });

  it('reports unknown roots for the validator to name', () => {
    expect(plain(analyzeExpression('env.HOME + run.id + secrets.token')).roots).toEqual(['env', 'run', 'secrets']);
  });

  it('does not take macro variables for roots', () => {
    expect(plain(analyzeExpression('nodes.a.output.items.filter(i, i.ok).map(i, i.name)'))).toEqual({
      roots: ['nodes'],
      nodes: ['a'],
      inputs: [],
      vars: [],
      dynamic: [],
    });
    expect(plain(analyzeExpression('inputs.hosts.all(h, h.startsWith(inputs.prefix))'))).toMatchObject({
      roots: ['inputs'],
      inputs: ['hosts', 'prefix'],
    });
    expect(plain(analyzeExpression('[1].exists_one(x, x == y)')).roots).toEqual(['y']);
    expect(plain(analyzeExpression('[[1]].map(x, x.map(y, x.size() + y))')).roots).toEqual([]);
  });

  it('treats a macro variable named like a root as that variable', () => {
    expect(plain(analyzeExpression('[1].map(nodes, nodes.x)'))).toMatchObject({ roots: [], nodes: [] });
    expect(plain(analyzeExpression('[1].map(nodes, nodes["x"])'))).toMatchObject({ roots: [], nodes: [] });
  });

  it('binds cel.bind variables in their expression only', () => {
    expect(plain(analyzeExpression('cel.bind(n, inputs.replicas, n * 2 + m)'))).toMatchObject({
      roots: ['inputs', 'm'],
      inputs: ['replicas'],
    });
  });

  it('marks roots read by a computed key', () => {
    expect(plain(analyzeExpression('nodes[inputs.which].output'))).toMatchObject({
      roots: ['inputs', 'nodes'],
      nodes: [],
      inputs: ['which'],
      dynamic: ['nodes'],
    });
    expect(plain(analyzeExpression('size(inputs) > 0')).dynamic).toEqual(['inputs']);
  });

  it('throws ExpressionError when the expression does not parse', () => {
    expect(thrown(() => analyzeExpression('nodes.')).message).toBe('Expected IDENTIFIER, got EOF in `nodes.`');
  });
});

describe(analyzeTemplate.name, () => {
  it('merges the references of every part and skips escaped ones', () => {
    expect(plain(analyzeTemplate('${nodes.a.output} and ${inputs.env} but not $${nodes.b.output}'))).toEqual({
      roots: ['inputs', 'nodes'],
      nodes: ['a'],
      inputs: ['env'],
      vars: [],
      dynamic: [],
    });
  });
});

describe(splitTemplate.name, () => {
  it('splits text and expressions', () => {
    expect(splitTemplate('a ${x} b $${y} ${ z }')).toEqual([
      { text: 'a ' },
      { expr: 'x' },
      { text: ' b ${y} ' },
      { expr: 'z' },
    ]);
    expect(splitTemplate('')).toEqual([{ text: '' }]);
    expect(splitTemplate('$')).toEqual([{ text: '$' }]);
  });
});

describe(collectExpressions.name, () => {
  it('finds each string that holds an expression, with its path', () => {
    expect(
      collectExpressions(
        { url: 'https://${inputs.env}', n: 1, list: ['x', '${vars.a}'], deep: { s: '${run.id}' } },
        'with',
      ),
    ).toEqual([
      { path: 'with.url', source: 'https://${inputs.env}' },
      { path: 'with.list[1]', source: '${vars.a}' },
      { path: 'with.deep.s', source: '${run.id}' },
    ]);
  });
});

describe(checkExpression.name, () => {
  it('gives the static type, or the type error', () => {
    expect(checkExpression('inputs.x > 1')).toEqual({ type: 'bool' });
    expect(checkExpression('nodes.a.output.body')).toEqual({ type: 'dyn' });
    expect(checkExpression('"a" + "b"')).toEqual({ type: 'string' });
    expect(checkExpression("'a' + 1")).toEqual({ error: 'no such overload: string + int' });
    expect(checkExpression('nosuch(1)')).toEqual({ error: "found no matching overload for 'nosuch(int)'" });
  });

  it('throws ExpressionError when the expression does not parse', () => {
    thrown(() => checkExpression('1 +'));
  });
});
