import { ActivityNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { PluginActivityResult } from '../../workflows/contract';
import type { JsonValue } from '../../workflows/definition/types';
import type { TemporalClientService } from './temporal-client.service';

/** The activity a callback completes. */
export interface ActivityTarget {
  workflowId: string;
  runId: string;
  activityId: string;
}

/** The failure type of a node whose external system called back with a failure. */
export const CALLBACK_FAILURE_TYPE = 'CallbackFailure';

/**
 * Completes (or fails) an asynchronously completed activity by its full id. Resolves `gone` when
 * Temporal no longer waits for it (timed out at its deadline, cancelled, already completed).
 */
export async function completeActivity(
  temporal: Pick<TemporalClientService, 'client'>,
  target: ActivityTarget,
  outcome: { status: 'success'; output: JsonValue } | { status: 'failure'; message: string },
): Promise<'completed' | 'gone'> {
  const id = { workflowId: target.workflowId, runId: target.runId, activityId: target.activityId };
  try {
    if (outcome.status === 'success') {
      const result: PluginActivityResult = { output: outcome.output, attempt: 1 };
      await temporal.client.activity.complete(id, result);
    } else {
      await temporal.client.activity.fail(
        id,
        ApplicationFailure.create({ type: CALLBACK_FAILURE_TYPE, message: outcome.message, nonRetryable: true }),
      );
    }
    return 'completed';
  } catch (error) {
    if (error instanceof ActivityNotFoundError) return 'gone';
    throw error;
  }
}
