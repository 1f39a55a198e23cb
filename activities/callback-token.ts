/**
 * Signed, single-use callback tokens: what makes a callback URL (`<base>/callbacks/<token>`) a
 * credential. HMAC-SHA256 over the claims, with a key only the platform holds; the API checks the
 * signature and the expiry, and records each token id it accepted so a token works once.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Where a callback token points: the Temporal activity to complete, and until when. */
export interface CallbackClaims {
  /** Temporal workflow id. */
  workflowId: string;
  /** Temporal run id. */
  runId: string;
  /** Temporal activity id (`node`, `node[3]`, `node#2`). */
  activityId: string;
  /** The Switchyard run id, for the audit log. */
  switchyardRunId: string;
  /** The node, or foreach instance, it completes. */
  nodeId: string;
  /** Expiry, epoch milliseconds. */
  expiresAt: number;
  /** Unique id of this token: consumed once. */
  tokenId: string;
}

const VERSION = 'v1';

/** What {@link verifyCallbackToken} found wrong with a token. */
export type CallbackTokenProblem = 'malformed' | 'forged' | 'expired';

function sign(key: string | Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(`${VERSION}.${body}`).digest();
}

/**
 * Signs the claims into a URL-safe token (`v1.<claims>.<signature>`, base64url).
 *
 * @example const token = signCallbackToken(key, { workflowId, runId, activityId: 'wait', ... });
 */
export function signCallbackToken(key: string | Buffer, claims: Omit<CallbackClaims, 'tokenId'>): string {
  const full: CallbackClaims = { ...claims, tokenId: randomBytes(16).toString('base64url') };
  const body = Buffer.from(JSON.stringify(full)).toString('base64url');
  return `${VERSION}.${body}.${sign(key, body).toString('base64url')}`;
}

/**
 * Checks a token's signature (constant time) and expiry. An expired token's claims come back with
 * the problem (the signature holds); a forged or malformed one's never do.
 *
 * @example const checked = verifyCallbackToken(key, token, Date.now()); if ('problem' in checked) ...
 */
export function verifyCallbackToken(
  key: string | Buffer,
  token: string,
  now: number,
): { claims: CallbackClaims } | { problem: CallbackTokenProblem; claims?: CallbackClaims } {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION || !parts[1] || !parts[2] || token.length > 4096) {
    return { problem: 'malformed' };
  }
  const expected = sign(key, parts[1]);
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { problem: 'forged' };
  let claims: CallbackClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as CallbackClaims;
  } catch {
    return { problem: 'malformed' };
  }
  if (typeof claims?.expiresAt !== 'number' || typeof claims.tokenId !== 'string') return { problem: 'malformed' };
  // Signed by us, so its claims are known (for the audit log) even though it no longer works.
  if (claims.expiresAt <= now) return { problem: 'expired', claims };
  return { claims };
}
