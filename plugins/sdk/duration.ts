const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The JSON Schema `pattern` of a duration string: `250ms`, `30s`, `5m`, `2h`, `1d`, or compound `1h30m`. */
export const DURATION_PATTERN = '^(\\d+(\\.\\d+)?(ms|s|m|h|d))+$';

/**
 * JSON Schema of a plugin input that takes a duration: a duration string or a number of milliseconds.
 *
 * @example inputSchema: { type: 'object', properties: { timeout: DURATION_SCHEMA } }
 */
export const DURATION_SCHEMA = {
  anyOf: [
    { type: 'string', pattern: DURATION_PATTERN },
    { type: 'integer', minimum: 1 },
  ],
} as const;

/**
 * Milliseconds of a duration given as a string (`250ms`, `30s`, `5m`, `2h`, `1d`, `1h30m`) or as a
 * non-negative number of milliseconds; `undefined` for anything else.
 *
 * Plugins cannot import the definition model (`workflows/`), so the SDK carries its own parser with
 * the same grammar.
 *
 * @example durationToMs('1m30s') === 90_000; durationToMs(1500) === 1500; durationToMs('soon') === undefined
 */
export function durationToMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.round(value) : undefined;
  if (typeof value !== 'string') return undefined;
  let rest = value.trim();
  if (rest.length === 0 || rest.length > 64) return undefined;
  let total = 0;
  while (rest.length > 0) {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)/.exec(rest);
    if (!match) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2]];
    rest = rest.slice(match[0].length);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}
