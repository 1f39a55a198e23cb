/**
 * CEL expressions and `${expr}` interpolation, deterministic and free of I/O so the
 * interpreter workflow, the validator and the API evaluate them the same way.
 *
 * CEL distinguishes int from double; JSON does not. Values entering CEL turn integral
 * numbers into bigint (so `inputs.replicas + 1` works), and values leaving CEL turn
 * bigint back into number.
 */
import { Environment } from '@marcbachmann/cel-js';
import type { ASTNode } from '@marcbachmann/cel-js';
import { secretPlaceholder, secretReferenceName, type SecretSite } from './secret-references';
import type { JsonValue } from './types';

// Built-ins captured once: inside a vm context (the Temporal workflow sandbox, Jest) every read of a
// global such as `Object` goes through an interceptor, several times slower than a local.
const { entries: objectEntries } = Object;
const { isArray } = Array;
const { isInteger, isFinite: isFiniteNumber } = Number;
const toBigInt = BigInt;

/** The names an expression may start from. */
export const SCOPE_ROOTS = ['inputs', 'vars', 'nodes', 'run', 'secrets'] as const;
export type ScopeRoot = (typeof SCOPE_ROOTS)[number];

const MACROS = new Set(['map', 'filter', 'all', 'exists', 'exists_one', 'sortBy', 'transformList', 'transformMap']);

const environment = new Environment({
  unlistedVariablesAreDyn: true,
  homogeneousAggregateLiterals: false,
  limits: { maxAstNodes: 2000, maxDepth: 64, maxListElements: 1000, maxMapEntries: 1000, maxCallArguments: 32 },
});

type Compiled = ReturnType<Environment['parse']>;
const parsedCache = new Map<string, Compiled>();
const PARSE_CACHE_LIMIT = 10_000;

