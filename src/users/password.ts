import * as argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

/** argon2id with OWASP's minimum recommendation (19 MiB, 2 passes, 1 lane). */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** A valid hash of a random password: verified against when the user does not exist, so timing tells nothing. */
let dummyHash: Promise<string> | undefined;

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

/** argon2id encoded hash of `password` (salted; `$argon2id$v=19$m=19456,t=2,p=1$...`). */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

/**
 * Checks `password` against `hash`; with no hash (unknown user) still spends the same time and
 * returns false. Never throws on a malformed hash.
 */
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  try {
    if (hash === undefined) {
      dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
      await argon2.verify(await dummyHash, password);
      return false;
    }
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** A random password for generated accounts: 24 characters of base64url (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
