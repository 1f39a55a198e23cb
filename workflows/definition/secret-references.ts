/**
 * `${secrets.NAME}`: a reference to a project secret. The interpreter never evaluates it: it keeps
 * the placeholder text in the resolved input and records WHERE it put each placeholder (a
 * {@link SecretSite}); the plugin activity replaces exactly those sites with the secret's value,
 * right before the plugin runs. So histories, run state and node inputs only ever hold the
 * placeholder, and a placeholder that arrives inside a value (a run input, an upstream output,
 * `$${secrets.X}`) is plain text that is never replaced: a value cannot forge a secret reference.
 *
 * Pure and deterministic: shared by the workflow, the validator, the API and the activities.
 */
import type { JsonValue } from './types';

/** What a secret's name looks like: `DEPLOY_KEY`, `TOKEN2`. */
export const SECRET_NAME_PATTERN = /^[A-Z][A-Z0-9_]{0,127}$/;

const PLACEHOLDER_EXPRESSION = /^secrets\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)$/;

/** The canonical placeholder text of a secret, as it appears in resolved inputs. */
export function secretPlaceholder(name: string): string {
  return `\${secrets.${name}}`;
}

/**
 * The secret an expression (the text inside `${...}`) names when it is exactly `secrets.NAME`,
 * whatever the name's syntax (check it with {@link SECRET_NAME_PATTERN}); undefined otherwise.
 */
export function secretReferenceName(expression: string): string | undefined {
  // Most expressions never mention secrets: answered without trimming a copy.
  if (!expression.includes('secrets')) return undefined;
  return PLACEHOLDER_EXPRESSION.exec(expression.trim())?.[1];
}

/**
 * Where one secret placeholder sits in a node's resolved input: the path to a string (keys and
 * array indexes from the input's root) and the offset of `${secrets.NAME}` inside that string.
 */
export interface SecretSite {
  path: Array<string | number>;
  offset: number;
  name: string;
}

/** The distinct names of `sites`, sorted. */
export function secretNames(sites: readonly SecretSite[]): string[] {
  return [...new Set(sites.map((site) => site.name))].sort();
}

/**
 * A copy of `input` with each site replaced by its secret's value. Throws when a site does not
 * hold its placeholder (the input and the sites do not belong together) or a value is missing;
 * the message names the secret, never a value.
 *
 * @example substituteSecrets({ auth: 'Bearer ${secrets.T}' }, [{ path: ['auth'], offset: 7, name: 'T' }], new Map([['T', 'x']]))
 * // { auth: 'Bearer x' }
 */
export function substituteSecrets(
  input: JsonValue,
  sites: readonly SecretSite[],
  values: ReadonlyMap<string, string>,
): JsonValue {
  if (sites.length === 0) return input;
  const copy = structuredClone(input);
  const byString = new Map<string, SecretSite[]>();
  for (const site of sites) {
    const key = JSON.stringify(site.path);
    byString.set(key, [...(byString.get(key) ?? []), site]);
  }
  let result = copy;
  for (const group of byString.values()) {
    const path = group[0].path;
    let text = readString(copy, path);
    // Right to left, so earlier offsets stay valid.
    for (const site of [...group].sort((a, b) => b.offset - a.offset)) {
      const placeholder = secretPlaceholder(site.name);
      if (text.slice(site.offset, site.offset + placeholder.length) !== placeholder) {
        throw new Error(`the input does not hold the placeholder of secret ${site.name} where expected`);
      }
      const value = values.get(site.name);
      if (value === undefined) throw new Error(`secret ${site.name} has no value`);
      text = text.slice(0, site.offset) + value + text.slice(site.offset + placeholder.length);
    }
    result = writeString(result, path, text);
  }
  return result;
}

function readString(root: JsonValue, path: ReadonlyArray<string | number>): string {
  let current: JsonValue | undefined = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') current = undefined;
    else current = (current as Record<string, JsonValue>)[key as string];
  }
  if (typeof current !== 'string') throw new Error(`no string at ${JSON.stringify(path)} in the input`);
  return current;
}

function writeString(root: JsonValue, path: ReadonlyArray<string | number>, text: string): JsonValue {
  if (path.length === 0) return text;
  let current = root as Record<string, JsonValue>;
  for (const key of path.slice(0, -1)) current = current[key as string] as Record<string, JsonValue>;
  // defineProperty: a user's key may be `__proto__`, which plain assignment would treat as the prototype.
  Object.defineProperty(current, path[path.length - 1], {
    value: text,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return root;
}
