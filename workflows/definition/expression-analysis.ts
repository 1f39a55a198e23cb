/**
 * What the validator needs to know of one expression (the text inside `${...}`, or a `when`):
 * whether it parses and type-checks, its static type, and the names it reads.
 *
 * Most expressions of a large definition are plain paths (`nodes.build.output.url`,
 * `inputs.env`), each node reading its own upstream node: thousands of distinct texts that no
 * cache holds. Those are read here without the CEL parser (see {@link plainPathAnalysis}); the
 * rest go through cel-js and are cached by their text, as definitions repeat them.
 *
 * Pure; the validator only: evaluation at run time (expressions.ts) is untouched.
 */
import { analyzeExpression, checkExpression, SCOPE_ROOTS } from './expressions';
import type { ScopeRoot } from './expressions';
import { errorMessage } from './problems';

export interface ExpressionAnalysis {
  /** Why it does not parse or type-check. */
  error?: string;
  /** Its static type, when it has one. */
  type?: string;
  roots: readonly string[];
  nodes: readonly string[];
  inputs: readonly string[];
  dynamicNodes: boolean;
}

const NONE: readonly string[] = [];
/** Words CEL does not read as a field name (literals, `in`) or refuses (cel-js's reserved words), by length. */
const NOT_FIELDS_BY_LENGTH: ReadonlyArray<readonly string[]> = (() => {
  const words =
    'true false null in as break const continue else for function if import let loop package namespace return var void while __proto__ prototype';
  const byLength: string[][] = [];
  for (const word of words.split(' ')) (byLength[word.length] ??= []).push(word);
  return byLength;
})();
/** Far below cel-js's depth limit (64), above any path people write. */
const MAX_PATH_SEGMENTS = 32;
const DOT = 0x2e;
const UNDERSCORE = 0x5f;

function isIdentifierCode(code: number, first: boolean): boolean {
  const lower = code | 0x20; // ASCII letters, either case
  return (lower >= 0x61 && lower <= 0x7a) || code === UNDERSCORE || (!first && code >= 0x30 && code <= 0x39);
}

/** Whether `text[start, end)` is a word CEL will not take as a field name; compares in place. */
function isNotField(text: string, start: number, end: number): boolean {
  const words = NOT_FIELDS_BY_LENGTH[end - start];
  if (words === undefined) return false;
  for (const word of words) if (text.startsWith(word, start)) return true;
  return false;
}

/** The scope root `expression` starts with, whatever follows it. */
function rootOf(expression: string): ScopeRoot | undefined {
  for (const root of SCOPE_ROOTS) if (expression.startsWith(root)) return root;
  return undefined;
}

/**
 * The analysis of `root.field.field...` (a scope root, then identifiers, no spaces), built from
 * the text alone: the same as {@link analyzeWithParser} gives (a spec checks it), at a fraction of
 * the cost. Undefined for anything else. One pass over the characters, comparing in place; the
 * only substring taken is the first field of `nodes` and `inputs`.
 *
 * @example plainPathAnalysis('nodes.build.output.url') // { type: 'dyn', roots: ['nodes'], nodes: ['build'], ... }
 */
export function plainPathAnalysis(expression: string): ExpressionAnalysis | undefined {
  const root = rootOf(expression);
  if (root === undefined) return undefined;
  const length = expression.length;
  let start = 0;
  let segments = 0;
  let fieldStart = -1;
  let fieldEnd = -1;
  for (let i = 0; i <= length; i++) {
    const code = i < length ? expression.charCodeAt(i) : DOT;
    if (code !== DOT) {
      if (!isIdentifierCode(code, i === start)) return undefined;
      continue;
    }
    if (i === start || ++segments > MAX_PATH_SEGMENTS) return undefined;
    if (segments === 1) {
      if (i !== root.length) return undefined; // `nodesX...` is another name
    } else if (isNotField(expression, start, i)) return undefined;
    if (segments === 2) {
      fieldStart = start;
      fieldEnd = i;
    }
    start = i + 1;
  }
  const field = fieldStart < 0 ? NONE : [expression.slice(fieldStart, fieldEnd)];
  return {
    type: 'dyn',
    roots: [root],
    nodes: root === 'nodes' ? field : NONE,
    inputs: root === 'inputs' ? field : NONE,
    dynamicNodes: root === 'nodes' && fieldStart < 0,
  };
}

/** Parses and type-checks with cel-js; never throws. */
export function analyzeWithParser(expression: string): ExpressionAnalysis {
  try {
    const reference = analyzeExpression(expression);
    const checked = checkExpression(expression);
    return {
      error: checked.error === undefined ? undefined : `${checked.error} in \`${expression}\``,
      type: checked.type,
      roots: [...reference.roots],
      nodes: [...reference.nodes],
      inputs: [...reference.inputs],
      dynamicNodes: reference.dynamic.has('nodes'),
    };
  } catch (err) {
    return { error: errorMessage(err), roots: NONE, nodes: NONE, inputs: NONE, dynamicNodes: false };
  }
}

const analysisCache = new Map<string, ExpressionAnalysis>();
const ANALYSIS_CACHE_LIMIT = 10_000;

/**
 * The analysis of one expression: plain paths from their text, others parsed once and cached
 * (the cache holds results that depend on the text alone, so it cannot carry anything from one
 * definition into another's problems). Never throws.
 */
export function analyze(expression: string): ExpressionAnalysis {
  const plain = plainPathAnalysis(expression);
  if (plain) return plain;
  const cached = analysisCache.get(expression);
  if (cached) return cached;
  const analysis = analyzeWithParser(expression);
  if (analysisCache.size >= ANALYSIS_CACHE_LIMIT) analysisCache.clear();
  analysisCache.set(expression, analysis);
  return analysis;
}
