import type { Plugin, PluginContext, PluginDescriptor } from './plugin';
import type { JsonObject, JsonValue, PollSpec } from './types';

/**
 * What each step of a polling plugin answers: finished with its output, or still pending with the
 * state the next `check` gets (a job id, a URL; JSON, small: it is stored in the run's history).
 *
 * @example { done: true, output: { status: 'SUCCESS' } }
 * @example { pending: { jobId: 'j-42' } }
 */
export type PollStep<Output extends JsonValue = JsonValue, State extends JsonValue = JsonValue> =
  { done: true; output: Output } | { done?: false; pending: State };

/**
 * A plugin that starts work, then is polled until the work is done (BK-SOPS's execute + schedule):
 * `execute` starts it, `check` asks how it goes, `cancel` (optional) stops it when the node is
 * cancelled or the poll times out. Each step is a short activity of its own: `<type>`,
 * `<type>.check`, `<type>.cancel`.
 *
 * @example
 * export const job = definePollingPlugin({
 *   type: 'acme.job', version: '1.0.0', title: 'Run a job',
 *   inputSchema: { type: 'object', required: ['url'], properties: { url: { type: 'string' } } },
 *   poll: { interval: '5s', backoffCoefficient: 2, maxInterval: '1m', timeout: '2h' },
 *   async execute(_ctx, input) { return { pending: { id: await submit(input.url) } }; },
 *   async check(_ctx, input, state) {
 *     const job = await status(input.url, state.id);
 *     return job.finished ? { done: true, output: job.result } : { pending: state };
 *   },
 *   async cancel(_ctx, input, state) { await abort(input.url, state.id); },
 * });
 */
export interface PollingPlugin<
  Input = JsonObject,
  Output extends JsonValue = JsonValue,
  State extends JsonValue = JsonValue,
> extends PluginDescriptor {
  readonly poll: PollSpec;
  execute(ctx: PluginContext, input: Input): Promise<PollStep<Output, State>>;
  check(ctx: PluginContext, input: Input, state: State): Promise<PollStep<Output, State>>;
  cancel?(ctx: PluginContext, input: Input, state: State): Promise<void>;
}

/**
 * Declares a {@link PollingPlugin}; the result registers like any plugin (a registry entry, a
 * folder export).
 */
export function definePollingPlugin<
  Input = JsonObject,
  Output extends JsonValue = JsonValue,
  State extends JsonValue = JsonValue,
>(plugin: PollingPlugin<Input, Output, State>): Plugin<Input> {
  return plugin;
}

/** True when a plugin (or descriptor) declares a polling shape. */
export function isPolling(plugin: PluginDescriptor): boolean {
  return plugin.poll !== undefined;
}

/** The activity types of a polling plugin's check and cancel steps. */
export function pollActivityTypes(type: string): { check: string; cancel: string } {
  return { check: `${type}.check`, cancel: `${type}.cancel` };
}

/**
 * Why a poll spec is unusable, or `undefined` when it is fine. Shared by the loader, the registry
 * and the API's registration of remote plugins.
 */
export function pollSpecProblem(poll: unknown, parse: (duration: unknown) => number | undefined): string | undefined {
  if (typeof poll !== 'object' || poll === null || Array.isArray(poll)) return 'poll must be an object';
  const spec = poll as Partial<Record<keyof PollSpec, unknown>>;
  const interval = parse(spec.interval);
  if (typeof spec.interval !== 'string' || interval === undefined || interval <= 0) {
    return 'poll.interval must be a duration like "5s"';
  }
  if (
    spec.backoffCoefficient !== undefined &&
    (typeof spec.backoffCoefficient !== 'number' || !(spec.backoffCoefficient >= 1))
  ) {
    return 'poll.backoffCoefficient must be a number of at least 1';
  }
  for (const key of ['maxInterval', 'timeout'] as const) {
    const value = spec[key];
    if (value === undefined) continue;
    const ms = parse(value);
    if (typeof value !== 'string' || ms === undefined || ms <= 0) return `poll.${key} must be a duration like "1m"`;
  }
  return undefined;
}

/**
 * Why a plugin's polling shape is unusable (a bad `poll`, a `check` or `cancel` that is not a
 * function, or a `check` without `poll`), or `undefined` when it is fine or it does not poll.
 */
export function pollingProblem(
  plugin: { poll?: unknown; check?: unknown; cancel?: unknown },
  parse: (duration: unknown) => number | undefined,
): string | undefined {
  if (plugin.poll === undefined) {
    return plugin.check === undefined ? undefined : 'check is set but poll is missing: a polling plugin declares both';
  }
  const problem = pollSpecProblem(plugin.poll, parse);
  if (problem) return problem;
  if (typeof plugin.check !== 'function') return 'check is not a function (a polling plugin needs one)';
  if (plugin.cancel !== undefined && typeof plugin.cancel !== 'function') return 'cancel is not a function';
  return undefined;
}
