import fc from 'fast-check';
import {
  analyzeExpression,
  checkExpression,
  evaluateCondition,
  evaluateExpression,
  ExpressionError,
  fromCel,
  resolveTemplate,
  splitTemplate,
  toCel,
} from './expressions';
import type { JsonValue } from './types';

/** Runs per property; CI keeps the default, the long hunt sets FUZZ_RUNS=10000. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

/** Pieces CEL (and people) write, glued at random: most results do not parse, many do. */
const token = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('inputs', 'vars', 'nodes', 'run', 'secrets', 'x', 'item', 'index', 'cel') },
  {
    weight: 6,
    arbitrary: fc.constantFrom('.a', '.b', '.env', '.output', '.status', '.list', "['a']", '[0]', '[1]', '.?a'),
  },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      ' + ',
      ' - ',
      ' * ',
      ' / ',
      ' % ',
      ' == ',
      ' != ',
      ' < ',
      ' >= ',
      ' && ',
      ' || ',
      ' in ',
    ),
  },
  { weight: 3, arbitrary: fc.constantFrom('!', '-', ' ? ', ' : ', ', ', '(', ')', '[', ']', '{', '}', ': ') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '0',
      '1',
      '-1',
      '2.5',
      '1u',
      '9223372036854775807',
      '18446744073709551615u',
      '1e308',
      'true',
      'null',
      "'a'",
      '"b"',
      "''",
      "b'x'",
      "r'\\d'",
      "'\\u0000'",
    ),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'size(',
      'has(',
      'int(',
      'uint(',
      'double(',
      'string(',
      'dyn(',
      'type(',
      'timestamp(',
      'duration(',
      '.map(v, ',
      '.filter(v, ',
      '.all(v, ',
      '.exists(v, ',
      '.contains(',
      '.startsWith(',
      '.matches(',
      'cel.bind(y, ',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

const celIsh = fc.array(token, { minLength: 1, maxLength: 14 }).map((parts) => parts.join(''));

/** Expressions that parse, so evaluation (not parsing) gets exercised. */
const wellFormed = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      'inputs.a',
      'inputs.b',
      'vars.a',
      "nodes['a'].output",
      'run.id',
      'x',
      'item',
      'inputs.list',
      'inputs',
    ),
    fc.constantFrom('0', '1', '-7', '2.5', 'true', 'false', 'null', "'s'", '[]', '{}', '[1, 2, 3]', "{'k': 1}"),
    fc
      .tuple(
        tie('expr'),
        fc.constantFrom('+', '-', '*', '/', '%', '==', '!=', '<', '>=', '&&', '||', 'in'),
        tie('expr'),
      )
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([c, a, b]) => `(${c} ? ${a} : ${b})`),
    fc
      .tuple(fc.constantFrom('size', 'int', 'string', 'double', 'has', 'dyn', 'type'), tie('expr'))
      .map(([fn, a]) => `${fn}(${a})`),
    fc
      .tuple(tie('expr'), fc.constantFrom('map', 'filter', 'all', 'exists'), tie('expr'))
      .map(([a, macro, b]) => `${a}.${macro}(v, ${b})`),
    fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `${a}[${b}]`),
    fc.tuple(tie('expr'), fc.constantFrom('a', 'b', 'list', 'output')).map(([a, f]) => `${a}.${f}`),
  ),
})).expr;

const anyExpression = fc.oneof(celIsh, wellFormed, fc.string({ maxLength: 40 }));

/** JSON scopes with the roots an evaluation meets, plus names that are not roots. */
const scopeArb = fc
  .record({
    inputs: fc.dictionary(fc.constantFrom('a', 'b', 'env', 'list', '__proto__'), fc.jsonValue({ maxDepth: 3 })),
    vars: fc.dictionary(fc.constantFrom('a', 'b'), fc.jsonValue({ maxDepth: 2 })),
    nodes: fc.dictionary(
      fc.constantFrom('a', 'b'),
      fc.record({ status: fc.constantFrom('SUCCEEDED', 'FAILED'), output: fc.jsonValue({ maxDepth: 2 }) }),
    ),
    run: fc.record({ id: fc.string(), startedBy: fc.string(), startedAt: fc.constant('2026-01-01T00:00:00Z') }),
    x: fc.jsonValue({ maxDepth: 2 }),
  })
  .map((scope) => toCel(scope) as Record<string, unknown>);

