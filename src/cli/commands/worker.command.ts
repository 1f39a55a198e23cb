import { Command } from 'commander';
import type { CliContext } from '../context';
import type * as ServePluginWorker from '../serve-plugin-worker';
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
    .option(
      '--plugins-only',
      'serve only the plugins of --plugin-dir / SWITCHYARD_PLUGIN_DIRS on their own task queue (no workflows), ' +
        'registered with the API at SWITCHYARD_API_URL using SWITCHYARD_API_TOKEN',
    )
    .option(
      '--plugin-dir <dir>',
      'a plugin folder, a folder of them, or an npm package name (repeatable)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .action(async (options: { taskQueue?: string; pluginsOnly?: boolean; pluginDir?: string[] }) => {
      if (options.pluginsOnly) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { servePluginWorker } = require('../serve-plugin-worker') as typeof ServePluginWorker;
        ctx.exitCode = await servePluginWorker(ctx, { taskQueue: options.taskQueue, pluginDirs: options.pluginDir });
        return;
      }
      // Temporal's worker takes a second to load: required only when the command runs.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { serveWorker } = require('../serve-worker') as typeof ServeWorker;
      ctx.exitCode = await serveWorker(ctx, options);
    });
}
