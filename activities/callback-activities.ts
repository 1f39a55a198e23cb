import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DeliverCallbackInput, DeliverCallbackResult } from '../workflows/contract';

/** What the receiving system can rely on in a run-end callback. */
export const CALLBACK_USER_AGENT = 'Switchyard-Callback/1';

/**
 * The run-end callback: POSTs the final run state as JSON. 2xx succeeds; 4xx other than 408/429 is
 * final (the receiver refuses it); anything else is retried by the workflow's retry policy.
 */
export function createCallbackActivities(deps: { timeoutMs?: number } = {}) {
  return {
    async 'switchyard.deliverCallback'(input: DeliverCallbackInput): Promise<DeliverCallbackResult> {
      const { attempt } = Context.current().info;
      const signal = AbortSignal.any([
        Context.current().cancellationSignal,
        AbortSignal.timeout(deps.timeoutMs ?? 15_000),
      ]);
      let response: Response;
      try {
        response = await fetch(input.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': CALLBACK_USER_AGENT,
            'x-switchyard-run-id': input.runId,
            'x-switchyard-attempt': String(attempt),
          },
          body: JSON.stringify(input.body),
          signal,
        });
        await response.arrayBuffer();
      } catch (err) {
        throw ApplicationFailure.create({
          type: 'CallbackUnreachable',
          message: `POST ${new URL(input.url).origin}: ${(err as Error).message}`,
          details: [{ attempt }],
        });
      }
      if (response.ok) return { httpStatus: response.status, attempt };
      const final =
        response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
      throw ApplicationFailure.create({
        type: final ? 'CallbackRefused' : 'CallbackFailed',
        message: `callback answered HTTP ${response.status}`,
        nonRetryable: final,
        details: [{ attempt, httpStatus: response.status }],
      });
    },
  };
}
