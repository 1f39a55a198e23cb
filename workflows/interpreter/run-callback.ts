import { ActivityCancellationType, ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import { parseDuration } from '../definition/duration';
import type { JsonValue } from '../definition/types';
import {
  DELIVER_CALLBACK_ACTIVITY,
  type CallbackDelivery,
  type DeliverCallbackInput,
  type DeliverCallbackResult,
  type InterpreterInput,
  type RunState,
} from '../contract';

const DEFAULT_DEADLINE_MS = 3_600_000;

/** What the receiver gets: the run's outcome and each node's status, not every node's data. */
function callbackBody(state: RunState): JsonValue {
  const nodes: Record<string, JsonValue> = {};
  for (const node of Object.values(state.nodes)) {
    nodes[node.id] = { status: node.status, attempts: node.attempts, error: (node.error ?? null) as JsonValue };
  }
  return {
    runId: state.runId,
    status: state.status,
    outputs: state.outputs ?? null,
    error: (state.error ?? null) as JsonValue,
    startedAt: state.startedAt,
    endedAt: state.endedAt ?? null,
    nodes,
  };
}

/**
 * Delivers the run-end callback as one activity, retried with exponential backoff until it
 * succeeds or the deadline (scheduleToClose) passes. Never throws: the outcome is recorded.
 */
export async function deliverRunCallback(
  callback: NonNullable<InterpreterInput['callback']>,
  state: RunState,
): Promise<CallbackDelivery> {
  const deadlineMs = parseDuration(callback.deadline) ?? DEFAULT_DEADLINE_MS;
  const activities = proxyActivities<Record<string, (input: DeliverCallbackInput) => Promise<DeliverCallbackResult>>>({
    activityId: 'run-callback',
    summary: 'run-end callback',
    scheduleToCloseTimeout: deadlineMs,
    startToCloseTimeout: 30_000,
    retry: { initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 300_000 },
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  const at = (): string => new Date().toISOString();
  try {
    const result = await activities[DELIVER_CALLBACK_ACTIVITY]({
      url: callback.url,
      runId: state.runId,
      body: callbackBody(state),
    });
    return {
      url: callback.url,
      status: 'DELIVERED',
      attempts: result.attempt,
      at: at(),
      httpStatus: result.httpStatus,
    };
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    const details =
      cause instanceof ApplicationFailure
        ? (cause.details?.[0] as { attempt?: number; httpStatus?: number })
        : undefined;
    return {
      url: callback.url,
      status: 'FAILED',
      attempts: details?.attempt ?? 1,
      at: at(),
      ...(details?.httpStatus ? { httpStatus: details.httpStatus } : {}),
      error: {
        type: cause instanceof ApplicationFailure ? (cause.type ?? 'Error') : ((cause as Error)?.name ?? 'Error'),
        message: (cause as Error)?.message ?? String(cause),
      },
    };
  }
}
