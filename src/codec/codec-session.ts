/**
 * The codec session cookie: the admin frontend exchanges its login token for it once signed in, so
 * that the Temporal Web UI (another origin of the same site, e.g. localhost:8233 next to
 * localhost:3000) can call `/codec` with "include cross-origin credentials". HttpOnly, `SameSite=Lax`
 * and `Path=/codec`: scripts cannot read it, other sites do not send it, and no other endpoint
 * of the API accepts it.
 */
export const CODEC_SESSION_COOKIE = 'switchyard_codec';

/** Where the cookie is sent: the codec endpoints only. */
export const CODEC_COOKIE_PATH = '/codec';

/** The value of cookie `name` in a `Cookie` header, if present. */
export function readCookie(header: string | string[] | undefined, name: string): string | undefined {
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (!text) return undefined;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(value) || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** `Set-Cookie` for a session of `maxAgeSeconds`; `Secure` when the API is reached over HTTPS. */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${CODEC_SESSION_COOKIE}=${encodeURIComponent(token)}`,
    `Path=${CODEC_COOKIE_PATH}`,
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** `Set-Cookie` that removes the session. */
export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}

/** Seconds until a JWT's `exp` (0 when it has none or cannot be read); the token was verified before. */
export function secondsUntilExpiry(jwt: string, now = Date.now()): number {
  try {
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? Math.max(0, claims.exp - Math.floor(now / 1000)) : 0;
  } catch {
    return 0;
  }
}
