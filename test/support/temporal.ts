import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type InjectedSinks, type WorkerOptions } from '@temporalio/worker';
import type { ProgressReport, ProgressSinks } from '../../workflows/contract';

let shared: Promise<TestWorkflowEnvironment> | undefined;

/** The dev server started by the global setup; one connection per Jest worker process. */
export function testTemporal(): Promise<TestWorkflowEnvironment> {
  const address = process.env.SWITCHYARD_TEST_TEMPORAL_ADDRESS;
  if (!address)
    throw new Error('SWITCHYARD_TEST_TEMPORAL_ADDRESS unset: run through jest with test/support/global-setup');
  shared ??= TestWorkflowEnvironment.createFromExistingServer({ address });
  return shared;
}

/** The workflow bundle built once by the global setup. */
export function testWorkflowBundle(): { codePath: string } {
  const codePath = process.env.SWITCHYARD_TEST_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error('SWITCHYARD_TEST_WORKFLOW_BUNDLE unset: run through jest with the global setup');
  return { codePath };
}

let queueCounter = 0;

/** A task queue name no other test uses. */
export function uniqueTaskQueue(prefix = 'test'): string {
  queueCounter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${queueCounter}`;
}

/** A progress sink that keeps every report, for assertions. */
export function recordingProgressSink(): { sinks: InjectedSinks<ProgressSinks>; reports: ProgressReport[] } {
  const reports: ProgressReport[] = [];
  return {
    reports,
    sinks: { progress: { report: { fn: (_info, report) => void reports.push(structuredClone(report)) } } },
  };
}

/** Runs `fn` while a real worker polls `taskQueue`, then shuts the worker down. */
export async function withWorker<T>(
  options: Omit<WorkerOptions, 'connection' | 'workflowsPath'>,
  fn: (worker: Worker) => Promise<T>,
): Promise<T> {
  const env = await testTemporal();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    workflowBundle: testWorkflowBundle(),
    sinks: recordingProgressSink().sinks,
    ...options,
  });
  return worker.runUntil(() => fn(worker));
}
