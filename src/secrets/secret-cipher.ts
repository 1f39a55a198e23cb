import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretsKey } from '../config/config';

/** What is stored for one secret value: AES-256-GCM ciphertext, its nonce and tag, and the key's id. */
export interface SealedSecret {
  ciphertext: Buffer;
  iv: Buffer;
  authTag: Buffer;
  keyId: string;
}

/** Thrown when a stored secret cannot be decrypted: its key is not configured, or it was tampered with. */
export class SecretDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretDecryptionError';
  }
}

/**
 * Encrypts and decrypts project secrets with AES-256-GCM. The first configured key encrypts; any
 * configured key decrypts (by the key id stored with the ciphertext), so keys rotate by putting a
 * new one first. The project and the name are authenticated data: a ciphertext copied onto another
 * secret's row does not decrypt.
 *
 * @example
 * const cipher = new SecretCipher(config.secrets.keys);
 * const sealed = cipher.seal('s3cr3t', { projectId, name: 'TOKEN' });
 * cipher.open(sealed, { projectId, name: 'TOKEN' }); // 's3cr3t'
 */
export class SecretCipher {
  constructor(private readonly keys: readonly SecretsKey[]) {}

  /** True when a key can encrypt. */
  get canSeal(): boolean {
    return this.keys.length > 0;
  }

  seal(value: string, owner: { projectId: string; name: string }): SealedSecret {
    const current = this.keys[0];
    if (!current) throw new Error('No secrets key is configured (SWITCHYARD_SECRETS_KEYS)');
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', current.key, iv);
    cipher.setAAD(aad(owner));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return { ciphertext, iv, authTag: cipher.getAuthTag(), keyId: current.id };
  }

  open(sealed: SealedSecret, owner: { projectId: string; name: string }): string {
    const key = this.keys.find((candidate) => candidate.id === sealed.keyId);
    if (!key) {
      throw new SecretDecryptionError(
        `Secret ${owner.name} is encrypted with key ${JSON.stringify(sealed.keyId)}, which is not configured (SWITCHYARD_SECRETS_KEYS)`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, sealed.iv);
      decipher.setAAD(aad(owner));
      decipher.setAuthTag(sealed.authTag);
      return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptionError(`Secret ${owner.name} does not decrypt with key ${JSON.stringify(sealed.keyId)}`);
    }
  }
}

function aad(owner: { projectId: string; name: string }): Buffer {
  return Buffer.from(`switchyard-secret\u0000${owner.projectId}\u0000${owner.name}`, 'utf8');
}
