/**
 * Worker bootstrap only: connects to Temporal, hosts the interpreter and the plugin activities,
 * and (with a database) records run progress into PostgreSQL. Used by `switchyard worker` and,
 * in-process, by `switchyard start`.
 */
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { SecretResolver } from '../activities/secret-resolver';
import type { PayloadKeyring } from './config/payload-keys';
import type { PluginRegistry } from '../plugins/registry';
import type { ProgressReport } from '../workflows/contract';
import { createPostgresOutputStore } from './runs/output-store.pg';
import { createProgressSinks, type ProgressRecorder } from './runs/progress-recorder';
import { createScheduledRunRegistrar, type ScheduledRunRegistrar } from './runs/scheduled-run-registrar';
import { payloadDataConverter } from './temporal/payload-codec';
import { createSwitchyardWorker, type WorkflowBundle } from './temporal/worker-host';

export interface WorkerProcessOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  registry: PluginRegistry;
  /** The keys of the payload codec: the same ring as the API's, or nothing can be read. */
  payloadKeys: PayloadKeyring;
  /** Where progress goes; without one the database learns of runs only through the reconciler. */
  dataSource?: DataSource;
  /** Where `${secrets.NAME}` values come from (the database's, decrypted, for the platform's worker). */
  secrets?: SecretResolver;
  /** Counts finished runs and node durations into this registry (the API's, when hosted by `start`). */
  metricsRegistry?: Registry;
  /** A prebuilt workflow bundle (`SWITCHYARD_WORKFLOW_BUNDLE`); bundled at start when absent. */
  workflowBundle?: WorkflowBundle;
  /** Key and public API URL for `callback` nodes (see {@link callbackSettings}). */
  callbacks?: { key: string | Buffer; baseUrl: string };
  log?: (line: string) => void;
}

export interface WorkerProcess {
  worker: Worker;
  /** Settles when the worker stopped (after `shutdown`), rejects when it crashed. */
  done: Promise<void>;
  /** Drains: no new tasks, running ones finish, progress flushed, connection closed. */
  shutdown(): Promise<void>;
}

export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const connection = await NativeConnection.connect({ address: options.address });
  let recorder: ProgressRecorder | undefined;
  let registrar: ScheduledRunRegistrar | undefined;
  let onProgress: ((report: ProgressReport) => void) | undefined;
  if (options.dataSource) {
    const progress = (recorder = createProgressSinks(
      options.dataSource,
      options.metricsRegistry ? { registry: options.metricsRegistry } : {},
    ));
    // Runs started by a Temporal Schedule or a subflow node get their row from their first report, before the recorder sees it.
    const rows = (registrar = createScheduledRunRegistrar(options.dataSource, (report) => progress.report(report)));
    onProgress = (report) => rows.report(report);
  }
  const worker = await createSwitchyardWorker({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    registry: options.registry,
    ...(options.secrets ? { secrets: options.secrets } : {}),
    dataConverter: payloadDataConverter(options.payloadKeys),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : {}),
    ...(onProgress ? { onProgress } : {}),
    ...(options.callbacks ? { callbacks: options.callbacks } : {}),
    ...(options.dataSource ? { outputStore: createPostgresOutputStore(options.dataSource) } : {}),
  });
  const done = (async () => {
    try {
      await worker.run();
    } finally {
      await registrar?.close();
      await recorder?.close();
      await connection.close();
    }
  })();
  options.log?.(`Worker polling task queue ${options.taskQueue} on ${options.address}`);
  return {
    worker,
    done,
    async shutdown() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
