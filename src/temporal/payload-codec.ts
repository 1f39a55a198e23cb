import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import type { PayloadKeyring } from '../config/payload-keys';

/** `encoding` of an encrypted payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the key (of the ring) that encrypted the payload. */
export const KEY_ID_METADATA = 'encryption-key-id';
/** Metadata key naming the cipher, for whoever reads a raw history. */
export const CIPHER_METADATA = 'encryption-cipher';
/**
 * Metadata key carrying, in plaintext, the id of the workflow that owns the payload. It is bound
 * to the ciphertext (AES-GCM additional data), so it cannot be changed without decryption
 * failing: the codec endpoint authorizes on it.
 */
export const WORKFLOW_ID_METADATA = 'switchyard-workflow-id';

const CIPHER = 'AES256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A payload names a key id that the key ring does not hold. */
export class UnknownPayloadKeyError extends Error {
  constructor(
    readonly keyId: string,
    known: readonly string[],
  ) {
    super(
      `Payload was encrypted with key "${keyId}", which is not in the payload key ring ` +
        `(SWITCHYARD_PAYLOAD_KEYS holds ${known.map((id) => `"${id}"`).join(', ')}): add that key back to decrypt it`,
    );
    this.name = 'UnknownPayloadKeyError';
  }
}

/** An encrypted payload that does not decrypt: wrong key material, or ciphertext/metadata tampered with. */
export class PayloadDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadDecryptionError';
  }
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? fromUtf8.decode(value) : undefined;
}

/** Whether the payload is one this codec encrypted. */
export function isEncryptedPayload(payload: Payload): boolean {
  return metadataText(payload, 'encoding') === ENCRYPTED_ENCODING;
}

/** The key id an encrypted payload names, if any. */
export function payloadKeyId(payload: Payload): string | undefined {
  return metadataText(payload, KEY_ID_METADATA);
}

/** The workflow an encrypted payload belongs to (authenticated by the cipher), if the encoder knew it. */
export function payloadWorkflowId(payload: Payload): string | undefined {
  return metadataText(payload, WORKFLOW_ID_METADATA);
}

function additionalData(keyId: string, workflowId: string | undefined): Buffer {
  return Buffer.from(`switchyard-payload/v1\0${keyId}\0${workflowId ?? ''}`, 'utf8');
}

/** The whole original payload (its metadata included) as bytes: JSON of base64 fields. */
function serialize(payload: Payload): Buffer {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {})) {
    if (value) metadata[key] = Buffer.from(value).toString('base64');
  }
  return Buffer.from(JSON.stringify({ m: metadata, d: Buffer.from(payload.data ?? []).toString('base64') }), 'utf8');
}

function deserialize(bytes: Buffer): Payload {
  const parsed = JSON.parse(bytes.toString('utf8')) as { m: Record<string, string>; d: string };
  const metadata: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(parsed.m)) metadata[key] = new Uint8Array(Buffer.from(value, 'base64'));
  return { metadata, data: new Uint8Array(Buffer.from(parsed.d, 'base64')) };
}

/** `fn()` as a promise: what it throws becomes a rejection. */
function settle<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => resolve(fn()));
}

/**
 * The payload codec of every Temporal client and worker of the platform: AES-256-GCM with the
 * first key of the ring; metadata `encoding: binary/encrypted`, `encryption-key-id` and the owning
 * workflow's id (from the SDK's serialization context). Decoding passes payloads that are not
 * encrypted through unchanged, so histories recorded before encryption still replay and read.
 *
 * @example
 * const client = new Client({ connection, dataConverter: payloadDataConverter(keyring) });
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly byId: ReadonlyMap<string, Buffer>;

  constructor(private readonly keyring: PayloadKeyring) {
    if (keyring.keys.length === 0) throw new Error('EncryptionCodec: the key ring is empty');
    this.byId = new Map(keyring.keys.map(({ id, key }) => [id, key]));
  }

  /** The id of the key new payloads are encrypted with. */
  get currentKeyId(): string {
    return this.keyring.keys[0].id;
  }

  encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const workflowId = context?.workflowId || undefined;
    return settle(() => payloads.map((payload) => this.encrypt(payload, workflowId)));
  }

  /** Rejects (never throws) with {@link UnknownPayloadKeyError} or {@link PayloadDecryptionError}. */
  decode(payloads: Payload[]): Promise<Payload[]> {
    return settle(() => payloads.map((payload) => this.decrypt(payload)));
  }

  /** Encrypts one payload for `workflowId` (none: only global admins may decode it remotely). */
  encrypt(payload: Payload, workflowId: string | undefined): Payload {
    if (isEncryptedPayload(payload)) return payload;
    const { id, key } = this.keyring.keys[0];
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(id, workflowId));
    const sealed = Buffer.concat([iv, cipher.update(serialize(payload)), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        encoding: utf8.encode(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: utf8.encode(id),
        [CIPHER_METADATA]: utf8.encode(CIPHER),
        ...(workflowId ? { [WORKFLOW_ID_METADATA]: utf8.encode(workflowId) } : {}),
      },
      data: new Uint8Array(sealed),
    };
  }

  /**
   * Decrypts one payload; any other payload comes back unchanged.
   *
   * @throws {UnknownPayloadKeyError} the payload names a key the ring does not hold.
   * @throws {PayloadDecryptionError} it does not decrypt (other key material, tampered bytes or metadata).
   */
  decrypt(payload: Payload): Payload {
    if (!isEncryptedPayload(payload)) return payload;
    const keyId = payloadKeyId(payload);
    if (!keyId) throw new PayloadDecryptionError(`Encrypted payload without ${KEY_ID_METADATA} metadata`);
    const key = this.byId.get(keyId);
    if (!key) throw new UnknownPayloadKeyError(keyId, [...this.byId.keys()]);
    const sealed = Buffer.from(payload.data ?? []);
    if (sealed.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadDecryptionError(`Encrypted payload (key "${keyId}") is too short to be one`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(additionalData(keyId, payloadWorkflowId(payload)));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return deserialize(plain);
    } catch {
      throw new PayloadDecryptionError(
        `Encrypted payload (key "${keyId}") does not decrypt: the key "${keyId}" of this ring is not the one ` +
          'that encrypted it, or the payload or its metadata were altered',
      );
    }
  }
}

/**
 * Path of the platform's failure converter (failure messages and stack traces become payloads, so
 * they are encrypted too). Workflow bundles must be built with it (`failureConverterPath`).
 */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * The data converter of every Temporal client and worker of the platform: the default payload
 * converter, then {@link EncryptionCodec}; failures encoded as payloads.
 */
export function payloadDataConverter(keyring: PayloadKeyring): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keyring)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
