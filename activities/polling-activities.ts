import { ApplicationFailure } from '@temporalio/common';
import type { JsonValue, Plugin, PluginContext, PollingPlugin } from '../plugins/sdk';
import { pollActivityTypes } from '../plugins/sdk/polling';
import type { PluginActivityInput, PollActivityInput, PollActivityResult } from '../workflows/contract';

/** The failure type when a polling plugin answers something that is neither done nor pending (never retried). */
export const INVALID_POLL_STEP_FAILURE = 'InvalidPollStep';

/** How plugin-activities runs one call of a plugin: lookup, input check, context, failure translation. */
export type PluginInvoker = <T>(
  request: PluginActivityInput,
  call: (plugin: Plugin<JsonValue>, ctx: PluginContext, input: JsonValue) => Promise<T>,
) => Promise<{ value: T; attempt: number; plugin: Plugin<JsonValue> }>;

type PollStepActivity = (request: PollActivityInput) => Promise<PollActivityResult | null>;

/** A polling plugin's step (`{ done: true, output }` or `{ pending: state }`) as the activity's result. */
export function pollResult(plugin: Plugin<JsonValue>, step: unknown, attempt: number): PollActivityResult {
  const value = step as { done?: unknown; output?: JsonValue; pending?: JsonValue } | null;
  if (value && typeof value === 'object' && value.done === true) {
    return { attempt, done: true, output: value.output ?? null };
  }
  if (value && typeof value === 'object' && 'pending' in value && value.done !== true) {
    return { attempt, done: false, state: value.pending ?? null };
  }
  throw ApplicationFailure.create({
    type: INVALID_POLL_STEP_FAILURE,
    message: `${plugin.type}@${plugin.version} answered neither { done: true, output } nor { pending: state }`,
    nonRetryable: true,
  });
}

/**
 * The `<type>.check` and `<type>.cancel` activities of a polling plugin type. A version of the type
 * that does not poll answers a check with a non-retryable failure; `cancel` is a no-op for plugins
 * that declare none.
 */
export function createPollStepActivities(type: string, invoke: PluginInvoker): Record<string, PollStepActivity> {
  const names = pollActivityTypes(type);
  const polling = (plugin: Plugin<JsonValue>): PollingPlugin<JsonValue> => {
    if (!plugin.poll) {
      throw ApplicationFailure.create({
        type: INVALID_POLL_STEP_FAILURE,
        message: `${plugin.type}@${plugin.version} does not poll`,
        nonRetryable: true,
      });
    }
    return plugin as unknown as PollingPlugin<JsonValue>;
  };
  return {
    [names.check]: async (request) => {
      const { value, attempt, plugin } = await invoke(request, (plugin, ctx, input) =>
        polling(plugin).check(ctx, input, request.state),
      );
      return pollResult(plugin, value, attempt);
    },
    [names.cancel]: async (request) => {
      await invoke(request, async (plugin, ctx, input) => {
        await polling(plugin).cancel?.(ctx, input, request.state);
      });
      return null;
    },
  };
}
