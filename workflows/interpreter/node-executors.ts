/**
 * How each kind of node executes inside the workflow: plugin nodes as one activity each,
 * built-ins (timer, vars, gateways) inside the interpreter.
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  condition,
  isCancellation,
  proxyActivities,
  sleep,
  TimeoutFailure,
  type ActivityOptions,
} from '@temporalio/workflow';
import { parseDuration } from '../definition/duration';
import { isGatewayType, type JsonValue, type NodeDefinition } from '../definition/types';
import type { SecretSite } from '../definition/secret-references';
import {
  AWAIT_CALLBACK_ACTIVITY,
  type ActivityPlan,
  type ApprovalSpec,
  type AwaitCallbackInput,
  type InterpreterInput,
  type NodeError,
  type PluginActivityInput,
  type PluginActivityResult,
} from '../contract';
import type { DeferredInput } from '../output-ref';
import { activityPlanOf } from '../plan';
import { activityIdFor } from './execution-id';
import { runForeach } from './foreach';
import { NodeFailure, type NodeOutcome } from './node-failure';
import type { NodeLaunch, RunMachine } from './run-machine';
import { runSubflow, type SubflowChildren } from './subflow';
import { runPollingNode } from './polling';

/** What an executor may use besides the node: the run's input and its state machine. */
export interface ExecutionContext {
  input: InterpreterInput;
  machine: RunMachine;
  /** The run's running child workflows (subflow nodes). */
  children: SubflowChildren;
}

export { NodeFailure, type NodeOutcome };

type PluginActivity = (input: PluginActivityInput) => Promise<PluginActivityResult>;

export { activityIdFor };

/**
 * Temporal's UI label for the node: its name, cut to the safe summary size; a foreach
 * instance (`deploy[3]`) adds its item index.
 */
export function summaryFor(node: NodeDefinition, instanceId = node.id): string {
  const item = instanceId === node.id ? '' : ` [item ${instanceId.slice(node.id.length + 1, -1)}]`;
  const text = node.name ?? node.id;
  const room = 190 - item.length;
  return `${text.length > room ? `${text.slice(0, room - 3)}...` : text}${item}`;
}

export function activityOptions(
  node: NodeDefinition,
  plan: ActivityPlan,
  execution: number,
  instanceId = node.id,
): ActivityOptions {
  const options: ActivityOptions = {
    activityId: activityIdFor(instanceId, execution),
    summary: summaryFor(node, instanceId),
    // Explicit: SDK 1.24 sends an unset cancellationType as TRY_CANCEL (proto 0), whatever its TSDoc says,
    // and a cancelled run must not end while its activities still run.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  };
  if (plan.taskQueue) options.taskQueue = plan.taskQueue;
  if (plan.startToCloseTimeoutMs !== undefined) options.startToCloseTimeout = plan.startToCloseTimeoutMs;
  if (plan.scheduleToCloseTimeoutMs !== undefined) options.scheduleToCloseTimeout = plan.scheduleToCloseTimeoutMs;
  if (plan.scheduleToStartTimeoutMs !== undefined) options.scheduleToStartTimeout = plan.scheduleToStartTimeoutMs;
  if (plan.heartbeatTimeoutMs !== undefined) options.heartbeatTimeout = plan.heartbeatTimeoutMs;
  const { retry } = plan;
  options.retry = {
    ...(retry.maximumAttempts !== undefined ? { maximumAttempts: retry.maximumAttempts } : {}),
    ...(retry.initialIntervalMs !== undefined ? { initialInterval: retry.initialIntervalMs } : {}),
    ...(retry.backoffCoefficient !== undefined ? { backoffCoefficient: retry.backoffCoefficient } : {}),
    ...(retry.maximumIntervalMs !== undefined ? { maximumInterval: retry.maximumIntervalMs } : {}),
    ...(retry.nonRetryableErrorTypes ? { nonRetryableErrorTypes: retry.nonRetryableErrorTypes } : {}),
  };
  return options;
}

const TIMEOUT_NAMES: Record<string, string> = {
  START_TO_CLOSE: 'StartToCloseTimeout',
  SCHEDULE_TO_START: 'ScheduleToStartTimeout',
  SCHEDULE_TO_CLOSE: 'ScheduleToCloseTimeout',
  HEARTBEAT: 'HeartbeatTimeout',
};

function attemptFromDetails(details: unknown): number | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const item of details) {
    if (item && typeof item === 'object' && typeof (item as { attempt?: unknown }).attempt === 'number') {
      return (item as { attempt: number }).attempt;
    }
  }
  return undefined;
}

