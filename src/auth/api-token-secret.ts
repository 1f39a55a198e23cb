import { createHash, randomBytes } from 'node:crypto';

/** Every API token starts with this, so it is recognisable in secret scanners and in headers. */
export const API_TOKEN_PREFIX = 'sy_';

/** A new token: `sy_` + 32 random bytes in base64url (256 bits). */
export function generateApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** What is stored and looked up: the hex SHA-256 of the whole token. */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The part shown in lists to recognise a token: `sy_` and 8 characters. */
export function displayPrefix(token: string): string {
  return token.slice(0, API_TOKEN_PREFIX.length + 8);
}

export function looksLikeApiToken(credential: string): boolean {
  return credential.startsWith(API_TOKEN_PREFIX);
}
