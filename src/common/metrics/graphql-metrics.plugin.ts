import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Kind, type OperationDefinitionNode } from 'graphql';
import type { MetricsService } from './metrics.service';

/** The root fields an operation selects, sorted and joined: `me`, `addMember`, `project,projects`. */
export function rootFieldNames(operation: OperationDefinitionNode | undefined): string {
  if (!operation) return 'unknown';
  const names = new Set<string>();
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind === Kind.FIELD) names.add(selection.name.value);
    else names.add('fragment');
  }
  return [...names].sort().join(',') || 'unknown';
}

/** Apollo plugin feeding the GraphQL operation counter and histogram of {@link MetricsService}. */
export function graphqlMetricsPlugin(metrics: MetricsService): ApolloServerPlugin<BaseContext> {
  return {
    requestDidStart() {
      const started = process.hrtime.bigint();
      return Promise.resolve({
        willSendResponse(context) {
          const operation = context.operation ?? undefined;
          const type = operation?.operation ?? 'unknown';
          const name = operation ? rootFieldNames(operation) : 'invalid';
          const hasErrors =
            (context.errors?.length ?? 0) > 0 ||
            (context.response.body.kind === 'single' && (context.response.body.singleResult.errors?.length ?? 0) > 0);
          const outcome = !operation ? 'invalid' : hasErrors ? 'error' : 'success';
          metrics.graphqlOperations.inc({ type, name, outcome });
          metrics.graphqlDuration.observe({ type, name }, Number(process.hrtime.bigint() - started) / 1e9);
          return Promise.resolve();
        },
      });
    },
  };
}
