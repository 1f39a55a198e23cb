import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { GraphQLContext, SwitchyardRequest } from '../request/request-state';

/** What graphql-ws passes to the context function for each operation on a WebSocket. */
interface WsContextArgument {
  connectionParams?: Readonly<Record<string, unknown>>;
  extra?: { request?: IncomingMessage };
}

function header(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Builds the resolver context for HTTP requests (`{ req, res }` from Express) and for graphql-ws
 * operations, where the credentials come from the `connection_init` payload
 * (`{ "authorization": "Bearer ..." }`) or the upgrade request's `Authorization` header.
 */
export function buildGraphQLContext(argument: unknown): GraphQLContext {
  const candidate = argument as { req?: SwitchyardRequest; res?: unknown } & WsContextArgument;
  if (candidate.req) return { req: candidate.req, res: candidate.res };
  const params = candidate.connectionParams ?? {};
  const upgrade = candidate.extra?.request;
  const authorization =
    header(params.authorization) ?? header(params.Authorization) ?? header(upgrade?.headers.authorization);
  const req: SwitchyardRequest = { id: randomUUID(), headers: { authorization } };
  return { req };
}
