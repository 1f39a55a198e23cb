import { CompleteAsyncError, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { nodeCallbackSignal, type AwaitCallbackInput, type NodeCallbackInfo } from '../workflows/contract';
import { signCallbackToken } from './callback-token';

/** What the callback activity needs: the key that signs tokens, the API's public URL, a Temporal client. */
export interface AwaitCallbackDeps {
  /** HMAC key shared with the API that checks the tokens. */
  key: string | Buffer;
  /** Base URL of the API (`https://switchyard.example.com`); tokens are POSTed to `<baseUrl>/callbacks/<token>`. */
  baseUrl: string;
  /** Signals the URL to the waiting workflow. */
  client: Client;
}

function workflowExecutionOf(): { workflowId: string; runId: string } {
  const execution = Context.current().info.workflowExecution;
  if (!execution) {
    throw ApplicationFailure.nonRetryable(
      'a callback activity must be started by a workflow',
      'CallbacksNotConfigured',
    );
  }
  return execution;
}

/**
 * Builds the single-use signed callback URL of the current activity: it names the activity to
 * complete (workflow id, run id, activity id) and expires at `expiresAt`.
 */
export function callbackUrlFor(
  deps: Pick<AwaitCallbackDeps, 'key' | 'baseUrl'>,
  request: AwaitCallbackInput,
): NodeCallbackInfo {
  const info = Context.current().info;
  const execution = workflowExecutionOf();
  const expiresAt = Date.parse(request.expiresAt);
  const token = signCallbackToken(deps.key, {
    workflowId: execution.workflowId,
    runId: execution.runId,
    activityId: info.activityId,
    switchyardRunId: request.runId,
    nodeId: request.nodeId,
    expiresAt,
  });
  return {
    nodeId: request.nodeId,
    url: `${deps.baseUrl.replace(/\/+$/, '')}/callbacks/${token}`,
    expiresAt: request.expiresAt,
    ...(request.message ? { message: request.message } : {}),
  };
}

/** Tells the waiting workflow the URL, so the node state shows it. */
export async function announceCallback(client: Client, info: NodeCallbackInfo): Promise<void> {
  const { workflowId, runId } = workflowExecutionOf();
  await client.workflow.getHandle(workflowId, runId).signal(nodeCallbackSignal, info);
}

/**
 * `switchyard.awaitCallback`, the activity of `callback` nodes: makes a signed URL, signals it to
 * the workflow, and completes asynchronously: the API completes (or fails) it when the external
 * system POSTs to the URL; its start-to-close timeout is the node's deadline.
 */
export function createAwaitCallbackActivities(deps: AwaitCallbackDeps | undefined) {
  return {
    async 'switchyard.awaitCallback'(request: AwaitCallbackInput): Promise<never> {
      if (!deps) {
        throw ApplicationFailure.create({
          type: 'CallbacksNotConfigured',
          message: 'this worker has no callback key and base URL: callback nodes cannot run here',
          nonRetryable: true,
        });
      }
      await announceCallback(deps.client, callbackUrlFor(deps, request));
      throw new CompleteAsyncError();
    },
  };
}
