/**
 * Turns a validated definition into the interpreter's {@link ExecutionPlan}: for every plugin
 * node, its activity options, merged from the node's own `retry` and `timeout` over its plugin's
 * defaults and converted to milliseconds.
 */
import type { PluginCatalog, PluginDescriptor } from '../../plugins/sdk/plugin';
import type { PollSpec } from '../../plugins/sdk/types';
import type { ActivityPlan, ExecutionPlan, PollPlan } from '../contract';
import { activityPlanKey } from '../plan';
import { parseDuration } from './duration';
import type { Definition, NodeDefinition, RetrySpec, TimeoutSpec } from './types';
import { isBuiltinNodeType, isGatewayType } from './types';

/** Used when neither the node nor its plugin sets startToClose or scheduleToClose: Temporal needs one. */
export const DEFAULT_START_TO_CLOSE_MS = 10 * 60 * 1000;

// Captured once: inside a vm context (Jest, the workflow sandbox) every read of a global is intercepted.
const { keys: objectKeys } = Object;

function definedOnly<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const key of objectKeys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) out[key] = item;
  }
  return out as T;
}

/** The node's fields over the plugin's, field by field. */
function merge<T extends object>(base: T | undefined, override: T | undefined): T {
  return { ...definedOnly(base ?? ({} as T)), ...definedOnly(override ?? ({} as T)) };
}

/** Parsed durations: a large definition repeats the same few (`30s`, `1m`) on every node. */
const durationCache = new Map<string, number | undefined>();
const DURATION_CACHE_LIMIT = 1_000;

function milliseconds(duration: string | undefined): number | undefined {
  if (duration === undefined) return undefined;
  if (durationCache.has(duration)) return durationCache.get(duration);
  const ms = parseDuration(duration);
  if (durationCache.size >= DURATION_CACHE_LIMIT) durationCache.clear();
  durationCache.set(duration, ms);
  return ms;
}

/** The activity options of one plugin node. */
export function compileActivity(node: NodeDefinition, catalog: PluginCatalog): ActivityPlan {
  return activityPlan(node, catalog.find(node.type, node.version));
}

function activityPlan(node: NodeDefinition, plugin: PluginDescriptor | undefined): ActivityPlan {
  if (!plugin)
    throw new Error(`unknown plugin ${node.type}${node.version ? `@${node.version}` : ''} for node ${node.id}`);
  const timeout: TimeoutSpec = merge(plugin.defaults?.timeout, node.timeout);
  const retry: RetrySpec = merge(plugin.defaults?.retry, node.retry);

  const plan: ActivityPlan = definedOnly({
    type: plugin.type,
    taskQueue: plugin.taskQueue,
    startToCloseTimeoutMs: milliseconds(timeout.startToClose),
    scheduleToCloseTimeoutMs: milliseconds(timeout.scheduleToClose),
    scheduleToStartTimeoutMs: milliseconds(timeout.scheduleToStart),
    heartbeatTimeoutMs: milliseconds(timeout.heartbeat),
    retry: definedOnly({
      maximumAttempts: retry.maximumAttempts,
      initialIntervalMs: milliseconds(retry.initialInterval),
      backoffCoefficient: retry.backoffCoefficient,
      maximumIntervalMs: milliseconds(retry.maximumInterval),
      nonRetryableErrorTypes: retry.nonRetryableErrorTypes ? [...retry.nonRetryableErrorTypes] : undefined,
    }),
  });
  if (plan.startToCloseTimeoutMs === undefined && plan.scheduleToCloseTimeoutMs === undefined) {
    plan.startToCloseTimeoutMs = DEFAULT_START_TO_CLOSE_MS;
  }
  if (plugin.poll) plan.poll = compilePoll(plugin.type, plugin.poll);
  return plan;
}

/** A polling plugin's spec in milliseconds, with its check and cancel activity types. */
export function compilePoll(type: string, poll: PollSpec): PollPlan {
  return definedOnly({
    intervalMs: parseDuration(poll.interval) ?? 1000,
    backoffCoefficient: poll.backoffCoefficient ?? 1,
    maxIntervalMs: milliseconds(poll.maxInterval),
    timeoutMs: milliseconds(poll.timeout),
    checkType: `${type}.check`,
    cancelType: `${type}.cancel`,
  });
}

