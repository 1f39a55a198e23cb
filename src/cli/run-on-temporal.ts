import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Client, WorkflowFailedError, type WorkflowHandle, type WorkflowStartOptions } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import type { PluginRegistry } from '../../plugins/registry';
import type { interpreter } from '../../workflows';
import {
  cancelSignal,
  type ExecutionPlan,
  INTERPRETER_WORKFLOW_TYPE,
  type InterpreterInput,
  RUN_CANCELLED_TYPE,
  RUN_FAILED_TYPE,
  type RunState,
  stateQuery,
  TERMINAL_RUN_STATUSES,
} from '../../workflows/contract';
import type { Definition, JsonObject } from '../../workflows/definition/types';
import { SA_RUN_STATUS, SA_STARTED_BY, SA_TEMPLATE } from '../../workflows/search-attributes';
import { environmentSecretResolver } from '../../activities/secret-resolver';
import { createSwitchyardWorker } from '../temporal/worker-host';
import type { CliContext } from './context';
import { EXIT, exitCodeForStatus } from './exit-codes';
import { line } from './io';
import { runResultDocument, runSummary, WatchView } from './render';
import { installCliRuntime, prebuiltBundle } from './runtime';
import { openTemporalSession, type TemporalSession } from './temporal-session';

/** The options of `switchyard run`. */
export interface RunOptions {
  input?: string[];
  json?: boolean;
  watch?: boolean;
}

/** How often `--watch` asks the run for its state. */
const WATCH_INTERVAL_MS = 500;

function currentUser(): string {
  try {
    return userInfo().username || 'cli';
  } catch {
    return 'cli';
  }
}

/** What `run` hands over once the definition and inputs are valid. */
export interface PreparedRun {
  definition: Definition;
  plan: ExecutionPlan;
  inputs: JsonObject;
  registry: PluginRegistry;
  options: RunOptions;
}

/**
 * Runs a validated definition on Temporal (TEMPORAL_ADDRESS, or an embedded dev server) with an
 * in-process worker on a task queue of its own, prints the result, and returns the exit code.
 */
export async function runOnTemporal(ctx: CliContext, prepared: PreparedRun): Promise<number> {
  const { io } = ctx;
  const { definition, plan, inputs, registry, options } = prepared;
  // Until the run exists, Ctrl-C simply stops; afterwards it cancels the run (see execute()).
  let onInterrupt: () => void = () => {
    io.err(line('Interrupted before the run started.'));
    process.exit(EXIT.INTERRUPTED);
  };
  const interrupt = () => onInterrupt();
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  installCliRuntime(io.env, 'ERROR');
  let session: TemporalSession;
  try {
    session = await openTemporalSession({ env: io.env, embedded: true, log: (text) => io.err(line(text)) });
  } catch (err) {
    io.err(line(`error: ${err instanceof Error ? err.message : String(err)}`));
    return EXIT.UNAVAILABLE;
  }
  try {
    const taskQueue = `switchyard-cli-${randomUUID().slice(0, 8)}`;
    const workflowBundle = prebuiltBundle(io.env);
    if (!workflowBundle) io.err(line('Bundling the workflow code...'));
    const worker = await createSwitchyardWorker({
      connection: session.nativeConnection,
      namespace: session.namespace,
      taskQueue,
      registry,
      workflowBundle,
      secrets: environmentSecretResolver(io.env),
    });
    const state = await worker.runUntil(() =>
      execute(ctx, session, {
        definition,
        plan,
        inputs,
        taskQueue,
        options,
        setInterrupt: (fn) => (onInterrupt = fn),
      }),
    );
    return report(ctx, state.state, state.workflowId, options);
  } catch (err) {
    io.err(line(`error: ${messages(err)}`));
    return EXIT.UNAVAILABLE;
  } finally {
    await session.close();
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
  }
}

function report(ctx: CliContext, state: RunState, workflowId: string, options: RunOptions): number {
  if (options.json) ctx.io.out(line(JSON.stringify(runResultDocument(state, workflowId), null, 2)));
  else for (const text of runSummary(state, workflowId)) ctx.io.out(line(text));
  return exitCodeForStatus(state.status);
}

interface Execution {
  definition: Definition;
  plan: InterpreterInput['plan'];
  inputs: InterpreterInput['inputs'];
  taskQueue: string;
  options: RunOptions;
  setInterrupt(fn: () => void): void;
}

