import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { parsePayloadKeys, type PayloadKeyring } from '../../src/config/payload-keys';
import { payloadDataConverter } from '../../src/temporal/payload-codec';
import { testTemporal } from './temporal';

/** The payload key ring of the tests (SWITCHYARD_PAYLOAD_KEYS format): fixed keys, never used elsewhere. */
export const TEST_PAYLOAD_KEYS = 'test-k1:' + Buffer.alloc(32, 'switchyard-test-payload-key-one!').toString('base64');

/** A second key, for rotation tests. */
export const TEST_PAYLOAD_KEY_2 = 'test-k2:' + Buffer.alloc(32, 'switchyard-test-payload-key-two!').toString('base64');

/** {@link TEST_PAYLOAD_KEYS} parsed. */
export function testPayloadKeyring(text = TEST_PAYLOAD_KEYS): PayloadKeyring {
  return parsePayloadKeys(text, 'explicit');
}

/** The data converter of the platform with the test keys: for test workers and clients that talk to the API's runs. */
export function testDataConverter(text = TEST_PAYLOAD_KEYS): DataConverter {
  return payloadDataConverter(testPayloadKeyring(text));
}

let platformClient: Promise<Client> | undefined;

/**
 * A client of the test dev server that reads and writes payloads as the platform does (the test
 * keys): for specs that look at runs the API started. `testTemporal().client` stays plaintext,
 * for the interpreter specs' own plaintext workers.
 */
export function testPlatformClient(): Promise<Client> {
  platformClient ??= testTemporal().then(
    (env) => new Client({ connection: env.connection, namespace: 'default', dataConverter: testDataConverter() }),
  );
  return platformClient;
}
