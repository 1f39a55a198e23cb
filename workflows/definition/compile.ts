/**
 * Turns a validated definition into the interpreter's {@link ExecutionPlan}: for every plugin
 * node, its activity options, merged from the node's own `retry` and `timeout` over its plugin's
 * defaults and converted to milliseconds.
 */
import type { PluginCatalog } from '../../plugins/sdk/plugin';
import type { ActivityPlan, ExecutionPlan } from '../contract';
import { compactPlan } from '../plan';
import { parseDuration } from './duration';
import type { Definition, NodeDefinition, RetrySpec, TimeoutSpec } from './types';
import { isBuiltinNodeType, isGatewayType } from './types';

/** Used when neither the node nor its plugin sets startToClose or scheduleToClose: Temporal needs one. */
export const DEFAULT_START_TO_CLOSE_MS = 10 * 60 * 1000;

function definedOnly<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = item;
  return out as T;
}

/** The node's fields over the plugin's, field by field. */
function merge<T extends object>(base: T | undefined, override: T | undefined): T {
  return { ...definedOnly(base ?? ({} as T)), ...definedOnly(override ?? ({} as T)) };
}

function milliseconds(duration: string | undefined): number | undefined {
  return duration === undefined ? undefined : parseDuration(duration);
}

/** The activity options of one plugin node. */
export function compileActivity(node: NodeDefinition, catalog: PluginCatalog): ActivityPlan {
  const plugin = catalog.find(node.type, node.version);
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
  return plan;
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
  const activities: Record<string, ActivityPlan> = {};
  for (const node of definition.nodes) {
    if (isGatewayType(node.type) || isBuiltinNodeType(node.type)) continue;
    activities[node.id] = compileActivity(node, catalog);
  }
  return compactPlan({ definition, activities });
}
