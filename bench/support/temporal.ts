/**
 * A Temporal server for benchmarks: TEMPORAL_ADDRESS when set, else a dev server from the pinned
 * CLI (with Switchyard's search attributes), torn down by `close()`.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Runtime, Worker, type InjectedSinks } from '@temporalio/worker';
import { createPluginActivities } from '../../activities/plugin-activities';
import type { PluginRegistry } from '../../plugins';
import type { ProgressSinks } from '../../workflows/contract';
import { ensureTemporalCli } from '../../src/temporal/cli-binary';
import { SWITCHYARD_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

export interface BenchTemporal {
  address: string;
  env?: TestWorkflowEnvironment;
  close(): Promise<void>;
}

let runtimeInstalled = false;

/** Quiet SDK logs (once per process). */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } });
  runtimeInstalled = true;
}

export async function startBenchTemporal(extraArgs: string[] = []): Promise<BenchTemporal> {
  installQuietRuntime();
  if (process.env.TEMPORAL_ADDRESS) return { address: process.env.TEMPORAL_ADDRESS, close: async () => {} };
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: await ensureTemporalCli() },
      searchAttributes: SWITCHYARD_SEARCH_ATTRIBUTES,
      extraArgs: ['--log-level', 'error', ...extraArgs],
    },
  });
  return { address: env.address, env, close: () => env.teardown() };
}

/** Eager activity dispatch (off by default in Server 1.29.1), unless BENCH_EAGER=0: every variant profits alike. */
export function eagerActivityArgs(): string[] {
  return process.env.BENCH_EAGER === '0' ? [] : ['--dynamic-config-value', 'system.enableActivityEagerExecution=true'];
}

const bundles = new Map<string, ReturnType<typeof bundleWorkflowCode>>();

/**
 * A worker on `taskQueue` running the workflows of `workflowsPath` (bundled once per process) with
 * the activities of the plugins in `registry`. Progress reports go to `sinks`, else nowhere.
 */
export async function benchWorker(
  env: TestWorkflowEnvironment,
  options: { taskQueue: string; workflowsPath: string; registry: PluginRegistry; sinks?: InjectedSinks<ProgressSinks> },
): Promise<Worker> {
  let bundle = bundles.get(options.workflowsPath);
  if (!bundle) {
    bundle = bundleWorkflowCode({
      workflowsPath: options.workflowsPath,
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
    });
    bundles.set(options.workflowsPath, bundle);
  }
  return Worker.create({
    connection: env.nativeConnection,
    taskQueue: options.taskQueue,
    workflowBundle: await bundle,
    activities: createPluginActivities({ registry: options.registry }),
    maxConcurrentActivityTaskExecutions: 200,
    sinks: options.sinks ?? { progress: { report: { fn: () => undefined } } },
  });
}
