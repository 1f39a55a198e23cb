import type { DataConverter } from '@temporalio/common';
import {
  bundleWorkflowCode,
  Worker,
  type InjectedSinks,
  type NativeConnection,
  type WorkerOptions,
} from '@temporalio/worker';
import { Client } from '@temporalio/client';
import {
  createCallbackActivities,
  createMemoryOutputStore,
  createPluginActivities,
  type OutputStore,
  type SecretResolver,
} from '../../activities';
import { createAwaitCallbackActivities } from '../../activities/await-callback';
import type { PluginRegistry } from '../../plugins/registry';
import type { ProgressReport, ProgressSinks } from '../../workflows/contract';
import { FAILURE_CONVERTER_PATH } from './payload-codec';

/** The task queue every Switchyard worker serves unless told otherwise. */
export const DEFAULT_TASK_QUEUE = 'switchyard';

export type WorkflowBundle = { code: string } | { codePath: string };

export interface SwitchyardWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  /** Default {@link DEFAULT_TASK_QUEUE}. */
  taskQueue?: string;
  /** The plugins this worker runs as activities. */
  registry: PluginRegistry;
  /** Where `${secrets.NAME}` values come from; without one, nodes that reference a secret fail. */
  secrets?: SecretResolver;
  /** A prebuilt bundle of workflows/; built once per process when absent. */
  workflowBundle?: WorkflowBundle;
  /**
   * Receives the interpreter's progress reports (node and run changes, batched per activation).
   * Dropped when absent: the run's state is always available through `stateQuery`.
   */
  onProgress?: (report: ProgressReport) => void;
  /**
   * What `callback` nodes need: the HMAC key shared with the API and the API's public base URL.
   * Without it, callback nodes fail at once with CallbacksNotConfigured.
   */
  callbacks?: { key: string | Buffer; baseUrl: string };
  /**
   * How payloads are encoded: the platform's is `payloadDataConverter(keyring)` (encrypted);
   * the SDK's default (plaintext) when absent.
   */
  dataConverter?: DataConverter;
  /**
   * Where outputs over 64 KB go (the run state holds a reference): PostgreSQL on a platform worker;
   * process memory when absent (the CLI, whose runs live in its process).
   */
  outputStore?: OutputStore;
  /** Passed through to `Worker.create` (identity, concurrency limits, ...). */
  workerOptions?: Omit<
    WorkerOptions,
    | 'connection'
    | 'namespace'
    | 'taskQueue'
    | 'activities'
    | 'workflowBundle'
    | 'workflowsPath'
    | 'sinks'
    | 'dataConverter'
  >;
}

let bundled: Promise<{ code: string }> | undefined;

/**
 * Bundles workflows/ with webpack once per process and caches the result. A failed build throws
 * (and is not cached), so a broken workflow never leaves a worker silently serving nothing.
 */
export function switchyardWorkflowBundle(): Promise<{ code: string }> {
  bundled ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    // Failures raised in workflow code are encrypted like the activities' (see payloadDataConverter).
    failureConverterPath: FAILURE_CONVERTER_PATH,
    logger: quietBundlerLogger,
  }).then(
    ({ code }) => ({ code }),
    (err: unknown) => {
      bundled = undefined;
      const reason = err instanceof Error ? err.message : String(err);
      throw new Error(`Bundling the Switchyard workflows failed: ${reason}`, { cause: err });
    },
  );
  return bundled;
}

/** webpack's progress chatter is noise on a CLI; warnings and errors still reach stderr. */
const quietBundlerLogger = {
  trace() {},
  debug() {},
  info() {},
  log() {},
  warn(message: string, meta?: Record<string, unknown>) {
    console.warn(message, meta ?? '');
  },
  error(message: string, meta?: Record<string, unknown>) {
    console.error(message, meta ?? '');
  },
};

/**
 * A worker that runs the interpreter workflow and one activity per plugin of `registry`.
 * The caller runs it (`await worker.run()`) and drains it with `worker.shutdown()`.
 *
 * @example
 * const connection = await NativeConnection.connect({ address: 'localhost:7233' });
 * const worker = await createSwitchyardWorker({ connection, registry: createBuiltinRegistry() });
 * await worker.run();
 */
export async function createSwitchyardWorker(options: SwitchyardWorkerOptions): Promise<Worker> {
  const workflowBundle = options.workflowBundle ?? (await switchyardWorkflowBundle());
  const onProgress = options.onProgress ?? (() => {});
  const callbacks = options.callbacks && {
    ...options.callbacks,
    client: new Client({
      connection: options.connection,
      namespace: options.namespace ?? 'default',
      ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    }),
  };
  const sinks: InjectedSinks<ProgressSinks> = {
    progress: { report: { fn: (_info, report) => onProgress(report), callDuringReplay: false } },
  };
  return Worker.create({
    ...options.workerOptions,
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    workflowBundle,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    activities: {
      ...createPluginActivities({
        registry: options.registry,
        ...(options.secrets ? { secrets: options.secrets } : {}),
        ...(callbacks ? { callbacks } : {}),
        outputStore: options.outputStore ?? createMemoryOutputStore(),
      }),
      ...createCallbackActivities(),
      ...createAwaitCallbackActivities(callbacks),
    },
    sinks,
  });
}
