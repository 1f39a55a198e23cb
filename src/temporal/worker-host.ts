import {
  bundleWorkflowCode,
  Worker,
  type InjectedSinks,
  type NativeConnection,
  type WorkerOptions,
} from '@temporalio/worker';
import {
  createCallbackActivities,
  createMemoryOutputStore,
  createPluginActivities,
  type OutputStore,
} from '../../activities';
import type { PluginRegistry } from '../../plugins/registry';
import type { ProgressReport, ProgressSinks } from '../../workflows/contract';

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
  /** A prebuilt bundle of workflows/; built once per process when absent. */
  workflowBundle?: WorkflowBundle;
  /**
   * Receives the interpreter's progress reports (node and run changes, batched per activation).
   * Dropped when absent: the run's state is always available through `stateQuery`.
   */
  onProgress?: (report: ProgressReport) => void;
  /**
   * Where outputs over 64 KB go (the run state holds a reference): PostgreSQL on a platform worker;
   * process memory when absent (the CLI, whose runs live in its process).
   */
  outputStore?: OutputStore;
  /** Passed through to `Worker.create` (identity, concurrency limits, ...). */
  workerOptions?: Omit<
    WorkerOptions,
    'connection' | 'namespace' | 'taskQueue' | 'activities' | 'workflowBundle' | 'workflowsPath' | 'sinks'
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
  const sinks: InjectedSinks<ProgressSinks> = {
    progress: { report: { fn: (_info, report) => onProgress(report), callDuringReplay: false } },
  };
  return Worker.create({
    ...options.workerOptions,
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    workflowBundle,
    activities: {
      ...createPluginActivities({
        registry: options.registry,
        outputStore: options.outputStore ?? createMemoryOutputStore(),
      }),
      ...createCallbackActivities(),
    },
    sinks,
  });
}
