/**
 * What a finished workflow's history says about where its time went: how many workflow tasks it
 * took, how long the worker held them (task started -> completed: the worker's activation time,
 * plus one round trip) and how long they queued (scheduled -> started).
 */
import type { Client } from '@temporalio/client';

// temporal.api.enums.v1.EventType
const WORKFLOW_TASK_SCHEDULED = 5;
const WORKFLOW_TASK_STARTED = 6;
const WORKFLOW_TASK_COMPLETED = 7;

export interface HistoryStats {
  events: number;
  workflowTasks: number;
  /** Sum over workflow tasks of started -> completed. */
  workflowTaskWorkerMs: number;
  /** Sum over workflow tasks of scheduled -> started. */
  workflowTaskQueueMs: number;
}

type Seconds = number | string | { toNumber(): number } | null | undefined;

function msOf(time: { seconds?: Seconds; nanos?: number | null } | null | undefined): number {
  if (!time) return NaN;
  const seconds = time.seconds;
  const whole = typeof seconds === 'object' && seconds !== null ? seconds.toNumber() : Number(seconds ?? 0);
  return whole * 1000 + (time.nanos ?? 0) / 1e6;
}

export async function historyStats(client: Client, workflowId: string): Promise<HistoryStats> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  let scheduledAt = NaN;
  let startedAt = NaN;
  const stats: HistoryStats = {
    events: events.length,
    workflowTasks: 0,
    workflowTaskWorkerMs: 0,
    workflowTaskQueueMs: 0,
  };
  for (const event of events) {
    const type = Number(event.eventType);
    const at = msOf(event.eventTime);
    if (type === WORKFLOW_TASK_SCHEDULED) scheduledAt = at;
    else if (type === WORKFLOW_TASK_STARTED) {
      startedAt = at;
      stats.workflowTaskQueueMs += at - scheduledAt;
    } else if (type === WORKFLOW_TASK_COMPLETED) {
      stats.workflowTasks += 1;
      stats.workflowTaskWorkerMs += at - startedAt;
    }
  }
  stats.workflowTaskWorkerMs = Math.round(stats.workflowTaskWorkerMs);
  stats.workflowTaskQueueMs = Math.round(stats.workflowTaskQueueMs);
  return stats;
}
