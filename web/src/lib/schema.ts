/**
 * The subset of JSON Schema the generated forms understand, and helpers around it. Anything the
 * forms cannot draw as fields (unions, oneOf...) is edited as JSON; the server validates.
 */
import type { InputDefinition, JsonObject, JsonSchema, JsonValue } from './definition';

export type FieldKind =
  'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'object' | 'map' | 'list' | 'scalar' | 'json';

export function schemaTypes(schema: JsonSchema): string[] {
  const type = schema.type;
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return [];
}

export function properties(schema: JsonSchema): Record<string, JsonSchema> {
  const props = schema.properties;
  return props && typeof props === 'object' ? (props as Record<string, JsonSchema>) : {};
}

export function requiredKeys(schema: JsonSchema): Set<string> {
  return new Set(
    Array.isArray(schema.required) ? schema.required.filter((k): k is string => typeof k === 'string') : [],
  );
}

/** How a schema is drawn. */
export function fieldKind(schema: JsonSchema): FieldKind {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return 'enum';
  const types = schemaTypes(schema).filter((t) => t !== 'null');
  // `string | number` (a duration or milliseconds...): one text field, numbers read as numbers.
  if (types.length > 1 && types.includes('string') && types.every((t) => ['string', 'number', 'integer'].includes(t))) {
    return 'scalar';
  }
  if (types.length !== 1) return 'json';
  const [type] = types;
  switch (type) {
    case 'string':
    case 'number':
    case 'integer':
    case 'boolean':
      return type;
    case 'object': {
      if (Object.keys(properties(schema)).length > 0) return 'object';
      const additional = schema.additionalProperties;
      if (additional && typeof additional === 'object' && schemaTypes(additional as JsonSchema)[0] === 'string') {
        return 'map';
      }
      return 'json';
    }
    case 'array': {
      const items = schema.items;
      if (items && typeof items === 'object' && !Array.isArray(items)) {
        const itemKind = fieldKind(items as JsonSchema);
        if (itemKind === 'string' || itemKind === 'number' || itemKind === 'integer' || itemKind === 'enum')
          return 'list';
      }
      return 'json';
    }
    default:
      return 'json';
  }
}

/** True for a string that is exactly one `${...}` expression (it keeps the expression's type). */
export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && /^\$\{[\s\S]*\}$/.test(value.trim());
}

/**
 * What a number field's text means: a number, an expression kept as text, nothing when empty,
 * or the text itself (the validator will say what is wrong with it).
 */
export function parseNumberText(text: string, integer: boolean): JsonValue | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (isExpression(trimmed)) return trimmed;
  const number = Number(trimmed);
  if (Number.isFinite(number) && (!integer || Number.isInteger(number))) return number;
  return text;
}

/** The run-start form's schema, from a definition's JSON-Schema-like `inputs`. */
export function inputsSchema(inputs: Record<string, InputDefinition> | undefined): JsonSchema {
  const props: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [key, input] of Object.entries(inputs ?? {})) {
    const { required: isRequired, ...rest } = input;
    props[key] = { title: key, ...rest };
    if (isRequired === true && input.default === undefined) required.push(key);
  }
  return { type: 'object', properties: props, required };
}

/** The defaults a schema declares for its properties (one level), as an initial value. */
export function defaultsOf(schema: JsonSchema): JsonObject {
  const value: JsonObject = {};
  for (const [key, prop] of Object.entries(properties(schema))) {
    if (prop.default !== undefined) value[key] = prop.default as JsonValue;
  }
  return value;
}

/** A label for a property: its title, else the key. */
export function labelOf(key: string, schema: JsonSchema): string {
  return typeof schema.title === 'string' && schema.title ? schema.title : key;
}

/** What a `string | number` field's text means: a number when it reads as one, else the text. */
export function parseScalarText(text: string, schema: JsonSchema): JsonValue | undefined {
  if (text.trim() === '') return undefined;
  const types = schemaTypes(schema);
  const number = Number(text.trim());
  if (/^-?\d+(\.\d+)?$/.test(text.trim()) && Number.isFinite(number)) {
    if (types.includes('number') || (types.includes('integer') && Number.isInteger(number))) return number;
  }
  return text;
}
