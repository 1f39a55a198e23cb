import type { ArgumentsHost } from '@nestjs/common';
import { GqlArgumentsHost } from '@nestjs/graphql';
import type { Principal } from '../auth/principal';
import type { ProjectRole } from '../auth/roles';

/**
 * The part of an HTTP request (or of a WebSocket operation, which builds a look-alike) that the
 * platform reads: headers, the request id pino-http gave it, and per-request state.
 */
export interface SwitchyardRequest {
  id?: string | number | object;
  headers: Record<string, string | string[] | undefined>;
  switchyard?: RequestState;
}

/** Per-request memo, so a request authenticates once and looks a project role up once. */
export interface RequestState {
  /** `undefined`: not looked at yet; `null`: anonymous. */
  principal?: Principal | null;
  /** Project id -> the caller's effective role there (`null`: none). */
  roles: Map<string, ProjectRole | null>;
  /**
   * The project the guard located for an operation, keyed by the operation's GraphQL `info`
   * object (or the HTTP request), so the audit trail records it without a second lookup.
   */
  operationProjects: WeakMap<object, string>;
}

/** What every GraphQL resolver receives as its context. */
export interface GraphQLContext {
  req: SwitchyardRequest;
  res?: unknown;
}

export function requestState(req: SwitchyardRequest): RequestState {
  req.switchyard ??= { roles: new Map(), operationProjects: new WeakMap() };
  return req.switchyard;
}

/** The request behind an HTTP handler or a GraphQL resolver (`undefined` elsewhere). */
export function requestOf(host: ArgumentsHost): SwitchyardRequest | undefined {
  const type = host.getType<'http' | 'graphql' | 'ws' | 'rpc'>();
  if (type === 'http') return host.switchToHttp().getRequest<SwitchyardRequest>();
  if (type === 'graphql') return GqlArgumentsHost.create(host).getContext<GraphQLContext | undefined>()?.req;
  return undefined;
}

/** The key of one operation in {@link RequestState.operationProjects}: GraphQL `info`, else the request. */
export function operationKey(host: ArgumentsHost): object | undefined {
  if (host.getType<string>() === 'graphql') return GqlArgumentsHost.create(host).getInfo<object>();
  return requestOf(host);
}

/** The request (correlation) id: echoed in `x-request-id`, on every log line, in audit entries. */
export function requestIdOf(req: SwitchyardRequest | undefined): string | undefined {
  const id = req?.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}
