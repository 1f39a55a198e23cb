import { hostname } from 'node:os';
import { createBuiltinRegistry } from '../../plugins';
import { createSwitchyardWorker, DEFAULT_TASK_QUEUE } from '../temporal/worker-host';
import type { CliContext } from './context';
import { EXIT } from './exit-codes';
import { line } from './io';
import { installCliRuntime, prebuiltBundle } from './runtime';
import { openTemporalSession } from './temporal-session';

/**
 * Serves the interpreter and the built-in plugins on `taskQueue` (default {@link DEFAULT_TASK_QUEUE})
 * until SIGINT or SIGTERM, then drains the worker; returns the exit code.
 */
export async function serveWorker(ctx: CliContext, options: { taskQueue?: string }): Promise<number> {
  const taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
  const { io } = ctx;
  installCliRuntime(io.env, 'INFO');
  let session;
  try {
    session = await openTemporalSession({ env: io.env, embedded: false, log: (text) => io.err(line(text)) });
  } catch (err) {
    io.err(line(`error: ${err instanceof Error ? err.message : String(err)}`));
    return EXIT.UNAVAILABLE;
  }
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      io.err(line(`${signal} again: exiting without draining.`));
      process.exit(EXIT.INTERRUPTED);
    }
    io.err(line(`${signal}: draining the worker (${signal} again to exit at once)...`));
    if (worker?.getState() === 'RUNNING') worker.shutdown();
  };
  let worker: Awaited<ReturnType<typeof createSwitchyardWorker>> | undefined;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const workflowBundle = prebuiltBundle(io.env);
    if (!workflowBundle) io.err(line('Bundling the workflow code...'));
    worker = await createSwitchyardWorker({
      connection: session.nativeConnection,
      namespace: session.namespace,
      taskQueue,
      registry: createBuiltinRegistry(),
      workflowBundle,
      workerOptions: { identity: `switchyard-worker@${hostname()}/${process.pid}` },
    });
    if (signals > 0) return EXIT.SUCCEEDED;
    io.err(line(`Worker serving task queue ${taskQueue} on ${session.address} (namespace ${session.namespace})`));
    await worker.run();
    io.err(line('Worker stopped.'));
    return EXIT.SUCCEEDED;
  } catch (err) {
    io.err(line(`error: ${err instanceof Error ? err.message : String(err)}`));
    return EXIT.UNAVAILABLE;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await session.close();
  }
}
