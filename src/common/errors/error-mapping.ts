import { HttpException } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { QueryFailedError } from 'typeorm';
import { AppError, BadUserInputError, ErrorCode, type Problem } from './app-errors';

/** Codes graphql-js and Apollo Server put on request-level errors; their messages are safe to show. */
export const PASS_THROUGH_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Codes of errors this platform throws on purpose. */
export const APP_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** The client-facing view of an error: a code, a safe message, and for HTTP handlers a status. */
export interface MappedError {
  code: string;
  message: string;
  httpStatus: number;
  problems?: readonly Problem[];
  /** True when the error was not expected: the client gets "Internal error" and a correlation id. */
  internal: boolean;
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.UNAVAILABLE]: 503,
  [ErrorCode.INTERNAL_SERVER_ERROR]: 500,
};

const CODE_OF_HTTP_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.BAD_USER_INPUT,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  409: ErrorCode.CONFLICT,
  413: ErrorCode.BAD_USER_INPUT,
};

/** The errors of the `body-parser` package: `type` like `entity.too.large`, a 4xx `status`. */
function isBodyParserError(error: unknown): error is Error & { status: number; type: string } {
  const candidate = error as { status?: unknown; type?: unknown } | null;
  return (
    error instanceof Error &&
    typeof candidate?.type === 'string' &&
    (candidate.type.startsWith('entity.') ||
      candidate.type.startsWith('request.') ||
      candidate.type === 'charset.unsupported' ||
      candidate.type === 'encoding.unsupported') &&
    typeof candidate.status === 'number' &&
    candidate.status >= 400 &&
    candidate.status < 500
  );
}

/** SQLSTATE classes 08 (connection exception) and 57P (server shutting down, cannot connect now). */
const PG_UNAVAILABLE = /^(08|57P0[123])/;
/** What node-postgres throws when its socket or pool gives up, before PostgreSQL answers anything. */
const PG_CONNECTION_LOST = /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED/;
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);

/**
 * PostgreSQL cannot be reached (down, restarting, network cut): a retryable condition, not a bug.
 * Found by the chaos harness: during an outage startRun answered "Internal error".
 */
function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const cause = error instanceof QueryFailedError ? (error.driverError as unknown) : error;
  const { code, message } = (cause ?? {}) as { code?: unknown; message?: unknown };
  if (
    typeof code === 'string' &&
    (SOCKET_CODES.has(code) || (error instanceof QueryFailedError && PG_UNAVAILABLE.test(code)))
  ) {
    return true;
  }
  return typeof message === 'string' && PG_CONNECTION_LOST.test(message);
}

function internal(): MappedError {
  return { code: ErrorCode.INTERNAL_SERVER_ERROR, message: 'Internal error', httpStatus: 500, internal: true };
}

/**
 * THE mapping from anything thrown to what a client may see. Exhaustive over {@link ErrorCode};
 * unknown errors (and anything carrying SQL or a stack) become "Internal error".
 */
export function mapError(error: unknown): MappedError {
  if (error instanceof AppError) {
    const mapped: MappedError = {
      code: error.code,
      message: error.message,
      httpStatus: HTTP_STATUS[error.code],
      internal: error.code === ErrorCode.INTERNAL_SERVER_ERROR,
    };
    if (error instanceof BadUserInputError) mapped.problems = error.problems;
    return mapped;
  }
  if (error instanceof GraphQLError) {
    const code = error.extensions?.code;
    if (typeof code === 'string' && (PASS_THROUGH_CODES.has(code) || code === (ErrorCode.BAD_USER_INPUT as string))) {
      return { code, message: error.message, httpStatus: 400, internal: false };
    }
    return error.originalError && error.originalError !== error ? mapError(error.originalError) : internal();
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = CODE_OF_HTTP_STATUS[status];
    if (code) {
      const message = status === 413 ? 'Request body too large' : error.message;
      return { code, message, httpStatus: status, internal: false };
    }
    return internal();
  }
  if (isBodyParserError(error)) {
    // Thrown by Express' body parser before any handler: too large (413) or not JSON (400).
    const code = CODE_OF_HTTP_STATUS[error.status] ?? ErrorCode.BAD_USER_INPUT;
    const message = error.status === 413 ? 'Request body too large' : 'Malformed request body';
    return { code, message, httpStatus: error.status, internal: false };
  }
  if (error instanceof QueryFailedError) {
    const pgCode = (error.driverError as { code?: string } | undefined)?.code;
    // A unique violation that a service did not translate itself: still a conflict, not a crash.
    if (pgCode === '23505') {
      return {
        code: ErrorCode.CONFLICT,
        message: 'A record with these values already exists',
        httpStatus: 409,
        internal: false,
      };
    }
    // Text PostgreSQL cannot store (a NUL character, found by the GraphQL fuzz in a login name):
    // the input is wrong, the server is fine.
    if (pgCode === '22021' || pgCode === '22P05') {
      return {
        code: ErrorCode.BAD_USER_INPUT,
        message: 'Text holds a character that cannot be stored (such as \\u0000)',
        httpStatus: 400,
        internal: false,
      };
    }
  }
  if (isDatabaseUnavailable(error)) {
    return {
      code: ErrorCode.UNAVAILABLE,
      message: 'The database is unavailable right now; nothing was changed, try again',
      httpStatus: 503,
      internal: false,
    };
  }
  return internal();
}
