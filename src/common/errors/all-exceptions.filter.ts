import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { requestIdOf, requestOf } from '../request/request-state';
import { mapError } from './error-mapping';

/**
 * The one place thrown errors become responses: GraphQL errors with `extensions.code`
 * (`problems` for BAD_USER_INPUT), or JSON bodies for HTTP handlers. Unknown errors are logged
 * with their stack and a correlation id (the request id) and reach the client as "Internal error"
 * plus that id: no stack, no SQL.
 */
/** The bits of an Express response the filter uses (express ships no types here). */
interface JsonResponse {
  headersSent: boolean;
  status(code: number): JsonResponse;
  json(body: unknown): unknown;
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter, GqlExceptionFilter {
  constructor(@InjectPinoLogger(AllExceptionsFilter.name) private readonly logger: PinoLogger) {}

  catch(exception: unknown, host: ArgumentsHost): unknown {
    const mapped = mapError(exception);
    const req = requestOf(host);
    const correlationId = mapped.internal ? (requestIdOf(req) ?? randomUUID()) : undefined;
    if (mapped.internal) {
      this.logger.error({ err: exception, correlationId }, 'Unhandled error');
    }
    const extensions: Record<string, unknown> = { code: mapped.code };
    if (mapped.problems) extensions.problems = mapped.problems;
    if (correlationId) extensions.correlationId = correlationId;

    if (host.getType<string>() === 'http') {
      const res = host.switchToHttp().getResponse<JsonResponse>();
      if (!res.headersSent) res.status(mapped.httpStatus).json({ error: { message: mapped.message, ...extensions } });
      return undefined;
    }
    return new GraphQLError(mapped.message, { extensions });
  }
}
