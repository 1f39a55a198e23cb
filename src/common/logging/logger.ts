import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Params } from 'nestjs-pino';
import { type DestinationStream, stdSerializers } from 'pino';
import type { Options } from 'pino-http';
import type { LogLevel } from '../../config/config';
import { PINO_REDACT_PATHS } from './redact';

/** Header carrying the request id in and out; each log line of the request has it as `reqId`. */
export const REQUEST_ID_HEADER = 'x-request-id';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A caller's `x-request-id` when it is a sane token, else a fresh UUID; echoed in the response. */
export function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/**
 * The request path without its query string (GET /graphql may carry variables there), and without
 * the token of a callback URL (`/callbacks/<token>`: the token is a credential).
 */
export function pathOf(url: string | undefined): string | undefined {
  return url?.split('?')[0].replace(/^\/callbacks\/[^/]+/, '/callbacks/[REDACTED]');
}

/**
 * Error serializer that keeps type, message, stack and code, and drops SQL parameters
 * (TypeORM's QueryFailedError carries the values of the failed statement: hashes, inputs).
 */
export function serializeError(error: unknown): unknown {
  // pino-http hands this the output of the standard serializer; raw errors are serialized first.
  const serialized: unknown = error instanceof Error ? stdSerializers.err(error) : error;
  if (!serialized || typeof serialized !== 'object') return serialized;
  const { parameters: _parameters, driverError: _driverError, ...kept } = serialized as Record<string, unknown>;
  return kept;
}

/**
 * nestjs-pino options: JSON lines at `level`, a request id on every line (`reqId`), no headers,
 * query strings, passwords or tokens. `destination` defaults to stdout (tests pass a stream).
 */
export function loggerParams(level: LogLevel, destination?: DestinationStream): Params {
  const options: Options = {
    level,
    redact: { paths: PINO_REDACT_PATHS, censor: '[REDACTED]' },
    genReqId: requestIdFor,
    quietReqLogger: true,
    serializers: {
      req: (req: { id?: unknown; method?: string; url?: string }) => ({
        id: req.id,
        method: req.method,
        url: pathOf(req.url),
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: serializeError,
    },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(pathOf(req.url) ?? '') },
  };
  return { pinoHttp: destination ? [options, destination] : options, renameContext: 'context' };
}