/** The outcome of a call: its JSON value, or the documented error (anything else fails the property). */
function outcome(fn: () => JsonValue): { value?: string; error?: string } {
  try {
    return { value: JSON.stringify(fn()) };
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    expect(err.message.length).toBeGreaterThan(0);
    expect(err.message).not.toContain('\n');
    return { error: err.message };
  }
}

function isJson(value: unknown, depth = 0): boolean {
  if (depth > 200) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJson(item, depth + 1));
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.values(value).every((item) => isJson(item, depth + 1));
  }
  return false;
}

describe('expression evaluator properties', () => {
  it('evaluates any text to JSON or throws ExpressionError, the same way every time', () => {
    let values = 0;
    fc.assert(
      fc.property(anyExpression, scopeArb, (expression, scope) => {
        const first = outcome(() => {
          const value = evaluateExpression(expression, scope);
          expect(isJson(value)).toBe(true);
          return value;
        });
        if (first.value !== undefined) values++;
        expect(outcome(() => evaluateExpression(expression, scope))).toEqual(first);
      }),
      params,
    );
    // The generator must reach evaluation, not only the parser's refusals.
    expect(values).toBeGreaterThan(RUNS / 20);
  });

  it('gives a boolean condition or throws ExpressionError', () => {
    fc.assert(
      fc.property(anyExpression, scopeArb, (expression, scope) => {
        const result = outcome(() => evaluateCondition(expression, scope));
        if (result.value !== undefined) expect(['true', 'false']).toContain(result.value);
      }),
      params,
    );
  });

  it('resolves templates in any JSON without throwing anything else, and leaves the input alone', () => {
    const template = fc.array(
      fc.oneof(
        fc.string({ maxLength: 8 }),
        anyExpression.map((e) => `\${${e}}`),
        fc.constantFrom('$${', '${', '}', '$'),
      ),
      { maxLength: 5 },
    );
    const document = fc.jsonValue({ maxDepth: 2 }).chain((json) =>
      fc.tuple(
        fc.constant(json),
        template.map((parts) => parts.join('')),
      ),
    );
    fc.assert(
      fc.property(document, scopeArb, ([json, text], scope) => {
        const value = { json, text, list: [text, 1, { text }] } as JsonValue;
        const before = JSON.stringify(value);
        const first = outcome(() => resolveTemplate(value, scope));
        expect(JSON.stringify(value)).toBe(before);
        expect(outcome(() => resolveTemplate(value, scope))).toEqual(first);
      }),
      params,
    );
  });

  it('agrees with the analyzer: what it refuses to parse, evaluation refuses too', () => {
    fc.assert(
      fc.property(anyExpression, scopeArb, (expression, scope) => {
        let parses = true;
        try {
          analyzeExpression(expression);
          const checked = checkExpression(expression);
          expect(checked.error === undefined || checked.error.length > 0).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(ExpressionError);
          parses = false;
        }
        if (!parses) expect(outcome(() => evaluateExpression(expression, scope)).error).toBeDefined();
      }),
      params,
    );
  });

  it('splits any string into parts or throws ExpressionError, and never loses literal text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (source) => {
        try {
          const parts = splitTemplate(source);
          expect(parts.length).toBeGreaterThan(0);
          if (!source.includes('$')) expect(parts).toEqual([{ text: source }]);
        } catch (err) {
          expect(err).toBeInstanceOf(ExpressionError);
        }
      }),
      params,
    );
  });

  it('round-trips JSON through CEL values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (json) => {
        expect(JSON.stringify(fromCel(toCel(json)))).toBe(JSON.stringify(json));
      }),
      params,
    );
  });
});
