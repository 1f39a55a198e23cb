/**
 * GraphQL subscriptions over graphql-ws on the same path as queries. The token travels in the
 * `connection_init` payload; the socket is opened lazily and closed when the session changes.
 */
import { createClient, type Client } from 'graphql-ws';
import { ApiError, currentToken, GRAPHQL_PATH } from './client';

let client: Client | null = null;
let clientToken: string | null = null;

function socketUrl(): string {
  const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${protocol}//${window.location.host}${GRAPHQL_PATH}`;
}

function getClient(): Client {
  const token = currentToken();
  if (client && clientToken === token) return client;
  void client?.dispose();
  clientToken = token;
  client = createClient({
    url: socketUrl(),
    lazy: true,
    lazyCloseTimeout: 3000,
    retryAttempts: 30,
    shouldRetry: () => true,
    connectionParams: () => (token ? { authorization: `Bearer ${token}` } : {}),
  });
  return client;
}

/** Closes the socket (on logout). */
export function closeSubscriptions(): void {
  void client?.dispose();
  client = null;
  clientToken = null;
}

export interface SubscriptionHandlers<T> {
  next(data: T): void;
  error?(error: ApiError): void;
  /** The socket (re)connected: a good moment to refetch what may have been missed. */
  connected?(): void;
}

/**
 * Subscribes to one GraphQL subscription; returns the function that ends it.
 *
 * @example const stop = subscribe(RUN_UPDATED, { runId }, { next: (data) => setRun(data.runUpdated) });
 */
export function subscribe<T>(
  query: string,
  variables: Record<string, unknown>,
  handlers: SubscriptionHandlers<T>,
): () => void {
  const ws = getClient();
  const offConnected = handlers.connected ? ws.on('connected', handlers.connected) : () => undefined;
  const stop = ws.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors?.length) {
          const [first] = result.errors;
          const code = (first.extensions as { code?: string } | undefined)?.code ?? 'ERROR';
          handlers.error?.(new ApiError(first.message, code));
          return;
        }
        if (result.data) handlers.next(result.data);
      },
      error: (error: unknown) => {
        if (Array.isArray(error)) {
          const [first] = error as Array<{ message: string; extensions?: { code?: string } }>;
          handlers.error?.(new ApiError(first?.message ?? 'Subscription refused', first?.extensions?.code ?? 'ERROR'));
        } else {
          handlers.error?.(
            new ApiError('The live connection was lost; showing the last known state.', 'NETWORK_ERROR'),
          );
        }
      },
      complete: () => undefined,
    },
  );
  return () => {
    offConnected();
    stop();
  };
}
