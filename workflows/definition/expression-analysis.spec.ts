import fc from 'fast-check';
import type { PluginCatalog } from '../../plugins/sdk/plugin';
import { analyze, analyzeWithParser, plainPathAnalysis } from './expression-analysis';
import type { ExpressionAnalysis } from './expression-analysis';
import { validateDefinition } from './validate';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** The fields that decide problems, with `error` absent and present-but-undefined alike. */
function essence(analysis: ExpressionAnalysis): object {
  const { error, type, roots, nodes, inputs, dynamicNodes } = analysis;
  return { error, type, roots: [...roots].sort(), nodes: [...nodes].sort(), inputs: [...inputs].sort(), dynamicNodes };
}

/** Segments people write, and ones the fast path must leave to the parser. */
const segment = fc.oneof(
  fc.constantFrom('inputs', 'vars', 'nodes', 'run', 'secrets', 'item', 'cel', 'int', 'x'),
  fc.constantFrom('build', 'n12', '_a', 'output', 'url', 'A_B', 'status', 'exists', 'has', 'size'),
  fc.constantFrom('true', 'null', 'in', 'as', 'var', 'while', '__proto__', 'prototype', 'namespace'),
  fc.constantFrom('1a', 'a-b', 'a b', ' a', '', 'é', '$', "['x']", '[0]', '?a', 'f()'),
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,12}$/),
);

describe(plainPathAnalysis.name, () => {
  it('reads the root and the first field of a plain path', () => {
    expect(essence(plainPathAnalysis('nodes.build.output.url')!)).toEqual({
      error: undefined,
      type: 'dyn',
      roots: ['nodes'],
      nodes: ['build'],
      inputs: [],
      dynamicNodes: false,
    });
    expect(plainPathAnalysis('inputs.env')?.inputs).toEqual(['env']);
    expect(plainPathAnalysis('nodes')?.dynamicNodes).toBe(true);
  });

  it('leaves everything but a plain path from a scope root to the parser', () => {
    for (const expression of [
      'nodes.a-b.x',
      'nodes.true',
      'inputs.env == "prod"',
      'item.x',
      'nodes.a.',
      ' inputs.x',
      'nodes.in',
    ]) {
      expect(plainPathAnalysis(expression)).toBeUndefined();
    }
  });

  it('gives what the CEL parser gives, whenever it answers', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 40 }), (segments) => {
        const expression = segments.join('.');
        const plain = plainPathAnalysis(expression);
        if (plain) expect(essence(plain)).toEqual(essence(analyzeWithParser(expression)));
      }),
      { numRuns: RUNS },
    );
  });
});

describe(analyze.name, () => {
  const corpus = [
    'nodes.build.output.url',
    'inputs.replicas + 1',
    'inputs.env == "prod" ? "gold" : "bronze"',
    "nodes['build'].output",
    'nodes[inputs.which]',
    'secrets.A + "x"',
    "'a' + 1",
    'undefinedFunction(1)',
    '1 +',
    'cel.bind(x, inputs.a, x + 1)',
  ];

  it('gives the parser’s analysis, cached or not', () => {
    for (let round = 0; round < 2; round++) {
      for (const expression of corpus)
        expect(essence(analyze(expression))).toEqual(essence(analyzeWithParser(expression)));
    }
  });

  it('gives the same answers after its cache was emptied by many distinct expressions', () => {
    const before = corpus.map((expression) => essence(analyze(expression)));
    for (let i = 0; i < 10_050; i++) analyze(`inputs.a + ${i}`);
    expect(corpus.map((expression) => essence(analyze(expression)))).toEqual(before);
  });

  it('carries nothing from one definition into the problems of another', () => {
    const catalog: PluginCatalog = {
      find: (type) =>
        type === 'p' ? { type: 'p', version: '1', title: 'P', inputSchema: { type: 'object' } } : undefined,
      list: () => [],
    };
    const definition = (inputs: object) => ({
      name: 'x',
      inputs,
      nodes: [{ id: 'a', type: 'p', with: { v: '${inputs.env + "x"}', w: '${inputs.env}' } }],
    });
    const paths = (inputs: object) => validateDefinition(definition(inputs), catalog).problems.map((p) => p.path);
    expect(paths({ env: { type: 'string' } })).toEqual([]);
    expect(paths({})).toEqual(['nodes[0].with.v', 'nodes[0].with.w']);
    expect(paths({ env: { type: 'string' } })).toEqual([]);
  });
});