/** An expression that failed to parse or to evaluate; `message` is one line for humans. */
export class ExpressionError extends Error {
  constructor(
    readonly expression: string,
    readonly detail: string,
  ) {
    super(`${detail} in \`${expression}\``);
    this.name = 'ExpressionError';
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim();
}

function compile(expression: string): Compiled {
  const cached = parsedCache.get(expression);
  if (cached) return cached;
  let compiled: Compiled;
  try {
    compiled = environment.parse(expression);
  } catch (err) {
    throw new ExpressionError(expression, firstLine((err as Error).message ?? String(err)));
  }
  if (parsedCache.size >= PARSE_CACHE_LIMIT) parsedCache.clear();
  parsedCache.set(expression, compiled);
  return compiled;
}

/** One `${...}` (or a whole `when`) found in a definition. */
export interface ExpressionReference {
  /** Roots the expression reads (`inputs`, `nodes`, ...), and unknown ones to report. */
  roots: Set<string>;
  /** Node ids read through `nodes.<id>` or `nodes['<id>']`. */
  nodes: Set<string>;
  /** Input names read through `inputs.<name>` or `inputs['<name>']`. */
  inputs: Set<string>;
  /** Variable names read through `vars.<name>` or `vars['<name>']`. */
  vars: Set<string>;
  /** Of `nodes`, `inputs` and `vars`: those read other than by a literal field (`nodes[inputs.which]`). */
  dynamic: Set<string>;
}

/** The roots whose literal fields {@link analyzeExpression} records. */
const TRACKED_ROOTS = new Set(['nodes', 'inputs', 'vars']);

function emptyReference(): ExpressionReference {
  return { roots: new Set(), nodes: new Set(), inputs: new Set(), vars: new Set(), dynamic: new Set() };
}

function trackField(root: string, field: string, out: ExpressionReference): void {
  out.roots.add(root);
  out[root as 'nodes' | 'inputs' | 'vars'].add(field);
}

function isPlainPath(node: ASTNode): boolean {
  let current = node;
  for (;;) {
    if (current.op === 'id') return true;
    if (current.op === '.' || current.op === '.?') current = current.args[0];
    else if ((current.op === '[]' || current.op === '[?]') && current.args[1].op === 'value') current = current.args[0];
    else return false;
  }
}

/** Parses `expression`; throws {@link ExpressionError} when it does not parse. */
export function analyzeExpression(expression: string): ExpressionReference {
  const compiled = compile(expression);
  const result = emptyReference();
  walk(compiled.ast, new Set(), result);
  return result;
}

/**
 * Type-checks a parsed expression with every variable as `dyn`: catches unknown functions and
 * impossible operands (`'a' + 1`, `1 + 1.5`) before a run. Returns the static type (`bool`, `dyn`, ...)
 * or the first line of the error; throws {@link ExpressionError} when it does not parse.
 */
export function checkExpression(expression: string): { type?: string; error?: string } {
  // A plain path (`nodes.build.output.body`, `inputs['env']`) reads a dyn value and cannot fail.
  if (isPlainPath(compile(expression).ast)) return { type: 'dyn' };
  try {
    const result = environment.check(expression);
    if (result.valid) return { type: result.type };
    return { error: firstLine(result.error?.message ?? 'invalid expression') };
  } catch (err) {
    return { error: firstLine((err as Error).message ?? String(err)) };
  }
}

function walk(node: ASTNode, bound: Set<string>, out: ExpressionReference): void {
  switch (node.op) {
    case 'value':
      return;
    case 'id':
      if (bound.has(node.args)) return;
      out.roots.add(node.args);
      if (TRACKED_ROOTS.has(node.args)) out.dynamic.add(node.args);
      return;
    case '.':
    case '.?': {
      const [target, field] = node.args;
      if (target.op === 'id' && TRACKED_ROOTS.has(target.args) && !bound.has(target.args)) {
        trackField(target.args, field, out);
        return;
      }
      walk(target, bound, out);
      return;
    }
    case '[]':
    case '[?]': {
      const [target, key] = node.args;
      if (
        target.op === 'id' &&
        TRACKED_ROOTS.has(target.args) &&
        !bound.has(target.args) &&
        key.op === 'value' &&
        typeof key.args === 'string'
      ) {
        trackField(target.args, key.args, out);
        return;
      }
      walk(target, bound, out);
      walk(key, bound, out);
      return;
    }
    case 'call':
      for (const arg of node.args[1]) walk(arg, bound, out);
      return;
    case 'rcall': {
      const [name, receiver, args] = node.args;
      // cel.bind(var, value, expression): `var` is bound inside `expression` only.
      if (name === 'bind' && receiver.op === 'id' && receiver.args === 'cel' && !bound.has('cel')) {
        if (args.length === 3 && args[0].op === 'id') {
          walk(args[1], bound, out);
          walk(args[2], new Set(bound).add(args[0].args), out);
          return;
        }
      }
      walk(receiver, bound, out);
      if (MACROS.has(name) && args.length >= 2 && args[0].op === 'id') {
        const inner = new Set(bound).add(args[0].args);
        for (const arg of args.slice(1)) walk(arg, inner, out);
        return;
      }
      for (const arg of args) walk(arg, bound, out);
      return;
    }
    case 'list':
      for (const item of node.args) walk(item, bound, out);
      return;
    case 'map':
      for (const [key, value] of node.args) {
        walk(key, bound, out);
        walk(value, bound, out);
      }
      return;
    case '!_':
    case '-_':
      walk(node.args, bound, out);
      return;
    default:
      for (const arg of node.args as ASTNode[]) walk(arg, bound, out);
  }
}

const BACKSLASH = 0x5c;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** A piece of a template string: literal text or an expression. */
type Part = { text: string } | { expr: string };

/**
 * Splits a string into literal text and `${expr}` parts. `$${` writes a literal `${`.
 * Braces and quotes inside the expression are respected, so `${ {'a': 1}['a'] }` works.
 */
export function splitTemplate(source: string): Part[] {
  const parts: Part[] = [];
  let text = '';
  let i = 0;
  while (i < source.length) {
    const dollar = source.indexOf('$', i);
    if (dollar < 0) {
      text += source.slice(i);
      break;
    }
    text += source.slice(i, dollar);
    i = dollar;
    if (source.startsWith('$${', i)) {
      text += '${';
      i += 3;
      continue;
    }
    if (!source.startsWith('${', i)) {
      text += '$';
      i += 1;
      continue;
    }
    const end = findClosingBrace(source, i + 2);
    if (end < 0) throw new ExpressionError(source, 'unterminated `${`');
    if (text) parts.push({ text });
    text = '';
    const expr = source.slice(i + 2, end).trim();
    if (!expr) throw new ExpressionError(source, 'empty `${}`');
    parts.push({ expr });
    i = end + 1;
  }
  if (text || parts.length === 0) parts.push({ text });
  return parts;
}

function findClosingBrace(source: string, from: number): number {
  // Character codes, not one-character strings: this runs over every template of a definition.
  let depth = 0;
  let quote = 0;
  for (let i = from; i < source.length; i++) {
    const ch = source.charCodeAt(i);
    if (quote !== 0) {
      if (ch === BACKSLASH) i++;
      else if (ch === quote) quote = 0;
      continue;
    }
    if (ch === DOUBLE_QUOTE || ch === SINGLE_QUOTE) quote = ch;
    else if (ch === OPEN_BRACE) depth++;
    else if (ch === CLOSE_BRACE) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** Every expression inside a JSON value, with the path suffix that leads to it (`.url`, `[2]`). */
export function collectExpressions(value: JsonValue | undefined, path = ''): Array<{ path: string; source: string }> {
  const found: Array<{ path: string; source: string }> = [];
  const visit = (v: JsonValue | undefined, p: string): void => {
    if (typeof v === 'string') {
      if (v.includes('${')) found.push({ path: p, source: v });
    } else if (isArray(v)) {
      v.forEach((item, index) => visit(item, `${p}[${index}]`));
    } else if (v && typeof v === 'object') {
      for (const [key, item] of objectEntries(v)) visit(item, `${p}.${key}`);
    }
  };
  visit(value, path);
  return found;
}

/** The expressions of one template string, parsed; throws {@link ExpressionError}. */
export function analyzeTemplate(source: string): ExpressionReference {
  const result = emptyReference();
  for (const part of splitTemplate(source)) {
    if ('expr' in part) {
      const one = analyzeExpression(part.expr);
      for (const key of ['roots', 'nodes', 'inputs', 'vars', 'dynamic'] as const) {
        one[key].forEach((item) => result[key].add(item));
      }
    }
  }
  return result;
}

/**
 * Sets an own property, also for the key `__proto__` (which plain assignment would turn into a
 * prototype change): JSON from users may hold any key.
 */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/** Converts a JSON value into CEL's value space: integral numbers become bigint. */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return isInteger(value) ? toBigInt(value) : value;
  if (isArray(value)) return value.map(toCel);
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of objectEntries(value)) setOwn(out, key, toCel(item));
    return out;
  }
  return value;
}