/** Turns an activity's failure into the node's error and attempt count. */
export function describeActivityFailure(err: ActivityFailure, plan: ActivityPlan): NodeFailure {
  const cause = err.cause;
  let error: NodeError;
  let attempts: number | undefined;
  if (cause instanceof ApplicationFailure) {
    error = { type: cause.type ?? 'Error', message: cause.message };
    attempts = attemptFromDetails(cause.details);
  } else if (cause instanceof TimeoutFailure) {
    const kind = String(cause.timeoutType);
    error = { type: TIMEOUT_NAMES[kind] ?? 'Timeout', message: `activity timed out (${kind})` };
  } else {
    error = { type: cause?.name ?? 'ActivityFailure', message: cause?.message ?? err.message };
  }
  if (err.retryState === 'MAXIMUM_ATTEMPTS_REACHED' && plan.retry.maximumAttempts) {
    attempts = plan.retry.maximumAttempts;
  }
  return new NodeFailure(error, attempts ?? 1);
}

function runPluginNode(
  input: InterpreterInput,
  node: NodeDefinition,
  resolved: JsonValue,
  execution: number,
  instanceId: string,
  secrets: SecretSite[],
  machine?: RunMachine,
  deferred?: DeferredInput,
): Promise<NodeOutcome> {
  const plan = activityPlanOf(input.plan, node.id);
  if (!plan) return Promise.reject(ApplicationFailure.nonRetryable(`no activity plan for node ${node.id}`, 'InvalidPlan'));
  const request: PluginActivityInput = {
    runId: input.run.id,
    nodeId: node.id,
    ...(node.version ? { version: node.version } : {}),
    ...(deferred ? { input: null, deferred } : { input: resolved }),
    // Only when used, so inputs of runs without secrets stay as they were.
    ...(secrets.length > 0 ? { secrets, ...(input.run.projectId ? { projectId: input.run.projectId } : {}) } : {}),
  };
  if (plan.poll) {
    return runPollingNode(request, plan.poll, plan.type, {
      options: activityOptions(node, plan, execution, instanceId),
      describeFailure: (err) => describeActivityFailure(err, plan),
      fail: (error, attempts) => new NodeFailure(error, attempts),
      progress: (progress) => machine?.recordPoll(node.id, progress),
    });
  }
  const activities = proxyActivities<Record<string, PluginActivity>>(
    activityOptions(node, plan, execution, instanceId),
  );
  return activities[plan.type](request).then(
    (result) => ({ output: result.output, attempts: result.attempt }),
    (err: unknown) => {
      if (err instanceof ActivityFailure && !isCancellation(err)) throw describeActivityFailure(err, plan);
      throw err;
    },
  );
}

async function runTimer(node: NodeDefinition, resolved: JsonValue): Promise<NodeOutcome> {
  const args = (resolved ?? {}) as { duration?: string; until?: string };
  let ms: number | undefined;
  if (args.duration !== undefined) ms = parseDuration(args.duration);
  else if (args.until !== undefined) ms = Date.parse(args.until) - Date.now();
  if (ms === undefined || Number.isNaN(ms)) {
    throw new NodeFailure({ type: 'InvalidInput', message: 'timer.sleep needs a valid `duration` or `until`' }, 1);
  }
  if (ms > 0) await sleep(ms, { summary: summaryFor(node) });
  return { output: { until: new Date().toISOString() }, attempts: 1 };
}

/**
 * Waits for approveNode/rejectNode (recorded in the machine by the update handlers), or for the
 * deadline and its default decision. A rejection fails the node, so its onFailure applies.
 */
async function runApproval(ctx: ExecutionContext, node: NodeDefinition, resolved: JsonValue): Promise<NodeOutcome> {
  const state = ctx.machine.nodes[node.id];
  let deadlineMs: number | undefined;
  if (state.status === 'WAITING' && state.approval && !state.approval.decision) {
    // Carried over a continue-as-new: the request stands; only what is left of its deadline remains.
    const { deadlineAt } = state.approval;
    deadlineMs = deadlineAt !== undefined ? Math.max(1, Date.parse(deadlineAt) - Date.now()) : undefined;
  } else {
    const spec = (resolved ?? {}) as ApprovalSpec;
    deadlineMs = spec.deadline !== undefined ? parseDuration(spec.deadline) : undefined;
    const now = new Date().toISOString();
    const deadlineAt = deadlineMs !== undefined ? new Date(Date.now() + deadlineMs).toISOString() : undefined;
    ctx.machine.awaitApproval(node.id, spec, now, deadlineAt);
  }
  const settled = (): boolean => state.approval?.decision !== undefined || state.status !== 'WAITING';
  if (deadlineMs === undefined) {
    await condition(settled);
  } else if (!(await condition(settled, deadlineMs, { summary: `deadline of ${summaryFor(node)}` }))) {
    ctx.machine.decideByDeadline(node.id, new Date().toISOString());
  }
  const approval = state.approval!;
  if (approval.decision === 'approve') {
    return {
      output: {
        decision: 'approve',
        by: approval.decidedBy ?? null,
        at: approval.decidedAt ?? null,
        comment: approval.comment ?? null,
        values: approval.values ?? {},
      },
      attempts: 1,
    };
  }
  if (approval.decision === 'reject') {
    const comment = approval.comment ? `: ${approval.comment}` : '';
    throw new NodeFailure({ type: 'Rejected', message: `rejected by ${approval.decidedBy}${comment}` }, 1);
  }
  return { output: null, attempts: 1 };
}

