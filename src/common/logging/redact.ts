/** Keys whose values are never logged nor stored in audit details. */
export const SECRET_KEY_PATTERN = /pass(word|phrase)?|secret|token|authorization|cookie|api[-_]?key|credential|hash/i;

export const REDACTED = '[REDACTED]';

/**
 * A deep copy of `value` with every property whose name looks secret replaced by `[REDACTED]`,
 * cut at `maxDepth` levels. Use on anything user-supplied before logging or auditing it.
 *
 * @example redactSecrets({ username: 'ada', password: 'x' }) // { username: 'ada', password: '[REDACTED]' }
 */
export function redactSecrets(value: unknown, maxDepth = 6): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (maxDepth <= 0) return '[…]';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, maxDepth - 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    copy[key] = SECRET_KEY_PATTERN.test(key) ? REDACTED : redactSecrets(item, maxDepth - 1);
  }
  return copy;
}

/**
 * Paths pino removes from every log line (pino-http request/response objects and common
 * logged shapes). Secrets should not reach the logger in the first place; this is the net.
 */
export const PINO_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'password',
  'token',
  'secret',
  'variables',
  '*.password',
  '*.token',
  '*.secret',
  '*.variables',
  '*.jwtSecret',
  '*.adminPassword',
  '*.*.password',
  '*.*.token',
  '*.*.secret',
  '*.*.jwtSecret',
  '*.*.adminPassword',
];