/** Converts a CEL result back into JSON: bigint becomes number, maps become objects. */
export function fromCel(value: unknown): JsonValue {
  if (typeof value === 'bigint') return Number(value);
  if (value === undefined) return null;
  if (typeof value === 'number') return isFiniteNumber(value) ? value : null;
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  if (isArray(value)) return value.map(fromCel);
  if (value instanceof Map) {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of value) setOwn(out, String(key), fromCel(item));
    return out;
  }
  if (value instanceof Uint8Array) return Array.from(value);
  if (typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of objectEntries(value as Record<string, unknown>)) setOwn(out, key, fromCel(item));
    return out;
  }
  // Functions and symbols have no JSON form (CEL does not produce them).
  return null;
}

/** Evaluates one CEL expression against a scope already in CEL's value space (see {@link toCel}). */
export function evaluateExpression(expression: string, scope: Record<string, unknown>): JsonValue {
  const compiled = compile(expression);
  try {
    return fromCel(compiled(scope));
  } catch (err) {
    throw new ExpressionError(expression, firstLine((err as Error).message ?? String(err)));
  }
}

/** Evaluates a `when` condition; anything but a boolean is an error. */
export function evaluateCondition(expression: string, scope: Record<string, unknown>): boolean {
  const value = evaluateExpression(expression, scope);
  if (typeof value !== 'boolean') throw new ExpressionError(expression, `condition gave ${typeof value}, not bool`);
  return value;
}

function stringify(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Resolves every `${expr}` inside a JSON value. A string that is exactly one `"${expr}"`
 * keeps the expression's type; other strings interpolate.
 *
 * `${secrets.NAME}` is not evaluated: its placeholder text stays in the result, and when
 * `secretSites` is given, where it stays is pushed there (see `secret-references.ts`), for the
 * activity to substitute. Without `secretSites` the placeholder is left as plain text.
 *
 * @example resolveTemplate({ url: 'https://x/${inputs.env}' }, scope)
 */
export function resolveTemplate(
  value: JsonValue | undefined,
  scope: Record<string, unknown>,
  secretSites?: SecretSite[],
): JsonValue {
  return resolveAt(value, scope, secretSites, []);
}

function resolveAt(
  value: JsonValue | undefined,
  scope: Record<string, unknown>,
  sites: SecretSite[] | undefined,
  path: Array<string | number>,
): JsonValue {
  if (value === undefined) return null;
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    const parts = splitTemplate(value);
    if (parts.length === 1 && 'expr' in parts[0] && secretReferenceName(parts[0].expr) === undefined) {
      return evaluateExpression(parts[0].expr, scope);
    }
    let out = '';
    for (const part of parts) {
      if (!('expr' in part)) {
        out += part.text;
        continue;
      }
      const secret = secretReferenceName(part.expr);
      if (secret === undefined) {
        out += stringify(evaluateExpression(part.expr, scope));
        continue;
      }
      sites?.push({ path: [...path], offset: out.length, name: secret });
      out += secretPlaceholder(secret);
    }
    return out;
  }
  if (isArray(value)) return value.map((item, index) => resolveAt(item, scope, sites, sites ? [...path, index] : path));
  if (value && typeof value === 'object') {
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of objectEntries(value)) {
      setOwn(out, key, resolveAt(item, scope, sites, sites ? [...path, key] : path));
    }
    return out;
  }
  return value;
}
