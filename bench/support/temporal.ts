/**
 * A Temporal server for benchmarks: TEMPORAL_ADDRESS when set, else a dev server from the pinned
 * CLI (with Switchyard's search attributes), torn down by `close()`.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime } from '@temporalio/worker';
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
