/**
 * Run inputs: checked against the definition's `inputs` declarations before a run starts,
 * with defaults applied. The same value checks serve the validator for `default` and `enum`.
 */
import { childPath, copyJsonValue } from './problems';
import type { Problem } from './problems';
import type { Definition, InputDefinition, JsonObject, JsonValue } from './types';

// Built-ins captured once: reads of globals are slow inside vm contexts (Jest, workflow sandboxes).
const { keys: objectKeys, hasOwn } = Object;
const { isArray } = Array;

/** The `type`s an input may declare. */
export const INPUT_TYPES = ['string', 'integer', 'number', 'boolean', 'object', 'array'] as const;
export type InputType = (typeof INPUT_TYPES)[number];

/** Input names: usable as `inputs.<name>` in expressions and as `--input <name>=...` on the CLI. */
export const INPUT_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Keywords of an input declaration that {@link checkInputValue} understands or that only document. */
export const INPUT_KEYWORDS = [
  'type',
  'enum',
  'default',
  'description',
  'title',
  'required',
  'examples',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
] as const;

export interface RunInputsResult {
  /** Every declared input that has a value (given or default), when `problems` is empty. */
  inputs?: JsonObject;
  problems: Problem[];
}

export function isInputType(type: unknown): type is InputType {
  return typeof type === 'string' && (INPUT_TYPES as readonly string[]).includes(type);
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !isArray(value);
}

/** Whether `value` has the JSON type `type`; integers are numbers too. */
export function matchesInputType(type: InputType, value: JsonValue): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'object':
      return isJsonObject(value);
    case 'array':
      return isArray(value);
  }
}

/** Structural equality of two JSON values (key order does not matter). */
export function jsonEquals(a: JsonValue, b: JsonValue): boolean {
  const pending: Array<[JsonValue, JsonValue]> = [[a, b]];
  while (pending.length > 0) {
    const [x, y] = pending.pop() as [JsonValue, JsonValue];
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (isArray(x) !== isArray(y)) return false;
    if (isArray(x) && isArray(y)) {
      if (x.length !== y.length) return false;
      x.forEach((item, i) => pending.push([item, y[i]]));
      continue;
    }
    const xo = x as JsonObject;
    const yo = y as JsonObject;
    const keys = objectKeys(xo);
    if (keys.length !== objectKeys(yo).length) return false;
    for (const key of keys) {
      if (!hasOwn(yo, key)) return false;
      pending.push([xo[key], yo[key]]);
    }
  }
  return true;
}

function show(value: JsonValue): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function numberKeyword(declaration: InputDefinition, keyword: string): number | undefined {
  const value = declaration[keyword];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A compiled `pattern`, or undefined when absent or not a valid regular expression. */
export function inputPattern(declaration: InputDefinition): RegExp | undefined {
  const pattern = declaration.pattern;
  if (typeof pattern !== 'string' || pattern.length > 1000) return undefined;
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

/**
 * Checks one value against an input declaration: type, enum and the simple constraints
 * (minimum, maximum, exclusiveMinimum, exclusiveMaximum, minLength, maxLength, pattern,
 * minItems, maxItems). Returns the first message, or undefined when the value fits.
 *
 * @example checkInputValue({ type: 'integer' }, 2.5) === 'must be integer'
 */
export function checkInputValue(declaration: InputDefinition, value: JsonValue): string | undefined {
  const type = declaration.type;
  if (isInputType(type) && !matchesInputType(type, value)) return `must be ${type}`;
  if (isArray(declaration.enum) && !declaration.enum.some((allowed) => jsonEquals(allowed, value))) {
    return `must be one of: ${declaration.enum.map(show).join(', ')}`;
  }
  if (typeof value === 'number') {
    const minimum = numberKeyword(declaration, 'minimum');
    const maximum = numberKeyword(declaration, 'maximum');
    const exclusiveMinimum = numberKeyword(declaration, 'exclusiveMinimum');
    const exclusiveMaximum = numberKeyword(declaration, 'exclusiveMaximum');
    if (minimum !== undefined && value < minimum) return `must be >= ${minimum}`;
    if (maximum !== undefined && value > maximum) return `must be <= ${maximum}`;
    if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) return `must be > ${exclusiveMinimum}`;
    if (exclusiveMaximum !== undefined && value >= exclusiveMaximum) return `must be < ${exclusiveMaximum}`;
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    const minLength = numberKeyword(declaration, 'minLength');
    const maxLength = numberKeyword(declaration, 'maxLength');
    if (minLength !== undefined && length < minLength) return `must have at least ${minLength} characters`;
    if (maxLength !== undefined && length > maxLength) return `must have at most ${maxLength} characters`;
    const pattern = inputPattern(declaration);
    if (pattern && !pattern.test(value)) return `must match pattern ${declaration.pattern as string}`;
  }
  if (isArray(value)) {
    const minItems = numberKeyword(declaration, 'minItems');
    const maxItems = numberKeyword(declaration, 'maxItems');
    if (minItems !== undefined && value.length < minItems) return `must have at least ${minItems} items`;
    if (maxItems !== undefined && value.length > maxItems) return `must have at most ${maxItems} items`;
  }
  return undefined;
}

/**
 * Converts a string given on a command line (`--input replicas=3`) to the declared type.
 * Returns the converted value, or a message when the text does not read as that type.
 */
export function coerceInputString(type: unknown, text: string): { value?: JsonValue; error?: string } {
  const trimmed = text.trim();
  switch (type) {
    case 'integer': {
      if (!/^[+-]?\d+$/.test(trimmed)) return { error: `must be integer, got "${show(text)}"` };
      const value = Number(trimmed);
      return Number.isSafeInteger(value) ? { value } : { error: `integer ${show(text)} is too large` };
    }
    case 'number': {
      const value = Number(trimmed);
      if (trimmed === '' || !Number.isFinite(value)) return { error: `must be number, got "${show(text)}"` };
      return { value };
    }
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (lower === 'true') return { value: true };
      if (lower === 'false') return { value: false };
      return { error: `must be true or false, got "${show(text)}"` };
    }
    case 'object':
    case 'array': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return { error: `must be ${type} written as JSON, got "${show(text)}"` };
      }
      const problems: Problem[] = [];
      const value = copyJsonValue(parsed, '', problems);
      if (value === undefined || problems.length > 0) return { error: `must be ${type} written as JSON` };
      return { value };
    }
    default:
      return { value: text };
  }
}