/** Starts the run, follows it (live with `--watch`), and returns its final state. */
async function execute(
  ctx: CliContext,
  session: TemporalSession,
  execution: Execution,
): Promise<{ state: RunState; workflowId: string }> {
  const { io } = ctx;
  const { definition, options } = execution;
  const runId = randomUUID();
  const workflowId = `${definition.name}-${runId.slice(0, 8)}`;
  const startedBy = currentUser();
  const input: InterpreterInput = {
    plan: execution.plan,
    inputs: execution.inputs,
    run: { id: runId, startedBy, startedAt: new Date().toISOString() },
  };
  const handle = await startRun(session.client, workflowId, execution.taskQueue, input, (text) => io.err(line(text)));
  const where = session.devServer ? 'the embedded dev server' : session.address;
  io.err(line(`Started run ${workflowId} on ${where}`));

  let interrupts = 0;
  execution.setInterrupt(() => {
    interrupts += 1;
    if (interrupts === 1) {
      io.err(line('Cancelling the run (Ctrl-C again to stop waiting)...'));
      handle
        .signal(cancelSignal, { by: startedBy, reason: 'interrupted from the CLI' })
        .catch((err: unknown) => io.err(line(`Could not cancel: ${err instanceof Error ? err.message : String(err)}`)));
    } else {
      io.err(line(`Stopped waiting; run ${workflowId} may still be going on.`));
      process.exit(EXIT.INTERRUPTED);
    }
  });

  let settled = false;
  const outcome = finalState(handle).finally(() => (settled = true));
  if (options.watch) {
    const stream = options.json ? process.stderr : process.stdout;
    const view = new WatchView({
      write: options.json ? io.err : io.out,
      tty: options.json ? io.stderrIsTTY : io.stdoutIsTTY,
      columns: stream.columns,
      order: definition.nodes.map((node) => node.id),
    });
    while (!settled) {
      const state = await handle.query(stateQuery).catch(() => undefined);
      if (state && !settled) view.update(state);
      await Promise.race([sleep(WATCH_INTERVAL_MS), outcome.catch(() => undefined)]);
    }
    const state = await outcome;
    view.finish(state);
    return { state, workflowId };
  }
  return { state: await outcome, workflowId };
}

/** Starts the interpreter; search attributes make the run findable in the Temporal UI when the server knows them. */
async function startRun(
  client: Client,
  workflowId: string,
  taskQueue: string,
  input: InterpreterInput,
  log: (text: string) => void,
): Promise<WorkflowHandle<typeof interpreter>> {
  const options: WorkflowStartOptions<typeof interpreter> = {
    taskQueue,
    workflowId,
    args: [input],
    staticSummary: `${input.plan.definition.name}, started from the Switchyard CLI by ${input.run.startedBy}`,
  };
  try {
    return await client.workflow.start<typeof interpreter>(INTERPRETER_WORKFLOW_TYPE, {
      ...options,
      typedSearchAttributes: [
        { key: SA_TEMPLATE, value: input.plan.definition.name },
        { key: SA_STARTED_BY, value: input.run.startedBy },
        { key: SA_RUN_STATUS, value: 'PENDING' },
      ],
    });
  } catch (err) {
    const reason = messages(err);
    if (!/search attribute/i.test(reason)) throw err;
    log(`Note: this Temporal does not know the Switchyard search attributes (${reason}); starting without them.`);
    return client.workflow.start<typeof interpreter>(INTERPRETER_WORKFLOW_TYPE, options);
  }
}

/**
 * Waits for the run to end and returns its final state, however it ended: the interpreter returns
 * it on success and attaches it to its failure otherwise; a cancel or terminate from Temporal
 * itself is read back with the state query.
 */
async function finalState(handle: WorkflowHandle<typeof interpreter>): Promise<RunState> {
  try {
    return await handle.result();
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    const cause = err.cause;
    if (
      cause instanceof ApplicationFailure &&
      (cause.type === RUN_FAILED_TYPE || cause.type === RUN_CANCELLED_TYPE) &&
      cause.details?.[0]
    ) {
      return cause.details[0] as RunState;
    }
    const state = await handle.query(stateQuery);
    if (TERMINAL_RUN_STATUSES.includes(state.status)) return state;
    if (cause instanceof CancelledFailure) return { ...state, status: 'CANCELLED' };
    const type =
      cause instanceof TerminatedFailure
        ? 'Terminated'
        : cause instanceof TimeoutFailure
          ? 'Timeout'
          : 'WorkflowFailed';
    return { ...state, status: 'FAILED', error: { type, message: cause?.message ?? err.message } };
  }
}

/** An error's message followed by its causes' (`Failed to start Workflow: search attribute ... not defined`). */
function messages(err: unknown): string {
  const parts: string[] = [];
  for (let at: unknown = err; at !== undefined && at !== null && parts.length < 5;) {
    const text = at instanceof Error ? at.message : typeof at === 'string' ? at : JSON.stringify(at);
    if (text && !parts.includes(text)) parts.push(text);
    at = at instanceof Error ? at.cause : undefined;
  }
  return parts.join(': ');
}
