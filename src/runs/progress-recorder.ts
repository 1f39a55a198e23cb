/**
 * The worker side of run progress: the interpreter reports node transitions through the
 * `progress` workflow sink (no history events, not called on replay); this recorder copies each
 * report, coalesces them per run and node, and writes them to PostgreSQL in batches.
 */
import type { InjectedSinks } from '@temporalio/worker';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { NodeState, ProgressReport, ProgressSinks } from '../../workflows/contract';
import { isUuid } from '../common/auth/access';
import { runMetrics } from './run-metrics';
import { writeRunProgress, type RunProgress, type RunSnapshot } from './run-progress.store';

/** Where the recorder reports write failures (the Temporal Runtime logger fits, so does pino). */
export interface ProgressRecorderLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
}

export interface ProgressRecorderOptions {
  /** How long reports are gathered before a write (default 200 ms): the DB lags at most about this. */
  flushMs?: number;
  /** Longest wait between retries after failed writes (default 5 s). */
  maxRetryMs?: number;
  /** Counts finished runs and node durations into this registry. */
  registry?: Registry;
  logger?: ProgressRecorderLogger;
}

/** Counters of the recorder's work, for tests and benchmarks. */
export interface ProgressRecorderStats {
  reports: number;
  flushes: number;
  failedFlushes: number;
  /** Node rows and run rows handed to PostgreSQL. */
  nodeRows: number;
  runRows: number;
}

export interface ProgressRecorder {
  /** Pass to `Worker.create({ sinks })`. */
  sinks: InjectedSinks<ProgressSinks>;
  /** Takes one report directly (what the sink does), for hosts that compose sinks themselves. */
  report(report: ProgressReport): void;
  /** Writes everything received so far (waits for a write in progress first). Never rejects. */
  flush(): Promise<void>;
  /** Flushes and stops; later reports are dropped (the reconciler repairs what they would have said). */
  close(): Promise<void>;
  readonly stats: ProgressRecorderStats;
}

interface PendingRun {
  run?: RunSnapshot;
  nodes: Map<string, NodeState>;
}

const consoleLogger: ProgressRecorderLogger = {
  warn: (message, meta) => console.warn(message, meta ?? ''),
};

/**
 * Creates the progress sinks of a worker and the recorder behind them. Each report is copied on
 * receipt and merged into a pending batch (latest run snapshot, latest state per node); every
 * `flushMs` the batch is written in one transaction: one multi-row upsert of `node_runs`, one
 * update of `runs`, and `NOTIFY switchyard_run_updated, '<runId>'` for each run that changed.
 * A failed write is logged and retried with back-off, merged under newer reports; it never
 * reaches the worker.
 *
 * @example
 * const recorder = createProgressSinks(dataSource);
 * const worker = await Worker.create({ ..., sinks: recorder.sinks });
 * await worker.run();
 * await recorder.close();
 */
export function createProgressSinks(dataSource: DataSource, options: ProgressRecorderOptions = {}): ProgressRecorder {
  const flushMs = options.flushMs ?? 200;
  const maxRetryMs = options.maxRetryMs ?? 5000;
  const logger = options.logger ?? consoleLogger;
  const metrics = options.registry ? runMetrics(options.registry) : undefined;
  const stats: ProgressRecorderStats = { reports: 0, flushes: 0, failedFlushes: 0, nodeRows: 0, runRows: 0 };

  let pending = new Map<string, PendingRun>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;
  let failures = 0;
  let closed = false;

  const receive = (report: ProgressReport): void => {
    if (closed || !isUuid(report.runId)) return;
    stats.reports += 1;
    const copy = structuredClone(report);
    let entry = pending.get(copy.runId);
    if (!entry) {
      entry = { nodes: new Map() };
      pending.set(copy.runId, entry);
    }
    entry.run = copy.run;
    for (const node of copy.nodes) entry.nodes.set(node.id, node);
    schedule(flushMs);
  };

  const schedule = (delay: number): void => {
    if (timer || writing || pending.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void writeBatch();
    }, delay);
  };

  /** Puts a batch that could not be written back, under whatever arrived since. */
  const requeue = (batch: Map<string, PendingRun>): void => {
    for (const [runId, old] of batch) {
      const current = pending.get(runId);
      if (!current) {
        pending.set(runId, old);
        continue;
      }
      current.run ??= old.run;
      for (const [nodeId, node] of old.nodes) if (!current.nodes.has(nodeId)) current.nodes.set(nodeId, node);
    }
  };

  const writeBatch = (): Promise<void> => {
    if (writing) return writing;
    if (pending.size === 0) return Promise.resolve();
    const batch = pending;
    pending = new Map();
    const entries: RunProgress[] = [...batch].map(([runId, entry]) => ({
      runId,
      run: entry.run,
      nodes: [...entry.nodes.values()],
    }));
    stats.flushes += 1;
    writing = dataSource
      .transaction((manager) => writeRunProgress(manager, entries))
      .then(
        (result) => {
          failures = 0;
          stats.nodeRows += entries.reduce((sum, entry) => sum + entry.nodes.length, 0);
          stats.runRows += entries.filter((entry) => entry.run).length;
          metrics?.observe(result);
        },
        (error: unknown) => {
          failures += 1;
          stats.failedFlushes += 1;
          requeue(batch);
          logger.warn('Could not record run progress; retrying', {
            error: error instanceof Error ? error.message : String(error),
            runs: batch.size,
            failures,
          });
        },
      )
      .finally(() => {
        writing = undefined;
        if (!closed || failures === 0)
          schedule(failures === 0 ? flushMs : Math.min(flushMs * 2 ** failures, maxRetryMs));
      });
    return writing;
  };

  const flush = async (): Promise<void> => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    await writing;
    await writeBatch();
  };

  return {
    report: receive,
    sinks: {
      progress: {
        report: { fn: (_info, report) => receive(report), callDuringReplay: false },
      },
    },
    flush,
    async close() {
      await flush();
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    stats,
  };
}
