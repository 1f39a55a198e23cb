import {
  ApolloServer,
  type BaseContext,
  type ContextFunction,
  HeaderMap,
  type HTTPGraphQLRequest,
} from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Injectable } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

type ExpressRequest = IncomingMessage & { body?: unknown };
type Handler = (req: ExpressRequest, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * Serves an Apollo Server 5 instance from Express: what `@as-integrations/express5` does, which
 * `@nestjs/apollo` loads for Express but which is not among our dependencies. Body parsing is
 * Nest's (JSON, size-limited) and happens before.
 */
export function apolloExpressHandler(
  server: ApolloServer<BaseContext>,
  context: ContextFunction<[{ req: ExpressRequest; res: ServerResponse }], BaseContext>,
): Handler {
  return (req, res, next) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      headers,
      search: url.search,
      body: req.body ?? {},
    };
    server
      .executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => context({ req, res }) })
      .then(async (response) => {
        for (const [key, value] of response.headers) res.setHeader(key, value);
        res.statusCode = response.status ?? 200;
        if (response.body.kind === 'complete') {
          res.end(response.body.string);
          return;
        }
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      })
      .catch(next);
  };
}

/**
 * The Apollo driver of `@nestjs/apollo`, serving Express through {@link apolloExpressHandler}.
 * Everything else (schema, plugins, graphql-ws subscriptions) is the stock driver.
 */
@Injectable()
export class ApolloExpressDriver extends ApolloDriver {
  protected override async registerExpress(
    options: ApolloDriverConfig,
    { preStartHook }: { preStartHook?: () => void } = {},
  ): Promise<void> {
    const httpAdapter = this.httpAdapterHost.httpAdapter;
    const app = httpAdapter.getInstance<{ use(path: string, handler: Handler): void }>();
    const drain = ApolloServerPluginDrainHttpServer({ httpServer: httpAdapter.getHttpServer() as Server });
    preStartHook?.();
    const { path, typeDefs, resolvers, schema } = options;
    const server = new ApolloServer<BaseContext>({
      typeDefs,
      resolvers,
      schema,
      ...(options as object),
      plugins: [...(options.plugins ?? []), drain],
    } as ConstructorParameters<typeof ApolloServer<BaseContext>>[0]);
    await server.start();
    app.use(path ?? '/graphql', apolloExpressHandler(server, options.context as never));
    this.apolloServer = server;
  }
}
