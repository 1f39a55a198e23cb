import { randomBytes } from 'node:crypto';
import {
  ConfigError,
  ensureSecretsKeys,
  loadConfig,
  parseConfig,
  parseSecretsKeys,
  SECRETS_KEYS_FILE,
} from '../config/config';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretCipher, SecretDecryptionError } from './secret-cipher';

const owner = { projectId: '8d0f5b53-6a8e-4d43-9c53-0d3c6e1f4c11', name: 'TOKEN' };
const key = (id: string) => ({ id, key: randomBytes(32) });

describe(SecretCipher.name, () => {
  it('round-trips a value, never storing it in clear', () => {
    const cipher = new SecretCipher([key('k1')]);
    const sealed = cipher.seal('correct horse battery staple', owner);
    expect(sealed.keyId).toBe('k1');
    expect(sealed.ciphertext.toString('utf8')).not.toContain('horse');
    expect(cipher.open(sealed, owner)).toBe('correct horse battery staple');
  });

  it('encrypts with the first key and still opens values of older keys', () => {
    const k1 = key('k1');
    const old = new SecretCipher([k1]).seal('old value', owner);
    const rotated = new SecretCipher([key('k2'), k1]);
    expect(rotated.seal('new value', owner).keyId).toBe('k2');
    expect(rotated.open(old, owner)).toBe('old value');
  });

  it('refuses a ciphertext moved to another secret, a tampered one, or an unknown key', () => {
    const cipher = new SecretCipher([key('k1')]);
    const sealed = cipher.seal('v', owner);
    expect(() => cipher.open(sealed, { ...owner, name: 'OTHER' })).toThrow(SecretDecryptionError);
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0] ^= 1;
    expect(() => cipher.open({ ...sealed, ciphertext: flipped }, owner)).toThrow('does not decrypt');
    expect(() => new SecretCipher([key('k9')]).open(sealed, owner)).toThrow('key "k1", which is not configured');
  });
});

describe(parseSecretsKeys.name, () => {
  it('reads id:base64 pairs, first one first', () => {
    const [a, b] = [randomBytes(32), randomBytes(32)];
    const keys = parseSecretsKeys(`k2:${a.toString('base64')}, k1:${b.toString('base64')}`);
    expect(keys.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(keys[0].key.equals(a)).toBe(true);
  });

  it('explains a malformed key without echoing it', () => {
    const short = randomBytes(16).toString('base64');
    try {
      parseConfig({ SWITCHYARD_SECRETS_KEYS: `k1:${short}` });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(
        'SWITCHYARD_SECRETS_KEYS: key "k1" must be 32 bytes in base64 (openssl rand -base64 32)',
      );
      expect((error as Error).message).not.toContain(short);
    }
    expect(() => parseSecretsKeys('no-colon')).toThrow('key 1 of 1 must look like <id>:<base64 of 32 bytes>');
    const k = randomBytes(32).toString('base64');
    expect(() => parseSecretsKeys(`a:${k},a:${k}`)).toThrow('key id "a" appears twice');
  });

  it('is generated once into the data dir when unset (mode 0600)', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-keys-'));
    const env = { SWITCHYARD_DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(40) };
    expect(loadConfig(env).secrets).toBeUndefined();
    const first = ensureSecretsKeys(loadConfig(env));
    expect(first.secrets?.source).toBe('generated');
    const second = ensureSecretsKeys(loadConfig(env));
    expect(second.secrets?.source).toBe('file');
    expect(second.secrets?.keys[0].key.equals(first.secrets!.keys[0].key)).toBe(true);
    expect(statSync(join(dataDir, SECRETS_KEYS_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dataDir, SECRETS_KEYS_FILE), 'utf8')).toMatch(/^k1:/);
  });
});
