import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { PinoLogger } from 'nestjs-pino';
import type { SwitchyardConfig } from '../../config/config';
import { createGraphQLErrorFormatter } from '../errors/format-graphql-error';
import { graphqlMetricsPlugin } from '../metrics/graphql-metrics.plugin';
import type { MetricsService } from '../metrics/metrics.service';
import { ApolloExpressDriver } from './apollo-express.driver';
import { buildGraphQLContext } from './graphql-context';
import { GraphQLJSON } from './json.scalar';

/** Where the API serves GraphQL, over HTTP and over WebSocket (graphql-ws). */
export const GRAPHQL_PATH = '/graphql';

/** Query limits enforced before execution (graphql-armor). */
export const GRAPHQL_LIMITS = {
  maxDepth: 12,
  maxCost: 5000,
  maxAliases: 15,
  maxTokens: 5000,
  maxDirectives: 50,
} as const;

/**
 * `Cache-Control: no-store` on every GraphQL answer (each is the caller's own, and current), as
 * Apollo's cache-control plugin sends when no field has a cache hint, which is always here.
 */
export const noStorePlugin: ApolloServerPlugin<BaseContext> = {
  requestDidStart() {
    return Promise.resolve({
      willSendResponse({ response }) {
        response.http.headers.set('cache-control', 'no-store');
        return Promise.resolve();
      },
    });
  },
};

/**
 * The GraphQL server: code-first schema built in memory (sorted), Apollo Server on Express,
 * graphql-ws subscriptions on the same path, graphql-armor limits, no batching, no stack traces,
 * no cache control, introspection from the configuration, guards/interceptors/filters on field
 * resolvers too.
 */
export function graphqlOptions(
  config: SwitchyardConfig,
  metrics: MetricsService,
  logger: PinoLogger,
): ApolloDriverConfig {
  const armor = new ApolloArmor({
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth },
    costLimit: { maxCost: GRAPHQL_LIMITS.maxCost },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases },
    // Armor's token limit parses in a plugin hook, where any syntax error (not only too many tokens)
    // became an unexpected error and an HTTP 500; graphql-js enforces the limit in Apollo's own parse.
    maxTokens: { enabled: false },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives },
    blockFieldSuggestion: { enabled: !config.graphql.introspection },
  }).protect();
  return {
    driver: ApolloExpressDriver,
    path: GRAPHQL_PATH,
    autoSchemaFile: true,
    sortSchema: true,
    introspection: config.graphql.introspection,
    playground: false,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    autoTransformHttpErrors: false,
    parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
    validationRules: armor.validationRules,
    // No field has a cache hint, so Apollo's cache-control plugin always answered no-store, after
    // wrapping every field of every response to find out; noStorePlugin says it at once.
    plugins: [...armor.plugins, graphqlMetricsPlugin(metrics), ApolloServerPluginCacheControlDisabled(), noStorePlugin],
    resolvers: { JSON: GraphQLJSON },
    fieldResolverEnhancers: ['guards', 'interceptors', 'filters'],
    context: buildGraphQLContext,
    subscriptions: { 'graphql-ws': { path: GRAPHQL_PATH } },
    formatError: createGraphQLErrorFormatter((error, correlationId) =>
      logger.error({ err: error, correlationId }, 'Unexpected GraphQL error'),
    ),
  };
}
