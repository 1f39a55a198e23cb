/**
 * The benchmark bundle: the production interpreter beside hand-written baselines that call
 * the same activities with the same options, so both run on one worker and one server.
 */
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { PluginActivityInput, PluginActivityResult } from '../../workflows/contract';

export { interpreter } from '../../workflows';

type Noop = (input: PluginActivityInput) => Promise<PluginActivityResult>;

function noop(options: ActivityOptions, runId: string, nodeId: string): Promise<PluginActivityResult> {
  return proxyActivities<Record<string, Noop>>({ ...options, activityId: nodeId })['builtin.noop']({
    runId,
    nodeId,
    input: {},
  });
}

/** n no-op activities one after another. */
export async function baselineChain(n: number, options: ActivityOptions): Promise<number> {
  for (let i = 0; i < n; i++) await noop(options, 'baseline', `n${i}`);
  return n;
}

/** One start activity, n in parallel, one end activity. */
export async function baselineFanout(n: number, options: ActivityOptions): Promise<number> {
  await noop(options, 'baseline', 'start');
  await Promise.all(Array.from({ length: n }, (_, i) => noop(options, 'baseline', `n${i}`)));
  await noop(options, 'baseline', 'end');
  return n + 2;
}
