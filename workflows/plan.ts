/**
 * The execution plan's compact shape: one {@link ActivityPlan} per distinct set of activity
 * options, and each plugin node pointing at its plan by index. A 10,000-node definition whose
 * nodes share a few plugins thus carries a few plans instead of 10,000 (the workflow input, and
 * every continue-as-new input, must stay well under Temporal's 2 MB payload limit).
 *
 * Pure: the compiler, the launchers and the workflow share it.
 */
import type { ActivityPlan, ExecutionPlan } from './contract';
import { jsonBytes, megabytes, PLAN_BYTES_LIMIT } from './payload-size';

/**
 * What two equal {@link ActivityPlan}s share: they are built with a fixed key order, so the same
 * options serialise the same way.
 */
export function activityPlanKey(plan: ActivityPlan): string {
  return JSON.stringify(plan);
}

/**
 * Turns per-node activity plans into the compact shape (`activityPlans` + `activityOf`).
 * A plan already compact is returned as is.
 *
 * @example compactPlan({ definition, activities: { a: p, b: p } }) // { definition, activityPlans: [p], activityOf: { a: 0, b: 0 } }
 */
export function compactPlan(plan: ExecutionPlan): ExecutionPlan {
  if (!plan.activities) return plan;
  const activityPlans: ActivityPlan[] = [];
  const activityOf: Record<string, number> = {};
  const indexes = new Map<string, number>();
  for (const [nodeId, activity] of Object.entries(plan.activities)) {
    const key = activityPlanKey(activity);
    let index = indexes.get(key);
    if (index === undefined) {
      index = activityPlans.push(activity) - 1;
      indexes.set(key, index);
    }
    activityOf[nodeId] = index;
  }
  return { definition: plan.definition, activityPlans, activityOf };
}

/**
 * The activity options of one plugin node, from either shape (runs started before compaction
 * carry `activities`, one plan per node). Undefined when the node has none (built-ins, gateways).
 */
export function activityPlanOf(plan: ExecutionPlan, nodeId: string): ActivityPlan | undefined {
  if (plan.activities) return plan.activities[nodeId];
  const index = plan.activityOf?.[nodeId];
  return index === undefined ? undefined : plan.activityPlans?.[index];
}

/** Why `plan` is too large to run, or undefined when it fits {@link PLAN_BYTES_LIMIT}. */
export function planTooLarge(plan: ExecutionPlan): string | undefined {
  const bytes = jsonBytes(plan);
  if (bytes <= PLAN_BYTES_LIMIT) return undefined;
  return (
    `the compiled plan is ${megabytes(bytes)} (subflows included), over the ${megabytes(PLAN_BYTES_LIMIT)} a run can carry ` +
    "(Temporal refuses workflow inputs over 2 MB, and a continue-as-new carries the run's state beside the plan); " +
    'make the definition smaller: fewer nodes (a foreach node instead of many alike), shorter `with` values'
  );
}
