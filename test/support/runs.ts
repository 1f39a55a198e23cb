import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  WorkflowFailedError,
  type Client,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { interpreter } from '../../workflows';
import {
  INTERPRETER_WORKFLOW_TYPE,
  stateQuery,
  type ActivityPlan,
  type ExecutionPlan,
  type InterpreterInput,
  type RunState,
} from '../../workflows/contract';
import {
  isBuiltinNodeType,
  isGatewayType,
  type Definition,
  type JsonObject,
  type JsonValue,
} from '../../workflows/definition/types';
import { parseDuration } from '../../workflows/definition/duration';
import { findTemporalCli } from '../../src/temporal/cli-binary';

/**
 * A plan for definitions whose plugin nodes are served by test activities: each node's own
 * retry/timeout settings, fast defaults otherwise (no plugin catalog involved).
 */
export function testPlan(definition: Definition): ExecutionPlan {
  const activities: Record<string, ActivityPlan> = {};
  for (const node of definition.nodes) {
    if (isGatewayType(node.type) || isBuiltinNodeType(node.type)) continue;
    const retry = node.retry ?? {};
    const timeout = node.timeout ?? {};
    activities[node.id] = {
      type: node.type,
      startToCloseTimeoutMs: parseDuration(timeout.startToClose) ?? 30_000,
      ...(timeout.heartbeat ? { heartbeatTimeoutMs: parseDuration(timeout.heartbeat) } : {}),
      ...(timeout.scheduleToClose ? { scheduleToCloseTimeoutMs: parseDuration(timeout.scheduleToClose) } : {}),
      retry: {
        maximumAttempts: retry.maximumAttempts ?? 1,
        initialIntervalMs: parseDuration(retry.initialInterval) ?? 50,
        backoffCoefficient: retry.backoffCoefficient ?? 1,
        ...(retry.nonRetryableErrorTypes ? { nonRetryableErrorTypes: retry.nonRetryableErrorTypes } : {}),
      },
    };
  }
  return { definition, activities };
}

export interface StartOptions {
  plan?: ExecutionPlan;
  reuse?: Record<string, JsonValue>;
  callback?: InterpreterInput['callback'];
  maxConcurrency?: number;
  continueAsNewAfterEvents?: number;
}

export async function startInterpreter(
  client: Client,
  taskQueue: string,
  definition: Definition,
  inputs: JsonObject = {},
  options: StartOptions = {},
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof interpreter>> {
  const runId = randomUUID();
  const input: InterpreterInput = {
    plan: options.plan ?? testPlan(definition),
    inputs,
    run: { id: runId, startedBy: 'jest', startedAt: new Date().toISOString() },
    ...(options.reuse ? { reuse: options.reuse } : {}),
    ...(options.callback ? { callback: options.callback } : {}),
    ...(options.maxConcurrency ? { maxConcurrency: options.maxConcurrency } : {}),
    ...(options.continueAsNewAfterEvents ? { continueAsNewAfterEvents: options.continueAsNewAfterEvents } : {}),
  };
  return client.workflow.start<typeof interpreter>(INTERPRETER_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: `${definition.name}-${runId.slice(0, 8)}`,
    args: [input],
  });
}

/** Waits for the run to end and returns its final state, whichever way it ended. */
export async function finalState(handle: WorkflowHandle): Promise<RunState> {
  try {
    return (await handle.result()) as RunState;
  } catch (err) {
    if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure && err.cause.details?.[0]) {
      return err.cause.details[0] as RunState;
    }
    if (err instanceof WorkflowFailedError) return handle.query(stateQuery);
    throw err;
  }
}

/** Polls the live state until `predicate` holds (queries are cheap; the deadline keeps tests honest). */
export async function waitForState(
  handle: WorkflowHandle,
  predicate: (state: RunState) => boolean,
  timeoutMs = 30_000,
): Promise<RunState> {
  const deadline = Date.now() + timeoutMs;
  let last: RunState | undefined;
  while (Date.now() < deadline) {
    last = await handle.query(stateQuery);
    if (predicate(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`state never matched; last: ${JSON.stringify(last?.status)} ${JSON.stringify(last?.nodes)}`);
}

/**
 * Saves a run's history under test/histories/ when RECORD_HISTORIES=1 (the replay spec reads them),
 * in the JSON the Temporal CLI and Web UI export. `executionRunId` picks one execution of a run that
 * continued as new (default: the latest).
 */
export async function recordHistory(handle: WorkflowHandle, name: string, executionRunId?: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const runId = executionRunId ?? (await handle.describe()).runId;
  const json = execFileSync(findTemporalCli()!, [
    'workflow',
    'show',
    '--workflow-id',
    handle.workflowId,
    '--run-id',
    runId,
    '--address',
    process.env.SWITCHYARD_TEST_TEMPORAL_ADDRESS!,
    '--output',
    'json',
  ]);
  const dir = join(__dirname, '..', 'histories');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), json);
  // Replays must use the same workflow id when the workflow derives ids from it (child workflows).
  writeFileSync(join(dir, `${name}.workflow-id`), `${handle.workflowId}\n`);
}
