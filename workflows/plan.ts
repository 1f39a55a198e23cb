/**
 * The execution plan's compact shape: one {@link ActivityPlan} per distinct set of activity
 * options, and each plugin node pointing at its plan by index. A 10,000-node definition whose
 * nodes share a few plugins thus carries a few plans instead of 10,000 (the workflow input, and
 * every continue-as-new input, must stay well under Temporal's 2 MB payload limit).
 *
 * Pure: the compiler, the launchers and the workflow share it.
 */
import type { ActivityPlan, ExecutionPlan } from './contract';

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

/**
 * The most a run's plan may weigh, serialised: Temporal refuses a payload over 2 MB, and every
 * continue-as-new input carries the run's state beside the plan. Checked when a template is saved
 * and when a run starts, so the ceiling is a clear refusal, never a run Temporal fails later.
 */
export const PLAN_BYTES_LIMIT = 1_500_000;

/** UTF-8 bytes of `text` (pure: no Buffer or TextEncoder, so the workflow bundle may use it too). */
function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** Why `plan` is too large to run, or undefined when it fits {@link PLAN_BYTES_LIMIT}. */
export function planTooLarge(plan: ExecutionPlan): string | undefined {
  const bytes = utf8Bytes(JSON.stringify(plan));
  if (bytes <= PLAN_BYTES_LIMIT) return undefined;
  const mb = (n: number): string => `${(n / 1_000_000).toFixed(2)} MB`;
  return (
    `the compiled plan is ${mb(bytes)} (subflows included), over the ${mb(PLAN_BYTES_LIMIT)} a run can carry ` +
    "(Temporal refuses workflow inputs over 2 MB, and a continue-as-new carries the run's state beside the plan); " +
    'make the definition smaller: fewer nodes (a foreach node instead of many alike), shorter `with` values'
  );
}
