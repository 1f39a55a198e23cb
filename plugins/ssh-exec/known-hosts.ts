import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** One trusted (or revoked) host key: a full public key, or only its SHA256 fingerprint. */
export interface KnownHostEntry {
  /** Host patterns as in OpenSSH `known_hosts`: `web-1`, `[10.0.0.5]:2222`, `*.prod`, `!bastion`, `|1|salt|hash`; empty means any host. */
  patterns: string[];
  /** `ssh-ed25519`, `ssh-rsa`, `ecdsa-sha2-nistp256`...; absent for a bare fingerprint. */
  keyType?: string;
  /** The key blob, base64; absent for a bare fingerprint. */
  key?: string;
  /** `SHA256:...` without padding, as `ssh-keygen -l` prints it. */
  fingerprint: string;
  revoked: boolean;
}

/** What was decided about the key a host presented. */
export type HostKeyDecision =
  | { ok: true; newLine?: string }
  | { ok: false; type: 'SshHostKeyUnknown' | 'SshHostKeyMismatch' | 'SshHostKeyRevoked'; message: string };

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The host-key algorithms a key type can sign with, preferred first (an RSA key serves three). */
const ALGORITHMS_BY_KEY_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
};

/**
 * Parses `knownHosts` lines: OpenSSH `known_hosts` lines (`host[,host...] keytype base64 [comment]`,
 * hashed hosts and `@revoked` included), `host SHA256:fingerprint`, or a bare `SHA256:fingerprint`
 * trusted for any host. Blank lines and `#` comments are skipped.
 *
 * @throws Error naming the line number (never the secret inputs; these lines are public keys) when a line is malformed.
 * @example parseKnownHosts(['[10.0.0.5]:2222 ssh-ed25519 AAAAC3Nz...', 'SHA256:Xy...'])
 */
export function parseKnownHosts(lines: readonly string[]): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  lines.forEach((raw, index) => {
    for (const line of raw.split(/\r?\n/)) {
      const text = line.trim();
      if (text === '' || text.startsWith('#')) continue;
      const entry = parseLine(text);
      if (typeof entry === 'string') throw new Error(`knownHosts[${index}]: ${entry}`);
      entries.push(entry);
    }
  });
  return entries;
}

function parseLine(text: string): KnownHostEntry | string {
  let tokens = text.split(/\s+/);
  let revoked = false;
  if (tokens[0].startsWith('@')) {
    if (tokens[0] !== '@revoked') return `marker ${tokens[0]} is not supported (only @revoked)`;
    revoked = true;
    tokens = tokens.slice(1);
  }
  if (tokens.length === 1 && FINGERPRINT.test(tokens[0])) {
    return { patterns: [], fingerprint: stripPadding(tokens[0]), revoked };
  }
  if (tokens.length < 2) return 'expected "host keytype base64key", "host SHA256:fingerprint" or "SHA256:fingerprint"';
  const patterns = tokens[0].split(',').filter((pattern) => pattern.length > 0);
  if (patterns.length === 0) return 'no host pattern';
  if (FINGERPRINT.test(tokens[1])) return { patterns, fingerprint: stripPadding(tokens[1]), revoked };
  if (tokens.length < 3) return `expected a base64 key after ${tokens[1]}`;
  const [keyType, key] = [tokens[1], tokens[2]];
  if (!BASE64.test(key)) return 'the key is not base64';
  const blob = Buffer.from(key, 'base64');
  if (keyTypeOfBlob(blob) !== keyType) return `the key is not a ${keyType} key`;
  return { patterns, keyType, key: blob.toString('base64'), fingerprint: fingerprintOf(blob), revoked };
}

function stripPadding(fingerprint: string): string {
  return fingerprint.replace(/=+$/, '');
}

/** `SHA256:` + unpadded base64 of the SHA-256 of the key blob: the fingerprint `ssh-keygen -l` prints. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type a public key blob starts with (an SSH `string`), or `undefined` when it is not one. */
export function keyTypeOfBlob(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || blob.length < 4 + length) return undefined;
  const type = blob.subarray(4, 4 + length).toString('latin1');
  return /^[a-z0-9@.-]+$/.test(type) ? type : undefined;
}

/** How OpenSSH names a host in `known_hosts`: `web-1` on port 22, `[web-1]:2222` elsewhere. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Whether `entry` is about `name` (a {@link knownHostName}); an entry without patterns is about every host. */
export function entryMatchesHost(entry: KnownHostEntry, name: string): boolean {
  if (entry.patterns.length === 0) return true;
  let matched = false;
  for (const pattern of entry.patterns) {
    const negated = pattern.startsWith('!');
    const body = negated ? pattern.slice(1) : pattern;
    if (!patternMatches(body, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [salt, hash] = pattern.slice(3).split('|');
    if (!salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64');
    const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
  const regex = new RegExp(
    `^${pattern
      .toLowerCase()
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return regex.test(name.toLowerCase());
}

/**
 * The host-key algorithms to offer first for `name`, so that a host known by its RSA key is not
 * asked for its Ed25519 one (which would look unknown); empty when only fingerprints are known.
 */
export function preferredAlgorithms(entries: readonly KnownHostEntry[], name: string): string[] {
  const algorithms: string[] = [];
  for (const entry of entries) {
    if (entry.revoked || !entry.keyType || !entryMatchesHost(entry, name)) continue;
    for (const algorithm of ALGORITHMS_BY_KEY_TYPE[entry.keyType] ?? []) {
      if (!algorithms.includes(algorithm)) algorithms.push(algorithm);
    }
  }
  return algorithms;
}

/**
 * Decides on the key `blob` that host `name` presented: trusted when an entry for the host holds
 * it (or its fingerprint); refused when it is revoked, when the host has other keys (a mismatch:
 * possibly a man in the middle), or when the host is unknown, unless `acceptNew`, which trusts an
 * unknown host's first key and returns the `known_hosts` line to pin it with.
 */
export function decideHostKey(
  entries: readonly KnownHostEntry[],
  name: string,
  blob: Buffer,
  acceptNew: boolean,
): HostKeyDecision {
  const keyType = keyTypeOfBlob(blob) ?? 'unknown-key-type';
  const fingerprint = fingerprintOf(blob);
  const key = blob.toString('base64');
  const presented = `${keyType} ${fingerprint}`;
  const forHost = entries.filter((entry) => entryMatchesHost(entry, name));
  const holds = (entry: KnownHostEntry): boolean =>
    entry.key !== undefined ? entry.key === key : entry.fingerprint === fingerprint;

  if (forHost.some((entry) => entry.revoked && holds(entry))) {
    return { ok: false, type: 'SshHostKeyRevoked', message: `host key of ${name} (${presented}) is revoked` };
  }
  const trusted = forHost.filter((entry) => !entry.revoked);
  if (trusted.some(holds)) return { ok: true };
  if (trusted.length > 0) {
    return {
      ok: false,
      type: 'SshHostKeyMismatch',
      message:
        `host key of ${name} (${presented}) does not match knownHosts: ` +
        'the host was reinstalled or someone is in the middle',
    };
  }
  const line = `${name} ${keyType} ${key}`;
  if (acceptNew) return { ok: true, newLine: line };
  return {
    ok: false,
    type: 'SshHostKeyUnknown',
    message: `host key of ${name} (${presented}) is not in knownHosts; pin it with "${line}" or set hostKeyPolicy: accept-new`,
  };
}
