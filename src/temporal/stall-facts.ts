/**
 * What Temporal knows about a running workflow that the workflow itself cannot see: activities
 * waiting out a retry backoff, and task queues no worker polls. The API adds these to
 * `run.waitingOn` (the interpreter's own reasons cover approvals, operators and pauses).
 */
import type { Client } from '@temporalio/client';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';

/** An activity on its second attempt or later: retrying, or waiting to. */
export interface RetryingActivity {
  activityId: string;
  activityType: string;
  /** The attempt that runs now, or runs next when `nextAttemptAt` is set. */
  attempt: number;
  /** Absent when the retry policy sets no limit. */
  maximumAttempts?: number;
  /** When the next attempt starts (RFC 3339); absent while an attempt runs. */
  nextAttemptAt?: string;
  lastFailure?: { type: string; message: string };
}

/** A task queue that has work for a worker and no worker polling it. */
export interface UnpolledTaskQueue {
  name: string;
  kind: 'workflow' | 'activity';
}

export interface StallFacts {
  /** Whether Temporal reports the execution as running (the rest is empty otherwise). */
  running: boolean;
  retrying: RetryingActivity[];
  unpolled: UnpolledTaskQueue[];
}

export interface StallFactsOptions {
  /**
   * A poller seen longer ago than this counts as gone. Temporal lists a worker's pollers for a while
   * after it stopped; a live worker polls again at least every long-poll (about a minute).
   */
  pollerFreshMs: number;
  now?: number;
}

const { PendingActivityState, TaskQueueKind, TaskQueueType, WorkflowExecutionStatus } = temporal.api.enums.v1;
type Failure = temporal.api.failure.v1.IFailure;

async function failureOf(
  client: Client,
  failure: Failure | null | undefined,
): Promise<RetryingActivity['lastFailure']> {
  if (!failure) return undefined;
  // An activity failure wraps the application failure that says what went wrong.
  const inner = failure.cause && !failure.applicationFailureInfo ? failure.cause : failure;
  let message = inner.message ?? '';
  try {
    // The platform's codec encrypts failure messages: read them through the client's converter.
    const decoded = await decodeOptionalFailureToOptionalError(client.options.loadedDataConverter, inner);
    if (decoded) message = decoded.message;
  } catch {
    // Keys this API does not have: the raw message (the codec's placeholder) is all there is.
  }
  return { type: inner.applicationFailureInfo?.type || (inner.timeoutFailureInfo ? 'Timeout' : 'Error'), message };
}

/**
 * Reads the retrying activities of a workflow and the task queues it waits on (its own when a
 * workflow task is pending; each not-yet-started activity's) that no worker has polled within
 * `pollerFreshMs`. Wrap it in a deadline: a slow Temporal must not hold a query up.
 */
export async function readStallFacts(
  client: Client,
  workflowId: string,
  options: StallFactsOptions,
): Promise<StallFacts> {
  const namespace = client.options.namespace;
  const service = client.workflowService;
  const described = await service.describeWorkflowExecution({ namespace, execution: { workflowId } });
  const status = described.workflowExecutionInfo?.status;
  if (status !== WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
    return { running: false, retrying: [], unpolled: [] };
  }
  const workflowQueue = described.executionConfig?.taskQueue?.name ?? '';
  const retrying: RetryingActivity[] = [];
  const queues = new Map<string, UnpolledTaskQueue>();
  if (described.pendingWorkflowTask && workflowQueue) {
    queues.set(`workflow:${workflowQueue}`, { name: workflowQueue, kind: 'workflow' });
  }
  for (const activity of described.pendingActivities ?? []) {
    const attempt = activity.attempt ?? 1;
    const nextAttemptMs = optionalTsToMs(activity.nextAttemptScheduleTime);
    if (attempt > 1) {
      retrying.push({
        activityId: activity.activityId ?? '',
        activityType: activity.activityType?.name ?? '',
        attempt,
        ...(activity.maximumAttempts ? { maximumAttempts: activity.maximumAttempts } : {}),
        ...(nextAttemptMs !== undefined ? { nextAttemptAt: new Date(nextAttemptMs).toISOString() } : {}),
        ...(activity.lastFailure ? { lastFailure: await failureOf(client, activity.lastFailure) } : {}),
      });
    }
    // Between attempts an activity waits for its backoff, not for a worker.
    const dueNow = nextAttemptMs === undefined || nextAttemptMs <= (options.now ?? Date.now());
    if (activity.state === PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED && dueNow) {
      const name = activity.activityOptions?.taskQueue?.name || workflowQueue;
      if (name) queues.set(`activity:${name}`, { name, kind: 'activity' });
    }
  }
  const now = options.now ?? Date.now();
  const unpolled: UnpolledTaskQueue[] = [];
  await Promise.all(
    [...queues.values()].map(async (queue) => {
      const { pollers } = await service.describeTaskQueue({
        namespace,
        taskQueue: { name: queue.name, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType:
          queue.kind === 'workflow' ? TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW : TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      });
      const fresh = (pollers ?? []).some(
        (poller) => now - (optionalTsToMs(poller.lastAccessTime) ?? 0) <= options.pollerFreshMs,
      );
      if (!fresh) unpolled.push(queue);
    }),
  );
  unpolled.sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
  return { running: true, retrying, unpolled };
}
