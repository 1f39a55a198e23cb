/**
 * The codec session: the API keeps an HttpOnly cookie (path /codec) so the Temporal Web UI, with
 * "include cross-origin credentials" in its codec settings, can decrypt the payloads of the runs
 * this user may see. Best effort: the admin frontend works the same without it.
 */
const CODEC_SESSION_PATH = '/codec/session';

/** Gives the signed-in user's token to the codec endpoint as its cookie. */
export function openCodecSession(token: string): void {
  void fetch(CODEC_SESSION_PATH, { method: 'POST', headers: { Authorization: `Bearer ${token}` } }).catch(
    () => undefined,
  );
}

/** Removes the codec cookie (signing out). */
export function closeCodecSession(): void {
  void fetch(CODEC_SESSION_PATH, { method: 'DELETE' }).catch(() => undefined);
}
