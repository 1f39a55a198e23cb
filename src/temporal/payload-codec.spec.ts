import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  formatPayloadKeys,
  generatePayloadKey,
  loadPayloadKeys,
  PAYLOAD_KEYS_FILE,
  parsePayloadKeys,
  type PayloadKeyring,
} from '../config/payload-keys';
import {
  EncryptionCodec,
  isEncryptedPayload,
  PayloadDecryptionError,
  payloadKeyId,
  payloadWorkflowId,
  UnknownPayloadKeyError,
} from './payload-codec';
import { failureConverter } from './failure-converter';

const k1 = generatePayloadKey('k1');
const k2 = generatePayloadKey('k2');
const ring = (...keys: Array<typeof k1>): PayloadKeyring => ({ keys, source: 'explicit' });
const MARKER = 'marker-7f3a-plaintext';
const context = { type: 'workflow', namespace: 'default', workflowId: 'wf-1' } as const;

function plain(value: unknown): Payload {
  return defaultPayloadConverter.toPayload(value);
}

describe(EncryptionCodec.name, () => {
  it('encrypts with the first key, names it and the workflow, and decrypts back to the same payload', async () => {
    const codec = new EncryptionCodec(ring(k1));
    const original = plain({ secret: MARKER });
    const [encrypted] = await codec.encode([original], context);
    expect(isEncryptedPayload(encrypted)).toBe(true);
    expect(payloadKeyId(encrypted)).toBe('k1');
    expect(payloadWorkflowId(encrypted)).toBe('wf-1');
    expect(Buffer.from(encrypted.data!).toString('latin1')).not.toContain(MARKER);
    const [decoded] = await codec.decode([encrypted]);
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual({ secret: MARKER });
    expect(Buffer.from(decoded.metadata!.encoding).toString()).toBe('json/plain');
  });

  it('passes payloads that are not encrypted through (histories recorded before encryption)', async () => {
    const codec = new EncryptionCodec(ring(k1));
    const original = plain({ old: true });
    expect(await codec.decode([original])).toEqual([original]);
  });

  it('reads payloads of an older key after rotation, and encrypts new ones with the new key', async () => {
    const [before] = await new EncryptionCodec(ring(k1)).encode([plain(MARKER)], context);
    const rotated = new EncryptionCodec(ring(k2, k1));
    expect(defaultPayloadConverter.fromPayload(rotated.decrypt(before))).toBe(MARKER);
    const [after] = await rotated.encode([plain(MARKER)], context);
    expect(payloadKeyId(after)).toBe('k2');
  });

  it('refuses a payload of a key the ring does not hold, naming the key', async () => {
    const [encrypted] = await new EncryptionCodec(ring(k1)).encode([plain(MARKER)], context);
    const codec = new EncryptionCodec(ring(k2));
    await expect(codec.decode([encrypted])).rejects.toThrow(UnknownPayloadKeyError);
    await expect(codec.decode([encrypted])).rejects.toThrow(/key "k1", which is not in the payload key ring/);
  });

  it('refuses a payload whose workflow id was changed (it is bound to the ciphertext)', async () => {
    const codec = new EncryptionCodec(ring(k1));
    const [encrypted] = await codec.encode([plain(MARKER)], context);
    const forged: Payload = {
      ...encrypted,
      metadata: { ...encrypted.metadata, 'switchyard-workflow-id': new TextEncoder().encode('someone-elses-run') },
    };
    expect(() => codec.decrypt(forged)).toThrow(PayloadDecryptionError);
  });

  it('refuses other key material under the same id', async () => {
    const [encrypted] = await new EncryptionCodec(ring(k1)).encode([plain(MARKER)], context);
    const impostor = new EncryptionCodec(ring(generatePayloadKey('k1')));
    expect(() => impostor.decrypt(encrypted)).toThrow(/does not decrypt/);
  });
});

describe(parsePayloadKeys.name, () => {
  it('reads id:base64 entries in order', () => {
    const parsed = parsePayloadKeys(formatPayloadKeys([k2, k1]), 'env');
    expect(parsed.keys.map((key) => key.id)).toEqual(['k2', 'k1']);
    expect(parsed.keys[0].key.equals(k2.key)).toBe(true);
  });

  it.each([
    ['', /at least one key/],
    ['k1', /entry 1 must be id:<base64 key>/],
    [`k1:${Buffer.alloc(16).toString('base64')}`, /key "k1" must be 32 bytes/],
    [`${formatPayloadKeys([k1])},${formatPayloadKeys([k1])}`, /"k1" appears twice/],
  ])('refuses %j without echoing key material', (text, message) => {
    expect(() => parsePayloadKeys(text, 'env')).toThrow(message);
    try {
      parsePayloadKeys(text, 'env');
    } catch (error) {
      expect((error as Error).message).not.toContain(k1.key.toString('base64'));
    }
  });
});

describe(loadPayloadKeys.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'payload-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a key once in the data directory (mode 0600) and reads it back afterwards', () => {
    expect(loadPayloadKeys({}, dir, { create: false })).toBeNull();
    const created = loadPayloadKeys({}, dir, { create: true })!;
    expect(created.source).toBe('generated');
    const file = join(dir, PAYLOAD_KEYS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = loadPayloadKeys({}, dir, { create: true })!;
    expect(again.source).toBe('file');
    expect(again.keys[0].key.equals(created.keys[0].key)).toBe(true);
    expect(readFileSync(file, 'utf8').trim()).toBe(formatPayloadKeys(created.keys));
  });

  it('prefers SWITCHYARD_PAYLOAD_KEYS', () => {
    const env = { SWITCHYARD_PAYLOAD_KEYS: formatPayloadKeys([k2, k1]) };
    const loaded = loadPayloadKeys(env, dir, { create: true })!;
    expect(loaded.source).toBe('env');
    expect(loaded.keys.map((key) => key.id)).toEqual(['k2', 'k1']);
  });
});

describe('failureConverter', () => {
  it('moves messages and stack traces into a payload the codec encrypts, except its own errors', () => {
    const failure = failureConverter.errorToFailure(new Error(MARKER), defaultPayloadConverter);
    expect(failure.message).toBe('Encoded failure');
    expect(JSON.stringify(failure.message) + (failure.stackTrace ?? '')).not.toContain(MARKER);
    expect(defaultPayloadConverter.fromPayload(failure.encodedAttributes!)).toMatchObject({ message: MARKER });
    expect(failureConverter.failureToError(failure, defaultPayloadConverter).message).toBe(MARKER);

    const codecError = failureConverter.errorToFailure(
      new UnknownPayloadKeyError('k0', ['k1']),
      defaultPayloadConverter,
    );
    expect(codecError.message).toMatch(/key "k0", which is not in the payload key ring/);
  });
});
