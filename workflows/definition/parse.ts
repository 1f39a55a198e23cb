/**
 * Definition files as text (YAML or JSON) to plain values. Never throws: every syntax error comes
 * back as a {@link Problem} whose path is `line L, column C`.
 */
import { parseAllDocuments } from 'yaml';
import type { Problem } from './problems';

export type DefinitionFormat = 'yaml' | 'json' | 'auto';

export interface ParseResult {
  /** The parsed value, when `problems` is empty. */
  value?: unknown;
  problems: Problem[];
}

/** Larger texts are refused before parsing; a 10,000-node definition is about 1 MB. */
export const MAX_DEFINITION_TEXT_LENGTH = 16 * 1024 * 1024;
/** Deeper flow nesting is refused before parsing: the YAML parser recurses and can exhaust memory. */
export const MAX_TEXT_NESTING = 256;

/**
 * Parses a definition file. `auto` (the default) reads YAML, a superset of JSON; `json` insists on
 * strict JSON. Multiple documents and empty input are problems.
 *
 * @example parseDefinitionText('name: x\nnodes: [{ id: a, type: vars.set }]').value
 */
export function parseDefinitionText(text: string, format: DefinitionFormat = 'auto'): ParseResult {
  try {
    if (typeof text !== 'string') return fail(1, 1, 'definition text must be a string');
    if (text.length > MAX_DEFINITION_TEXT_LENGTH) {
      return fail(1, 1, `definition is larger than ${MAX_DEFINITION_TEXT_LENGTH} characters`);
    }
    const tooDeep = findExcessiveNesting(text);
    if (tooDeep !== undefined) {
      const { line, column } = lineColumn(text, tooDeep);
      return fail(line, column, `nested deeper than ${MAX_TEXT_NESTING} levels`);
    }
    // A byte-order mark from a Windows editor is not content.
    const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    return format === 'json' ? parseJson(source) : parseYaml(source);
  } catch (err) {
    return fail(1, 1, oneLine(err instanceof Error ? err.message : String(err)));
  }
}

function fail(line: number, column: number, message: string): ParseResult {
  return { problems: [{ path: `line ${line}, column ${column}`, message }] };
}

function oneLine(message: string): string {
  const first = message.split('\n')[0].trim();
  return first || 'syntax error';
}

function parseYaml(text: string): ParseResult {
  // `<<` merge keys let templates share blocks such as a retry policy through anchors.
  const documents = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true, merge: true });
  const list = Array.isArray(documents) ? documents : [documents];
  if (list.length === 0) return fail(1, 1, 'the definition is empty');
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const document of list) {
    const errors = [...document.errors, ...document.warnings].sort((a, b) => a.pos[0] - b.pos[0]);
    for (const error of errors) {
      const message = oneLine(error.message.replace(/ at line \d+, column \d+:?\s*$/m, ''));
      // A parser that ran out of stack reports once per level: one line is enough.
      if (seen.has(message) && /call stack/i.test(message)) continue;
      seen.add(message);
      const start = error.linePos?.[0];
      const position = start ? { line: start.line, column: start.col } : lineColumn(text, error.pos[0]);
      problems.push({ path: `line ${position.line}, column ${position.column}`, message });
    }
  }
  if (list.length > 1) {
    const { line, column } = lineColumn(text, list[1].range[0]);
    problems.push({
      path: `line ${line}, column ${column}`,
      message: 'a definition file holds one document, not several',
    });
  }
  if (problems.length > 0) return { problems };
  const value: unknown = list[0].toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined) return fail(1, 1, 'the definition is empty');
  return { value, problems };
}

function parseJson(text: string): ParseResult {
  if (text.trim().length === 0) return fail(1, 1, 'the definition is empty');
  try {
    return { value: JSON.parse(text) as unknown, problems: [] };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const stated = /at position (\d+)/.exec(message);
    const offset = stated ? Number(stated[1]) : locateJsonError(text);
    const { line, column } = lineColumn(text, offset);
    const cleaned = message
      .replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '')
      .replace(/ (?:in JSON )?at position \d+.*$/s, '')
      .replace(/ \(line \d+ column \d+\)$/, '');
    return fail(line, column, oneLine(cleaned));
  }
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Offset of a flow bracket (`[` or `{`) or a compact sequence entry (`- - -`) nested deeper than
 * {@link MAX_TEXT_NESTING}, or undefined. Quoted strings and comments are skipped; a rough but
 * conservative scan whose only job is to keep absurd input away from the recursive parser.
 */
function findExcessiveNesting(text: string): number | undefined {
  let depth = 0;
  let quote = '';
  let lineStart = true;
  let dashes = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === '\n') {
      lineStart = true;
      dashes = 0;
      continue;
    }
    if (lineStart) {
      if (ch === ' ') continue;
      if (ch === '-' && (text[i + 1] === ' ' || text[i + 1] === '\n' || i + 1 === text.length)) {
        if (++dashes > MAX_TEXT_NESTING) return i;
        continue;
      }
      lineStart = false;
    }
    if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (ch === '"' || ch === "'") {
      if (depth > 0 || i === 0 || /[\s:,[{]/.test(text[i - 1])) quote = ch;
    } else if (ch === '[' || ch === '{') {
      if (++depth > MAX_TEXT_NESTING) return i;
    } else if ((ch === ']' || ch === '}') && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

/**
 * Offset of the first JSON syntax error, for engines whose messages carry no position. A small
 * iterative scanner: it only locates, JSON.parse decides.
 */
function locateJsonError(text: string): number {
  let i = 0;
  const stack: string[] = [];
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const value = (): boolean => {
    skipSpace();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      stack.push(ch);
      i++;
      skipSpace();
      if (text[i] === (ch === '{' ? '}' : ']')) {
        stack.pop();
        i++;
        return true;
      }
      return ch === '{' ? key() : value();
    }
    if (ch === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!literal) return false;
    i += literal[0].length;
    return true;
  };
  const string = (): boolean => {
    i++;
    while (i < text.length) {
      const ch = text[i];
      if (ch === '"') {
        i++;
        return true;
      }
      if (ch === '\\') {
        if (!/^(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/.test(text.slice(i + 1, i + 6))) return false;
        i += text[i + 1] === 'u' ? 6 : 2;
        continue;
      }
      if (ch < ' ') return false;
      i++;
    }
    return false;
  };
  const key = (): boolean => {
    skipSpace();
    if (text[i] !== '"' || !string()) return false;
    skipSpace();
    if (text[i] !== ':') return false;
    i++;
    return value();
  };
  if (!value()) return i;
  for (;;) {
    skipSpace();
    if (stack.length === 0) return i;
    const top = stack[stack.length - 1];
    if (text[i] === ',') {
      i++;
      if (!(top === '{' ? key() : value())) return i;
    } else if (text[i] === (top === '{' ? '}' : ']')) {
      stack.pop();
      i++;
    } else {
      return i;
    }
  }
}