/**
 * Executes one instance of a node that may loop (`foreach`): the node itself (`instanceId` = its id)
 * or one item (`deploy[3]`, activity id `deploy[3]`, `deploy[3]#2` on a re-execution). Subflow
 * items plug in here.
 */
export function executeInstance(
  ctx: ExecutionContext,
  node: NodeDefinition,
  resolved: JsonValue,
  instanceId: string,
  execution: number,
): Promise<NodeOutcome> {
  switch (node.type) {
    case 'callback':
      return runCallbackNode(ctx.input, node, resolved, instanceId, execution);
    case 'subflow':
      return runSubflowInstance(ctx, node, resolved, execution, instanceId);
    default:
      return runPluginNode(ctx.input, node, resolved, execution, instanceId, ctx.machine.secretSitesOf(instanceId));
  }
}

/** A subflow node, or one foreach item of it (`instanceId` = `sub[3]`): one child run. */
async function runSubflowInstance(
  ctx: ExecutionContext,
  node: NodeDefinition,
  resolved: JsonValue,
  execution: number,
  instanceId: string,
): Promise<NodeOutcome> {
  const fail = (error: NodeError): NodeFailure => new NodeFailure(error, 1);
  const output = await runSubflow(ctx.input, ctx.machine, ctx.children, node, resolved, execution, fail, instanceId);
  return { output, attempts: 1 };
}

/** A callback node waits one hour for its call unless `with.deadline` says otherwise. */
const DEFAULT_CALLBACK_DEADLINE_MS = 3_600_000;

/**
 * A callback node: one {@link AWAIT_CALLBACK_ACTIVITY} that completes asynchronously when the
 * external system calls its signed URL (the activity signals the URL into the node state). Its
 * timeout is the deadline; past it the node fails with CallbackDeadlineExceeded (onFailure applies).
 */
async function runCallbackNode(
  input: InterpreterInput,
  node: NodeDefinition,
  resolved: JsonValue,
  instanceId: string,
  execution: number,
): Promise<NodeOutcome> {
  const spec = (resolved ?? {}) as { deadline?: string; message?: string };
  const deadlineMs = parseDuration(spec.deadline) ?? DEFAULT_CALLBACK_DEADLINE_MS;
  const activities = proxyActivities<Record<string, (input: AwaitCallbackInput) => Promise<PluginActivityResult>>>({
    activityId: activityIdFor(instanceId, execution),
    summary: summaryFor(node, instanceId),
    startToCloseTimeout: deadlineMs,
    retry: { maximumAttempts: 1 },
    // Nothing heartbeats while the external system works: waiting for a cancellation to be confirmed would hang.
    cancellationType: ActivityCancellationType.TRY_CANCEL,
  });
  try {
    const result = await activities[AWAIT_CALLBACK_ACTIVITY]({
      runId: input.run.id,
      nodeId: instanceId,
      expiresAt: new Date(Date.now() + deadlineMs).toISOString(),
      ...(spec.message ? { message: spec.message } : {}),
    });
    return { output: result.output ?? null, attempts: 1 };
  } catch (err) {
    if (err instanceof ActivityFailure && !isCancellation(err)) {
      if (err.cause instanceof TimeoutFailure) {
        throw new NodeFailure(
          {
            type: 'CallbackDeadlineExceeded',
            message: `no callback before the deadline (${spec.deadline ?? '1h'})`,
          },
          1,
        );
      }
      throw describeActivityFailure(err, { type: AWAIT_CALLBACK_ACTIVITY, retry: { maximumAttempts: 1 } });
    }
    throw err;
  }
}

/**
 * Executes one node and returns its output; throws NodeFailure or a cancellation. `deferred`: the
 * plugin node's `with` reads outputs stored by reference, and its activity resolves it.
 */
export function executeNode(
  ctx: ExecutionContext,
  node: NodeDefinition,
  resolved: JsonValue,
  execution: number,
  foreach?: NodeLaunch['foreach'],
  deferred?: DeferredInput,
): Promise<NodeOutcome> {
  if (isGatewayType(node.type)) return Promise.resolve({ output: null, attempts: 1 });
  if (foreach) {
    return runForeach(ctx, node, resolved as JsonValue[], execution, foreach, (instance, input) =>
      executeInstance(ctx, node, input, instance, execution),
    );
  }
  switch (node.type) {
    case 'timer.sleep':
      return runTimer(node, resolved);
    case 'vars.set':
      return Promise.resolve({ output: resolved, attempts: 1 });
    case 'approval':
      return runApproval(ctx, node, resolved);
    case 'subflow':
      return runSubflowInstance(ctx, node, resolved, execution, node.id);
    case 'callback':
      return runCallbackNode(ctx.input, node, resolved, node.id, execution);
    default:
      return runPluginNode(
        ctx.input,
        node,
        resolved,
        execution,
        node.id,
        ctx.machine.secretSitesOf(node.id),
        ctx.machine,
        deferred,
      );
  }
}
