import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  decideHostKey,
  entryMatchesHost,
  fingerprintOf,
  keyTypeOfBlob,
  knownHostName,
  parseKnownHosts,
  preferredAlgorithms,
} from './known-hosts';

/** The SSH wire blob of a fresh Ed25519 public key: string "ssh-ed25519", string key(32). */
function ed25519Blob(): Buffer {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const type = Buffer.from('ssh-ed25519');
  const blob = Buffer.alloc(4 + type.length + 4 + raw.length);
  blob.writeUInt32BE(type.length, 0);
  type.copy(blob, 4);
  blob.writeUInt32BE(raw.length, 4 + type.length);
  raw.copy(blob, 8 + type.length);
  return blob;
}

const blob = ed25519Blob();
const other = ed25519Blob();
const line = (hosts: string, key = blob) => `${hosts} ssh-ed25519 ${key.toString('base64')}`;

describe(parseKnownHosts.name, () => {
  it('reads key lines, fingerprints, comments and @revoked, several per item too', () => {
    const entries = parseKnownHosts([
      `${line('web-1,[10.0.0.5]:2222')} deploy@laptop`,
      `# a comment\n\n${line('web-2')}`,
      `web-3 ${fingerprintOf(blob)}`,
      fingerprintOf(other),
      `@revoked ${line('*')}`,
    ]);
    expect(entries.map((e) => [e.patterns, e.keyType, e.revoked])).toEqual([
      [['web-1', '[10.0.0.5]:2222'], 'ssh-ed25519', false],
      [['web-2'], 'ssh-ed25519', false],
      [['web-3'], undefined, false],
      [[], undefined, false],
      [['*'], 'ssh-ed25519', true],
    ]);
    expect(entries[0].fingerprint).toBe(fingerprintOf(blob));
  });

  it.each([
    ['web-1', /expected "host keytype base64key"/],
    ['web-1 ssh-ed25519', /expected a base64 key after ssh-ed25519/],
    ['web-1 ssh-ed25519 not*base64', /not base64/],
    [`web-1 ssh-rsa ${blob.toString('base64')}`, /not a ssh-rsa key/],
    [`@cert-authority ${line('*')}`, /marker @cert-authority is not supported/],
  ])('refuses %p, naming the item', (text, message) => {
    expect(() => parseKnownHosts(['', text])).toThrow(/^knownHosts\[1\]: /);
    expect(() => parseKnownHosts([text])).toThrow(message);
  });
});

describe(entryMatchesHost.name, () => {
  const [entry] = parseKnownHosts([line('*.prod,!bastion.prod,[10.0.0.5]:2222,Web-?')]);

  it('follows OpenSSH patterns: wildcards, negation, [host]:port, case-insensitive names', () => {
    expect(entryMatchesHost(entry, 'api.prod')).toBe(true);
    expect(entryMatchesHost(entry, 'bastion.prod')).toBe(false);
    expect(entryMatchesHost(entry, knownHostName('10.0.0.5', 2222))).toBe(true);
    expect(entryMatchesHost(entry, knownHostName('10.0.0.5', 22))).toBe(false);
    expect(entryMatchesHost(entry, 'web-1')).toBe(true);
    expect(entryMatchesHost(entry, 'web-12')).toBe(false);
  });

  it('matches hashed hosts (|1|salt|hmac-sha1)', () => {
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update('[db-1]:2200').digest('base64');
    const [hashed] = parseKnownHosts([line(`|1|${salt.toString('base64')}|${hash}`)]);
    expect(entryMatchesHost(hashed, '[db-1]:2200')).toBe(true);
    expect(entryMatchesHost(hashed, 'db-1')).toBe(false);
  });
});

describe(decideHostKey.name, () => {
  it('trusts a listed key or fingerprint, refuses a mismatch, a revoked key and an unknown host', () => {
    const entries = parseKnownHosts([line('a'), `b ${fingerprintOf(blob)}`, line('c', other), `@revoked ${line('d')}`]);
    expect(decideHostKey(entries, 'a', blob, false)).toEqual({ ok: true });
    expect(decideHostKey(entries, 'b', blob, false)).toEqual({ ok: true });
    expect(decideHostKey(entries, 'c', blob, true)).toMatchObject({ ok: false, type: 'SshHostKeyMismatch' });
    expect(decideHostKey(entries, 'd', blob, true)).toMatchObject({ ok: false, type: 'SshHostKeyRevoked' });
    expect(decideHostKey(entries, 'e', blob, false)).toMatchObject({
      ok: false,
      type: 'SshHostKeyUnknown',
      message: expect.stringContaining(`pin it with "${line('e')}"`),
    });
    expect(decideHostKey(entries, 'e', blob, true)).toEqual({ ok: true, newLine: line('e') });
  });
});

describe(preferredAlgorithms.name, () => {
  it('lists the algorithms of the key types known for a host', () => {
    const entries = parseKnownHosts([line('a'), `a ${fingerprintOf(other)}`]);
    expect(preferredAlgorithms(entries, 'a')).toEqual(['ssh-ed25519']);
    expect(preferredAlgorithms(entries, 'b')).toEqual([]);
  });
});

describe(keyTypeOfBlob.name, () => {
  it('reads the leading type string, or nothing from garbage', () => {
    expect(keyTypeOfBlob(blob)).toBe('ssh-ed25519');
    expect(keyTypeOfBlob(Buffer.from([0, 0, 0, 200, 1]))).toBeUndefined();
  });
});
