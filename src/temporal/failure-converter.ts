/**
 * The failure converter of the platform, loaded by path (`failureConverterPath`) in clients,
 * workers and the workflow bundle. It moves a failure's message and stack trace into an encoded
 * payload, so the payload codec encrypts them like any other payload: an error message often
 * quotes what a plugin received or answered. In history the failure reads "Encoded failure"; SDK
 * clients and the Temporal UI (through the codec endpoint) show the real message.
 *
 * The codec's own errors (a key missing from the ring, a payload that does not decrypt) stay
 * readable: they carry no run data, and whoever must fix the key ring needs to read them.
 *
 * Bundled into workflow code: it imports nothing but `@temporalio/common`.
 */
import {
  DefaultFailureConverter,
  type FailureConverter,
  type PayloadConverter,
  type ProtoFailure,
  type SerializationContext,
} from '@temporalio/common';

/** Names of the payload codec's errors (`UnknownPayloadKeyError`, `PayloadDecryptionError`). */
const CODEC_ERRORS = new Set(['UnknownPayloadKeyError', 'PayloadDecryptionError']);

const encoding = new DefaultFailureConverter({ encodeCommonAttributes: true });
const plain = new DefaultFailureConverter();

function isCodecError(err: unknown): boolean {
  return err instanceof Error && CODEC_ERRORS.has(err.name);
}

export const failureConverter: FailureConverter = {
  errorToFailure(err: unknown, payloadConverter: PayloadConverter, context?: SerializationContext): ProtoFailure {
    return (isCodecError(err) ? plain : encoding).errorToFailure(err, payloadConverter, context);
  },
  failureToError(failure: ProtoFailure, payloadConverter: PayloadConverter, context?: SerializationContext): Error {
    return encoding.failureToError(failure, payloadConverter, context);
  },
};
