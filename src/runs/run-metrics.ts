import { Counter, Histogram, type Registry } from 'prom-client';
import type { ProgressWriteResult } from './run-progress.store';

/** The run metrics of one Prometheus registry. */
export interface RunMetrics {
  /** Runs started through the API. */
  started: Counter<'status'>;
  /** Runs that reached a terminal status, by status (counted by whoever wrote the transition). */
  finished: Counter<'status'>;
  /** Durations of finished node executions, by node type and status. */
  nodeDuration: Histogram<'type' | 'status'>;
  /** Records what a progress write changed. */
  observe(result: ProgressWriteResult): void;
}

const byRegistry = new WeakMap<Registry, RunMetrics>();

/**
 * The run metrics registered in `registry` (created on first use, then shared: the API's
 * services and a worker's progress recorder hosted in the same process count into the same series).
 *
 * @example runMetrics(metricsService.registry).started.inc({ status: 'RUNNING' });
 */
export function runMetrics(registry: Registry): RunMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const started = new Counter({
    name: 'switchyard_runs_started_total',
    help: 'Runs started, by the status they started in (RUNNING, or FAILED when Temporal refused the start)',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const finished = new Counter({
    name: 'switchyard_runs_finished_total',
    help: 'Runs that reached a terminal status, by status',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const nodeDuration = new Histogram({
    name: 'switchyard_node_duration_seconds',
    help: 'Duration of finished node executions in seconds, by node type and status',
    labelNames: ['type', 'status'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [registry],
  });
  const metrics: RunMetrics = {
    started,
    finished,
    nodeDuration,
    observe(result) {
      for (const run of result.finishedRuns) finished.inc({ status: run.status });
      for (const node of result.finishedNodes)
        nodeDuration.observe({ type: node.type, status: node.status }, node.seconds);
    },
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