/**
 * Checks the inputs of a run against the definition: unknown names, missing required inputs,
 * types (integer vs number), enums and constraints; applies defaults. With `coerceStrings`,
 * string values are first converted to the declared type (for the CLI's `--input key=value`).
 * Paths are `inputs.<name>`.
 *
 * @example validateRunInputs(definition, { replicas: '3' }, { coerceStrings: true }).inputs // { env: 'dev', replicas: 3 }
 */
export function validateRunInputs(
  definition: Definition,
  given: Record<string, unknown>,
  options: { coerceStrings?: boolean } = {},
): RunInputsResult {
  const problems: Problem[] = [];
  const declarations: Record<string, InputDefinition> = isJsonObject(definition.inputs) ? definition.inputs : {};
  const has = (object: object, key: string): boolean => hasOwn(object, key);
  const supplied: unknown = given ?? {};
  if (typeof supplied !== 'object' || isArray(supplied)) {
    return { problems: [{ path: 'inputs', message: 'must be an object of input values' }] };
  }
  const copied = copyJsonValue(supplied, 'inputs', problems);
  if (!isJsonObject(copied)) return { problems };

  const declaredNames = objectKeys(declarations);
  for (const name of objectKeys(copied)) {
    if (!has(declarations, name)) {
      const known = declaredNames.length > 0 ? ` (declared: ${declaredNames.join(', ')})` : ' (none declared)';
      problems.push({ path: childPath('inputs', name), message: `unknown input${known}` });
    }
  }

  const inputs: JsonObject = {};
  for (const name of declaredNames) {
    const declaration = declarations[name];
    if (name === '__proto__' || !isJsonObject(declaration)) continue;
    const path = childPath('inputs', name);
    if (has(copied, name)) {
      let value = copied[name];
      if (options.coerceStrings && typeof value === 'string' && declaration.type !== undefined) {
        const coerced = coerceInputString(declaration.type, value);
        if (coerced.error !== undefined) {
          problems.push({ path, message: coerced.error });
          continue;
        }
        value = coerced.value as JsonValue;
      }
      const message = checkInputValue(declaration, value);
      if (message) problems.push({ path, message });
      else inputs[name] = value;
    } else if (has(declaration, 'default') && declaration.default !== undefined) {
      inputs[name] = copyJsonValue(declaration.default, path, []) ?? null;
    } else if (declaration.required !== false) {
      problems.push({ path, message: 'required input is missing' });
    }
  }
  return problems.length > 0 ? { problems } : { inputs, problems };
}
