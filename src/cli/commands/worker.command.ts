import { hostname } from 'node:os';
import { Command } from 'commander';
import { createBuiltinRegistry } from '../../../plugins';
import { createSwitchyardWorker, DEFAULT_TASK_QUEUE } from '../../temporal/worker-host';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';
import { line } from '../io';
import { installCliRuntime } from '../runtime';
import { openTemporalSession } from '../temporal-session';

/**
 * `switchyard worker`: serves the interpreter and the built-in plugins on a task queue of
 * TEMPORAL_ADDRESS (default localhost:7233) until SIGINT or SIGTERM, then drains: running
 * activities finish (or are cancelled after the grace time) before the process exits.
 */
export function workerCommand(ctx: CliContext): Command {
  return new Command('worker')
    .description('run a worker only (for scaling out) against TEMPORAL_ADDRESS, default localhost:7233')
    .option('-q, --task-queue <name>', 'task queue to serve', DEFAULT_TASK_QUEUE)
    .action(async (options: { taskQueue: string }) => {
      const { io } = ctx;
      installCliRuntime(io.env, 'INFO');
      let session;
      try {
        session = await openTemporalSession({ env: io.env, embedded: false, log: (text) => io.err(line(text)) });
      } catch (err) {
        io.err(line(`error: ${err instanceof Error ? err.message : String(err)}`));
        ctx.exitCode = EXIT.UNAVAILABLE;
        return;
      }
      let signals = 0;
      const onSignal = (signal: NodeJS.Signals) => {
        signals += 1;
        if (signals > 1) {
          io.err(line(`${signal} again: exiting without draining.`));
          process.exit(EXIT.INTERRUPTED);
        }
        io.err(line(`${signal}: draining the worker (${signal} again to exit at once)...`));
        worker?.shutdown();
      };
      let worker: Awaited<ReturnType<typeof createSwitchyardWorker>> | undefined;
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        worker = await createSwitchyardWorker({
          connection: session.nativeConnection,
          namespace: session.namespace,
          taskQueue: options.taskQueue,
          registry: createBuiltinRegistry(),
          workerOptions: { identity: `switchyard-worker@${hostname()}/${process.pid}` },
        });
        if (signals > 0) worker.shutdown();
        io.err(
          line(`Worker serving task queue ${options.taskQueue} on ${session.address} (namespace ${session.namespace})`),
        );
        await worker.run();
        io.err(line('Worker stopped.'));
        ctx.exitCode = EXIT.SUCCEEDED;
      } catch (err) {
        io.err(line(`error: ${err instanceof Error ? err.message : String(err)}`));
        ctx.exitCode = EXIT.UNAVAILABLE;
      } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
        await session.close();
      }
    });
}
