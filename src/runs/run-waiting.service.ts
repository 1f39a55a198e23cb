import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { TERMINAL_RUN_STATUSES, type WaitingReason } from '../../workflows/contract';
import type { JsonValue } from '../../workflows/definition/types';
import type { SwitchyardConfig } from '../config/config';
import { InjectConfig } from '../config/config.module';
import { readStallFacts, type RetryingActivity, type StallFacts } from '../temporal/stall-facts';
import { TemporalClientService } from '../temporal/temporal-client.service';
import type { RunModel } from './dto/run.model';
import { runsSettings } from './runs-settings';

/** How long `run.waitingOn` waits for Temporal before answering with what the database knows. */
export const LIVE_WAITING_DEADLINE_MS = 1500;
/** Temporal's answer for one run is reused this long (a run view polls; a list asks for many runs). */
const CACHE_MS = 2000;

/**
 * One entry of `run.waitingOn`: the interpreter's reasons (approval, operator, paused, breakpoint)
 * and the API's, from Temporal: `retrying` (a node on its second attempt or later) and `no-worker`
 * (no worker polls a task queue the run needs).
 */
export interface RunWaitingReason {
  kind: WaitingReason['kind'] | 'retrying' | 'no-worker';
  nodeId?: string;
  /** For `no-worker`: the task queue nobody polls. */
  taskQueue?: string;
  message: string;
}

/** The activity id of the run-end callback (workflows/interpreter/run-callback.ts). */
const CALLBACK_ACTIVITY_ID = 'run-callback';

function retryingReason(activity: RetryingActivity): RunWaitingReason {
  const isCallback = activity.activityId === CALLBACK_ACTIVITY_ID;
  // Operator retries run the node under `<node>#<execution>`.
  const nodeId = isCallback ? undefined : activity.activityId.replace(/#\d+$/, '');
  const subject = isCallback ? 'the run-end callback' : `node ${nodeId}`;
  const of = activity.maximumAttempts ? ` of ${activity.maximumAttempts}` : '';
  const when = activity.nextAttemptAt ? `next at ${activity.nextAttemptAt}` : 'running now';
  const error = activity.lastFailure ? `: ${activity.lastFailure.type}: ${activity.lastFailure.message}` : '';
  return {
    kind: 'retrying',
    ...(nodeId ? { nodeId } : {}),
    message: `${subject} retrying, attempt ${activity.attempt}${of}, ${when}${error}`,
  };
}

/** The reasons Temporal's facts give, in a stable order: missing workers first, then retries. */
export function liveWaitingReasons(facts: StallFacts): RunWaitingReason[] {
  return [
    ...facts.unpolled.map((queue): RunWaitingReason => ({
      kind: 'no-worker',
      taskQueue: queue.name,
      message: `no worker polling task queue ${queue.name}${queue.kind === 'activity' ? ' (activities)' : ''}`,
    })),
    ...facts.retrying.map(retryingReason),
  ];
}

/**
 * `run.waitingOn`: what the interpreter reported (stored with the run), plus, for a run that has
 * not ended and is read on its own (`run`, `runUpdated`, a mutation's answer; not the `runs`
 * list), what only Temporal knows: nodes retrying and task queues without a worker. Temporal is
 * asked only when the field is read, with a short deadline; when it is slow or unreachable the
 * stored reasons are the answer and the query never fails.
 */
@Injectable()
export class RunWaitingService {
  private readonly pollerFreshMs: number;
  private readonly cache = new Map<string, { at: number; reasons: Promise<RunWaitingReason[]> }>();

  constructor(
    private readonly temporal: TemporalClientService,
    @InjectConfig() config: SwitchyardConfig,
    @InjectPinoLogger(RunWaitingService.name) private readonly logger: PinoLogger,
  ) {
    this.pollerFreshMs = runsSettings(config).pollerFreshMs;
  }

  async waitingOn(
    run: Pick<RunModel, 'id' | 'status' | 'waitingOn' | 'temporalWorkflowId' | 'temporalRunId' | 'listed'>,
  ): Promise<JsonValue | null> {
    const stored = (Array.isArray(run.waitingOn) ? run.waitingOn : []) as unknown as RunWaitingReason[];
    const ended = TERMINAL_RUN_STATUSES.includes(run.status);
    if (ended || run.listed || !run.temporalRunId || !this.temporal.configured) {
      return stored.length > 0 ? (stored as unknown as JsonValue) : null;
    }
    const live = await this.live(run.id, run.temporalWorkflowId);
    const reasons = [...stored, ...live];
    return reasons.length > 0 ? (reasons as unknown as JsonValue) : null;
  }

  private live(runId: string, workflowId: string): Promise<RunWaitingReason[]> {
    const now = Date.now();
    const cached = this.cache.get(workflowId);
    if (cached && now - cached.at < CACHE_MS) return cached.reasons;
    for (const [key, entry] of this.cache) if (now - entry.at >= CACHE_MS) this.cache.delete(key);
    const reasons = this.temporal
      .withDeadline(LIVE_WAITING_DEADLINE_MS, () =>
        readStallFacts(this.temporal.client, workflowId, { pollerFreshMs: this.pollerFreshMs }),
      )
      .then(liveWaitingReasons, (error: unknown) => {
        this.logger.debug({ err: error, runId }, 'Temporal did not say why the run waits; showing the stored reasons');
        return [];
      });
    this.cache.set(workflowId, { at: now, reasons });
    return reasons;
  }
}
