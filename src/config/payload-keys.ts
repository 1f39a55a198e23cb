import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Name of the file, inside the data directory, that holds the generated payload keys. */
export const PAYLOAD_KEYS_FILE = 'payload-keys';

/** The environment variable that carries the payload key ring. */
export const PAYLOAD_KEYS_VARIABLE = 'SWITCHYARD_PAYLOAD_KEYS';

/** AES-256: 32 bytes of key. */
export const PAYLOAD_KEY_BYTES = 32;

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** One AES-256 key of the ring and the id written next to every payload it encrypts. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

/**
 * The keys of the Temporal payload codec: the FIRST one encrypts, every one decrypts. Rotate by
 * putting a new key first and keeping the old ones for as long as histories encrypted with them
 * must stay readable.
 */
export interface PayloadKeyring {
  keys: readonly PayloadKey[];
  /** Where the ring came from, for the start-up log (never the keys). */
  source: 'env' | 'file' | 'generated' | 'ephemeral' | 'explicit';
}

/** Thrown for a key ring that does not parse; the message names the entry, never a key. */
export class PayloadKeysError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadKeysError';
  }
}

/**
 * Parses `id:<base64 of 32 bytes>,id2:<...>` (the format of {@link PAYLOAD_KEYS_VARIABLE} and of
 * the data-dir file). Whitespace and newlines between entries are allowed.
 *
 * @throws {PayloadKeysError} an empty ring, a bad id, a duplicate id, or a key that is not 32 bytes.
 * @example
 * parsePayloadKeys('k2:' + newKey, 'env') // k2 encrypts, k1 still decrypts
 */
export function parsePayloadKeys(text: string, source: PayloadKeyring['source']): PayloadKeyring {
  const entries = text
    .split(/[,\s]+/)
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new PayloadKeysError('must list at least one key as id:<base64 of 32 bytes>');
  const keys: PayloadKey[] = [];
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    if (!KEY_ID.test(id)) {
      throw new PayloadKeysError(`entry ${index + 1} must be id:<base64 key> with an id of [A-Za-z0-9._-]{1,64}`);
    }
    if (keys.some((known) => known.id === id)) throw new PayloadKeysError(`key id "${id}" appears twice`);
    const encoded = entry.slice(colon + 1);
    const key = Buffer.from(encoded, 'base64');
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded) || key.length !== PAYLOAD_KEY_BYTES) {
      throw new PayloadKeysError(`key "${id}" must be ${PAYLOAD_KEY_BYTES} bytes, base64-encoded`);
    }
    keys.push({ id, key });
  });
  return { keys, source };
}

/** Writes a ring back in the {@link parsePayloadKeys} format. */
export function formatPayloadKeys(keys: readonly PayloadKey[]): string {
  return keys.map(({ id, key }) => `${id}:${key.toString('base64')}`).join(',');
}

/** A fresh random key. */
export function generatePayloadKey(id: string): PayloadKey {
  return { id, key: randomBytes(PAYLOAD_KEY_BYTES) };
}

/** A ring of one random key that lives as long as the process (the CLI's embedded `run`). */
export function ephemeralPayloadKeyring(): PayloadKeyring {
  return { keys: [generatePayloadKey('ephemeral')], source: 'ephemeral' };
}

function readKeysFile(file: string): PayloadKeyring {
  try {
    return parsePayloadKeys(readFileSync(file, 'utf8'), 'file');
  } catch (error) {
    if (error instanceof PayloadKeysError) throw new PayloadKeysError(`${file}: ${error.message}`);
    throw error;
  }
}

/**
 * The ring of {@link PAYLOAD_KEYS_VARIABLE} when set; else the one kept in `<dataDir>/payload-keys`,
 * created there (one random key, file mode 0600) when `create` and it does not exist yet; else `null`.
 *
 * @throws {PayloadKeysError} when the variable or the file does not parse.
 */
export function loadPayloadKeys(
  env: Readonly<Record<string, string | undefined>>,
  dataDir: string,
  { create }: { create: boolean },
): PayloadKeyring | null {
  const configured = env[PAYLOAD_KEYS_VARIABLE]?.trim();
  if (configured) return parsePayloadKeys(configured, 'env');
  const file = join(dataDir, PAYLOAD_KEYS_FILE);
  if (existsSync(file)) return readKeysFile(file);
  if (!create) return null;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = generatePayloadKey(`k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`);
  try {
    // 'wx': never overwrite keys another process wrote a moment ago.
    writeFileSync(file, `${formatPayloadKeys([key])}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKeysFile(file);
    throw error;
  }
  chmodSync(file, 0o600);
  return { keys: [key], source: 'generated' };
}
