import { createHash } from 'node:crypto';
import type { JsonValue } from '../../workflows/definition/types';

/**
 * The canonical JSON text of a value: object keys sorted (by UTF-16 code units), no whitespace,
 * arrays in order. Two documents that differ only in key order or formatting (YAML vs JSON, or
 * the key order PostgreSQL's jsonb returns) have the same canonical text.
 *
 * @example canonicalJson({ b: 1, a: [true, { d: null, c: 'x' }] }) === '{"a":[true,{"c":"x","d":null}],"b":1}'
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
}

/**
 * Hex SHA-256 of {@link canonicalJson}: what `template_versions.content_hash` holds, and how
 * `updateTemplate` recognizes that a definition did not change.
 */
export function contentHash(value: JsonValue): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
