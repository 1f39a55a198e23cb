/**
 * One thing wrong (or worth a warning) in a definition or in run inputs.
 *
 * @example { path: 'nodes[3].with.url', message: 'must match format "uri"' }
 */
export interface Problem {
  /** Where: `nodes[3].with.url`, `edges[2].when`, `inputs.env.default`, or `line 4, column 7` for syntax errors. */
  path: string;
  /** What, in one line. */
  message: string;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Appends one step to a path: `[3]` for an index, `.key` for a plain key, `["odd key"]` otherwise.
 * At the top level (empty `base`) a plain key stands alone: `outputs`, not `.outputs`.
 *
 * @example childPath('nodes[0].with', 'url') === 'nodes[0].with.url'
 */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (PLAIN_KEY.test(key)) return base ? `${base}.${key}` : key;
  return `${base}[${JSON.stringify(key)}]`;
}

/** Formats problems the way the CLI prints them: one `<path>: <message>` line each. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n');
}