/**
 * Builds the execution plan of a definition that {@link validateDefinition} accepted: an
 * {@link ActivityPlan} for every plugin node (gateways and built-in nodes run inside the interpreter),
 * in the compact shape: nodes with the same options share one plan.
 * Pure; throws only when the definition names a plugin the catalog does not have, which
 * validation rules out.
 *
 * @example activityPlanOf(compilePlan(definition, catalog), 'build')?.startToCloseTimeoutMs === 30_000
 */
export function compilePlan(definition: Definition, catalog: PluginCatalog): ExecutionPlan {
  const activityPlans: ActivityPlan[] = [];
  const activityOf: Record<string, number> = {};
  // A definition names a few plugins many times: one catalog lookup each (a lookup copies the descriptor).
  const plugins = new Map<string, PluginDescriptor | undefined>();
  // Nodes repeat a few option sets: a plan is built once per plugin, retry and timeout as written...
  const byOptions = new OptionsIndex();
  // ...and shared by every node whose options come out the same (`30s` and `30000ms`), as compactPlan does.
  const byPlan = new Map<string, number>();
  for (const node of definition.nodes) {
    if (isGatewayType(node.type) || isBuiltinNodeType(node.type)) continue;
    const pluginKey = node.version === undefined ? node.type : `${node.type}@${node.version}`;
    let plugin = plugins.get(pluginKey);
    if (plugin === undefined && !plugins.has(pluginKey)) {
      plugin = catalog.find(node.type, node.version);
      plugins.set(pluginKey, plugin);
    }
    const options = optionsOf(pluginKey, node);
    let index = byOptions.get(options);
    if (index === undefined) {
      const plan = activityPlan(node, plugin);
      const planKey = activityPlanKey(plan);
      index = byPlan.get(planKey);
      if (index === undefined) {
        index = activityPlans.push(plan) - 1;
        byPlan.set(planKey, index);
      }
      byOptions.set(options, index);
    }
    activityOf[node.id] = index;
  }
  return { definition, activityPlans, activityOf };
}

/**
 * Everything {@link activityPlan} reads of a node: its plugin, and the values of its retry and
 * timeout fields. Error types are compared by their JSON; any other object value by identity
 * (so it never matches another node's, and gets a plan of its own).
 */
function optionsOf(pluginKey: string, node: NodeDefinition): unknown[] {
  const retry: Partial<RetrySpec> = isObjectValue(node.retry) ? node.retry : {};
  const timeout: Partial<TimeoutSpec> = isObjectValue(node.timeout) ? node.timeout : {};
  const errorTypes = retry.nonRetryableErrorTypes;
  return [
    pluginKey,
    retry.maximumAttempts,
    retry.initialInterval,
    retry.backoffCoefficient,
    retry.maximumInterval,
    errorTypes === undefined ? undefined : JSON.stringify(errorTypes),
    timeout.startToClose,
    timeout.scheduleToClose,
    timeout.scheduleToStart,
    timeout.heartbeat,
  ];
}

function isObjectValue<T extends object>(value: T | undefined): value is T {
  return typeof value === 'object' && value !== null;
}

/**
 * Plan indexes by option values, one Map level per value: a 10,000-node definition costs no key
 * string per node (JSON keys cost more than compiling).
 */
class OptionsIndex {
  private readonly root = new Map<unknown, unknown>();

  get(values: readonly unknown[]): number | undefined {
    let level: unknown = this.root;
    for (const value of values) {
      level = (level as Map<unknown, unknown>).get(value);
      if (level === undefined) return undefined;
    }
    return level as number;
  }

  set(values: readonly unknown[], index: number): void {
    let level = this.root;
    for (let i = 0; i < values.length - 1; i++) {
      let next = level.get(values[i]) as Map<unknown, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(values[i], next);
      }
      level = next;
    }
    level.set(values[values.length - 1], index);
  }
}
