/**
 * Polling plugin nodes: a start activity, then short check activities separated by durable
 * timers (growing by the plugin's backoff), so no worker slot is held while the work runs
 * elsewhere. On cancellation or a poll timeout the plugin's cancel activity runs, uncancellable.
 */
import {
  ActivityFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  sleep,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { JsonValue } from '../definition/types';
import type {
  NodeError,
  PluginActivityInput,
  PollActivityInput,
  PollActivityResult,
  PollPlan,
  PollProgress,
} from '../contract';

/** What the node executors lend the polling loop (kept as arguments so this file imports none of them). */
export interface PollingHelpers {
  /** The node's activity options (id, summary, timeouts, retry, task queue). */
  options: ActivityOptions;
  /** An activity's failure as the node's failure. */
  describeFailure(err: ActivityFailure): Error;
  /** A node failure of the loop's own. */
  fail(error: NodeError, attempts: number): Error;
  /** Told after each step that left the work pending. */
  progress?(progress: PollProgress): void;
}

/** The plugin's state is shown with the node only when it is this small (JSON characters). */
const SHOWN_STATE_LIMIT = 1024;

/** What a polling node produced. */
export interface PollOutcome {
  output: JsonValue;
  attempts: number;
}

/** The node failure type when a polling node is not done within its `poll.timeout`. */
export const POLL_TIMEOUT_FAILURE = 'PollTimeout';

type StepActivity = (input: PollActivityInput | PollActivityInput['input']) => Promise<PollActivityResult>;

/** The wait before check number `poll` (1-based): interval × coefficient^(poll-1), capped. */
export function pollDelayMs(plan: PollPlan, poll: number): number {
  const grown = plan.intervalMs * Math.pow(plan.backoffCoefficient, poll - 1);
  return Math.round(plan.maxIntervalMs !== undefined ? Math.min(grown, plan.maxIntervalMs) : grown);
}

function stepOptions(base: ActivityOptions, suffix: string, summary: string): ActivityOptions {
  return { ...base, activityId: `${base.activityId}.${suffix}`, summary };
}

async function step(options: ActivityOptions, type: string, request: unknown, helpers: PollingHelpers) {
  const activities = proxyActivities<Record<string, StepActivity>>(options);
  try {
    return await activities[type](request as PollActivityInput);
  } catch (err) {
    if (err instanceof ActivityFailure && !isCancellation(err)) throw helpers.describeFailure(err);
    throw err;
  }
}

/** Runs a polling plugin node to its end: its output, a NodeFailure, or a cancellation. */
export async function runPollingNode(
  request: PluginActivityInput,
  poll: PollPlan,
  type: string,
  helpers: PollingHelpers,
): Promise<PollOutcome> {
  const base = helpers.options;
  const startedAt = Date.now();
  let result = await step(base, type, request, helpers);
  let attempts = result.attempt;
  let polls = 0;
  let timedOut = false;
  try {
    while (!result.done) {
      polls += 1;
      const delay = pollDelayMs(poll, polls);
      if (poll.timeoutMs !== undefined && Date.now() + delay - startedAt > poll.timeoutMs) {
        timedOut = true;
        throw helpers.fail(
          {
            type: POLL_TIMEOUT_FAILURE,
            message: `not done after ${polls - 1} checks within the poll timeout of ${poll.timeoutMs} ms`,
          },
          attempts,
        );
      }
      const state = result.state ?? null;
      helpers.progress?.({
        checks: polls - 1,
        nextCheckAt: new Date(Date.now() + delay).toISOString(),
        ...(JSON.stringify(state).length <= SHOWN_STATE_LIMIT ? { state } : {}),
      });
      await sleep(delay, { summary: `wait before check #${polls}` });
      const check = stepOptions(base, `check-${polls}`, `check #${polls}`);
      result = await step(check, poll.checkType, { ...request, state: result.state ?? null, poll: polls }, helpers);
      attempts = Math.max(attempts, result.attempt);
    }
  } catch (err) {
    if (timedOut || isCancellation(err)) {
      const cancel = stepOptions(base, 'cancel', 'cancel');
      const cancelRequest = { ...request, state: result.state ?? null, poll: polls };
      // The node is going away: stop the work it started, even though its scope is cancelled.
      await CancellationScope.nonCancellable(() =>
        step(cancel, poll.cancelType, cancelRequest, helpers).catch(() => undefined),
      );
    }
    throw err;
  }
  helpers.progress?.({ checks: polls });
  return { output: result.output ?? null, attempts };
}
