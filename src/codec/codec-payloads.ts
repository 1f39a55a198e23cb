import type { Payload } from '@temporalio/common';
import { BadUserInputError } from '../common/errors/app-errors';

/**
 * A payload as Temporal's remote codec protocol writes it (proto JSON): metadata values and data
 * base64-encoded. The body of `/codec/decode` and `/codec/encode` is `{ "payloads": [...] }`.
 */
export interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function bytes(value: unknown, path: string, problems: Array<{ path: string; message: string }>): Uint8Array {
  if (typeof value !== 'string' || !BASE64.test(value)) {
    problems.push({ path, message: 'must be a base64 string' });
    return new Uint8Array();
  }
  return new Uint8Array(Buffer.from(value, 'base64'));
}

/**
 * Reads the body of a codec request into SDK payloads.
 *
 * @throws {BadUserInputError} every malformed field, with its path (`payloads[2].metadata.encoding`).
 */
export function payloadsFromJson(body: unknown): Payload[] {
  const list = (body as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(list)) {
    throw new BadUserInputError([{ path: 'payloads', message: 'must be an array of payloads' }]);
  }
  const problems: Array<{ path: string; message: string }> = [];
  const payloads = list.map((entry: unknown, index): Payload => {
    const path = `payloads[${index}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      problems.push({ path, message: 'must be an object with metadata and data' });
      return {};
    }
    const { metadata, data } = entry as { metadata?: unknown; data?: unknown };
    const decoded: Record<string, Uint8Array> = {};
    if (metadata !== undefined && metadata !== null) {
      if (typeof metadata !== 'object' || Array.isArray(metadata)) {
        problems.push({ path: `${path}.metadata`, message: 'must be an object of base64 strings' });
      } else {
        for (const [key, value] of Object.entries(metadata))
          decoded[key] = bytes(value, `${path}.metadata.${key}`, problems);
      }
    }
    return {
      metadata: decoded,
      data: data === undefined || data === null ? new Uint8Array() : bytes(data, `${path}.data`, problems),
    };
  });
  if (problems.length > 0) throw new BadUserInputError(problems);
  return payloads;
}

/** Writes SDK payloads in the codec protocol's JSON form. */
export function payloadsToJson(payloads: readonly Payload[]): { payloads: JsonPayload[] } {
  return {
    payloads: payloads.map((payload) => {
      const metadata: Record<string, string> = {};
      for (const [key, value] of Object.entries(payload.metadata ?? {})) {
        if (value) metadata[key] = Buffer.from(value).toString('base64');
      }
      return { metadata, data: Buffer.from(payload.data ?? []).toString('base64') };
    }),
  };
}
