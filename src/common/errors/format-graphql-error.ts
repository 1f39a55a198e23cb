import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { randomUUID } from 'node:crypto';
import { ErrorCode } from './app-errors';
import { APP_CODES, PASS_THROUGH_CODES } from './error-mapping';

/** Receives errors that reached Apollo without passing through the exception filter. */
export type UnexpectedErrorLogger = (error: unknown, correlationId: string) => void;

/**
 * Apollo `formatError`: the safety net after the exception filter. Errors the filter produced and
 * request-level errors (parse, validation, armor limits) keep their code and message, without any
 * stack; anything else (an error thrown outside a resolver, e.g. while serializing a value)
 * becomes "Internal error" with a correlation id, and is logged.
 */
export function createGraphQLErrorFormatter(logUnexpected: UnexpectedErrorLogger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const known =
      typeof code === 'string' &&
      (PASS_THROUGH_CODES.has(code) ||
        (APP_CODES.has(code) &&
          (code !== (ErrorCode.INTERNAL_SERVER_ERROR as string) || formatted.extensions?.correlationId)));
    if (known) {
      const { code: _code, problems, correlationId } = formatted.extensions ?? {};
      const extensions: Record<string, unknown> = { code };
      if (problems !== undefined) extensions.problems = problems;
      if (correlationId !== undefined) extensions.correlationId = correlationId;
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
    }
    const correlationId = randomUUID();
    logUnexpected(unwrapResolverError(error), correlationId);
    return {
      message: 'Internal error',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, correlationId },
    };
  };
}
