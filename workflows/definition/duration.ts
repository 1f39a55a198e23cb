const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration string (`250ms`, `30s`, `5m`, `2h`, `1d`, or compound `1h30m`) into milliseconds.
 * Returns `undefined` for anything else, so callers decide how to report it.
 *
 * @example parseDuration('1m30s') === 90_000
 */
export function parseDuration(text: unknown): number | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) return undefined;
  let total = 0;
  let rest = text.trim();
  if (rest.length === 0) return undefined;
  while (rest.length > 0) {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)/.exec(rest);
    if (!match) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2]];
    rest = rest.slice(match[0].length);
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/** True when `text` is one simple or compound duration. */
export function isDuration(text: unknown): boolean {
  return parseDuration(text) !== undefined;
}
