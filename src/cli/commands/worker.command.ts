import { Command } from 'commander';
import type { CliContext } from '../context';
import type * as ServeWorker from '../serve-worker';

/**
 * `switchyard worker`: serves the interpreter and the built-in plugins on a task queue of
 * TEMPORAL_ADDRESS (default localhost:7233) until SIGINT or SIGTERM, then drains: running
 * activities finish (or are cancelled after the grace time) before the process exits.
 */
export function workerCommand(ctx: CliContext): Command {
  return new Command('worker')
    .description('run a worker only (for scaling out) against TEMPORAL_ADDRESS, default localhost:7233')
    .option('-q, --task-queue <name>', 'task queue to serve (default: switchyard)')
    .action(async (options: { taskQueue?: string }) => {
      // Temporal's worker takes a second to load: required only when the command runs.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { serveWorker } = require('../serve-worker') as typeof ServeWorker;
      ctx.exitCode = await serveWorker(ctx, options);
    });
}
