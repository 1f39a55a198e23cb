import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { JsonSchema } from './types';

/** One way a value breaks a schema: where (`with.headers.accept`) and what. Never the value itself. */
export interface SchemaProblem {
  path: string;
  message: string;
}

/** Checks a value against one compiled schema; an empty list means valid. */
export type SchemaCheck = (value: unknown) => SchemaProblem[];

/**
 * Compiles plugin JSON Schemas (draft 2020-12, with `ajv-formats`; keep plugin schemas to keywords draft-07 shares, since other tools may read them) once each and checks values
 * against them. Kept out of the SDK index so that code importing the SDK's types and
 * `PluginError` does not pull ajv in.
 *
 * @example
 * const validator = new SchemaValidator();
 * const problems = validator.check(plugin.inputSchema, input, 'with');
 * if (problems.length > 0) throw new Error(formatProblems(problems));
 */
export class SchemaValidator {
  private readonly ajv: Ajv2020;
  private readonly compiled = new WeakMap<JsonSchema, ValidateFunction>();

  constructor() {
    // strict: false lets plugin schemas carry UI hints and other unknown keywords.
    this.ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(this.ajv);
  }

  /** Compiles `schema` (or returns the cached function); throws when the schema itself is invalid. */
  compile(schema: JsonSchema): ValidateFunction {
    let validate = this.compiled.get(schema);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(schema, validate);
    }
    return validate;
  }

  /** The problems of `value` against `schema`, paths starting at `root`. */
  check(schema: JsonSchema, value: unknown, root = 'with'): SchemaProblem[] {
    const validate = this.compile(schema);
    if (validate(value)) return [];
    return toProblems(validate.errors ?? [], root);
  }
}

/** Turns ajv errors into path + message pairs, without duplicates. */
export function toProblems(errors: readonly ErrorObject[], root = 'with'): SchemaProblem[] {
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const error of errors) {
    const segments = error.instancePath.split('/').slice(1).map(unescapePointer);
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'required') {
      segments.push(String((error.params as { missingProperty: string }).missingProperty));
      message = 'is required';
    } else if (error.keyword === 'additionalProperties') {
      segments.push(String((error.params as { additionalProperty: string }).additionalProperty));
      message = 'is not allowed';
    } else if (error.keyword === 'enum') {
      const allowed = (error.params as { allowedValues?: unknown[] }).allowedValues;
      if (allowed) message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    const path = joinPath(root, segments);
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ path, message });
  }
  return problems;
}

/** `with.url: is required; with.timeout: must match pattern "..."` */
export function formatProblems(problems: readonly SchemaProblem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join('; ');
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function joinPath(root: string, segments: readonly string[]): string {
  let path = root;
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) path += path ? `.${segment}` : segment;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path || '(root)';
}
