import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The Prometheus registry of one app instance (not prom-client's global one, so several apps can
 * live in one process, as in tests), served at `/metrics`, with the HTTP and GraphQL metrics.
 * Other modules add theirs to {@link MetricsService.registry}.
 *
 * @example
 * this.runsStarted = new Counter({
 *   name: 'switchyard_runs_started_total', help: 'Runs started', labelNames: ['project'],
 *   registers: [metrics.registry],
 * });
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  /** HTTP requests by method, route (a bounded set) and status code. */
  readonly httpRequests = new Counter({
    name: 'switchyard_http_requests_total',
    help: 'HTTP requests handled, by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'switchyard_http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /**
   * GraphQL operations by type (query, mutation, subscription), name (the root fields selected,
   * e.g. `addMember`: bounded by the schema, unlike client-chosen operation names) and outcome
   * (`success`, `error`, `invalid` when it did not parse or validate).
   */
  readonly graphqlOperations = new Counter({
    name: 'switchyard_graphql_operations_total',
    help: 'GraphQL operations, by type, root field names and outcome',
    labelNames: ['type', 'name', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly graphqlDuration = new Histogram({
    name: 'switchyard_graphql_operation_duration_seconds',
    help: 'GraphQL operation duration in seconds, by type and root field names',
    labelNames: ['type', 'name'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchyard_' });
  }

  /** The exposition text for `/metrics`. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
