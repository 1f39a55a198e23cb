/**
 * The one generic interpreter workflow: executes any validated definition, node by node,
 * with ready-set scheduling. Steered by signals (pause, resume, cancel) and validated
 * updates (retryNode, skipNode); `state` answers with the full run state.
 */
import * as wf from '@temporalio/workflow';
import {
  approveNodeUpdate,
  cancelSignal,
  childStatusSignal,
  clearBreakpointUpdate,
  forceFailNodeUpdate,
  nodeCallbackSignal,
  pauseAtNodeUpdate,
  rejectNodeUpdate,
  pauseSignal,
  resumeSignal,
  retryNodeUpdate,
  RUN_CANCELLED_TYPE,
  RUN_FAILED_TYPE,
  skipNodeUpdate,
  stateQuery,
  type BreakpointRequest,
  type DecisionRequest,
  type ForceFailRequest,
  type InterpreterInput,
  type RetryNodeRequest,
  type SkipNodeRequest,
  type ProgressSinks,
  type RunState,
  type RunStatus,
} from '../contract';
import { SA_RUN_STATUS } from '../search-attributes';
import { CONTINUE_AS_NEW_BYTES_LIMIT, jsonBytes } from '../payload-size';
import { continueAsNewDue, continuedInput, continueRun, drainedForContinueAsNew } from './continue-as-new';
import { executeNode, NodeFailure, type NodeOutcome } from './node-executors';
import { boundedState } from './bounded-state';
import { deliverRunCallback } from './run-callback';
import { errorOf, RunMachine, type NodeLaunch } from './run-machine';
import { ParentReporter, SubflowChildren } from './subflow';

const now = (): string => new Date().toISOString();

/** Fills a run id and start time left empty (scheduled runs) from Temporal's own. */
function withRunIdentity(input: InterpreterInput): InterpreterInput {
  if (input.run.id && input.run.startedAt) return input;
  const info = wf.workflowInfo();
  return {
    ...input,
    run: {
      ...input.run,
      id: input.run.id || info.runId,
      startedAt: input.run.startedAt || info.runStartTime.toISOString(),
    },
  };
}

/** Runs started before the default cap on nodes in flight went from 1,000 to 250 keep 1,000 (replay). */
const DEFAULT_CONCURRENCY_250_PATCH = 'default-max-concurrency-250';

function withConcurrencyCap(input: InterpreterInput): InterpreterInput {
  if (input.maxConcurrency !== undefined || wf.patched(DEFAULT_CONCURRENCY_250_PATCH)) return input;
  return { ...input, maxConcurrency: 1000 };
}

export async function interpreter(rawInput: InterpreterInput): Promise<RunState> {
  const input = withConcurrencyCap(withRunIdentity(rawInput));
  const machine = new RunMachine(input);
  const children = new SubflowChildren(machine);
  const parentReporter = new ParentReporter(input, machine);
  const scopes = new Map<string, wf.CancellationScope>();
  const inflight = new Set<Promise<void>>();
  let cancelRequest: { by: string; reason?: string } | undefined;

  // Progress goes to the worker through a sink, batched per activation: no history events.
  const { progress } = wf.proxySinks<ProgressSinks>();
  const { workflowId } = wf.workflowInfo();
  let reportQueued = false;
  let reportedFully = false;
  const flushProgress = (): void => {
    reportQueued = false;
    // Sinks are not called during replay: building a report there is wasted work (a full one, each activation).
    if (wf.workflowInfo().unsafe.isReplaying) {
      machine.takeChanges();
      return;
    }
    const full = !reportedFully;
    const changed = machine.takeChanges();
    // The first report a worker sends live carries every node (after a crash, replay rebuilt them silently).
    reportedFully = true;
    const { nodes, ...run } = machine.snapshot();
    progress.report({
      runId: input.run.id,
      workflowId,
      full,
      ...(full ? { start: { info: input.run, inputs: input.inputs } } : {}),
      run,
      nodes: full ? Object.values(nodes) : changed,
    });
  };
  machine.onChange = () => {
    if (reportQueued) return;
    reportQueued = true;
    void Promise.resolve().then(flushProgress);
  };
  machine.onChange();

  wf.setHandler(stateQuery, () => boundedState(machine.snapshot()));
  wf.setHandler(pauseSignal, (op) => {
    machine.pause(op?.by ?? 'unknown', now());
    children.forward('pause', op);
  });
  wf.setHandler(resumeSignal, (op) => {
    machine.resume();
    children.forward('resume', op);
  });
  wf.setHandler(childStatusSignal, (report) => machine.childStatus(report));
  wf.setHandler(nodeCallbackSignal, (info) => machine.recordCallback(info));
  wf.setHandler(cancelSignal, (op) => {
    cancelRequest ??= { by: op?.by ?? 'unknown', ...(op?.reason ? { reason: op.reason } : {}) };
  });
  wf.setHandler(retryNodeUpdate, (request) => machine.retry(request), {
    validator: (request: RetryNodeRequest) => machine.validateRetry(request),
  });
  wf.setHandler(skipNodeUpdate, (request) => machine.skipByOperator(request), {
    validator: (request: SkipNodeRequest) => machine.validateSkip(request),
  });
  wf.setHandler(approveNodeUpdate, (request) => machine.decide(request, 'approve', now()), {
    validator: (request: DecisionRequest) => machine.validateDecision(request),
  });
  wf.setHandler(rejectNodeUpdate, (request) => machine.decide(request, 'reject', now()), {
    validator: (request: DecisionRequest) => machine.validateDecision(request),
  });
  wf.setHandler(
    forceFailNodeUpdate,
    (request) => {
      const state = machine.forceFail(request, now());
      scopes.get(request.nodeId)?.cancel();
      return state;
    },
    { validator: (request: ForceFailRequest) => machine.validateForceFail(request) },
  );
  wf.setHandler(pauseAtNodeUpdate, (request) => machine.setBreakpoint(request), {
    validator: (request: BreakpointRequest) => machine.validateBreakpoint(request),
  });
  wf.setHandler(clearBreakpointUpdate, (request) => machine.clearBreakpoint(request), {
    validator: (request: BreakpointRequest) => machine.validateClearBreakpoint(request),
  });

  const tracksStatus = wf.workflowInfo().typedSearchAttributes.get(SA_RUN_STATUS) !== undefined;
  let reportedStatus: RunStatus | undefined;
  const reportStatus = (): void => {
    const status = machine.status;
    if (!tracksStatus || status === reportedStatus) return;
    reportedStatus = status;
    wf.upsertSearchAttributes([{ key: SA_RUN_STATUS, value: status }]);
  };

  // A node forced to fail and retried at once has a newer execution: results of older ones are ignored.
  const settled = (id: string, execution: number, outcome: NodeOutcome): void => {
    if (machine.nodes[id].executions === execution) machine.succeedNode(id, outcome.output, outcome.attempts, now());
  };
  const failed = (id: string, execution: number, err: unknown): void => {
    if (machine.nodes[id].executions !== execution) return;
    if (wf.isCancellation(err)) machine.cancelNode(id, now());
    else if (err instanceof NodeFailure) machine.failNode(id, err.error, now(), err.attempts);
    else machine.failNode(id, errorOf(err), now(), 1);
  };

  // One promise per node on top of its work: every promise in workflow code costs a captured stack trace.
  const launch = ({ node, input: resolved, execution, foreach, deferred }: NodeLaunch): void => {
    const scope = new wf.CancellationScope();
    scopes.set(node.id, scope);
    const release = (): void => {
      if (scopes.get(node.id) === scope) scopes.delete(node.id);
      inflight.delete(done);
    };
    const done: Promise<void> = scope
      .run(() => executeNode({ input, machine, children }, node, resolved, execution, foreach, deferred))
      .then(
        (outcome) => {
          release();
          settled(node.id, execution, outcome);
        },
        (err: unknown) => {
          release();
          failed(node.id, execution, err);
        },
      );
    inflight.add(done);
  };

  // Approvals carried over a continue-as-new wait on (their request and deadline are state).
  for (const state of machine.waitingApprovals()) {
    launch({ node: machine.graph.byId.get(state.id)!, input: state.input ?? null, execution: state.executions });
  }

  // Continue-as-new when the history grows large: stop launching, let running nodes finish, hand over.
  let launchedHere = false;
  let draining = false;
  let continuing: InterpreterInput | undefined;
  // Set when the carried state would not fit a payload: the run goes on in this execution.
  let stateTooLarge = false;
  const dueToContinue = (): boolean => !draining && !stateTooLarge && continueAsNewDue(input, launchedHere);
  const drained = (): boolean => drainedForContinueAsNew(machine, scopes.keys());
  let temporalCancellation: Error | undefined;
  try {
    for (;;) {
      reportStatus();
      parentReporter.report();
      await wf.condition(
        () =>
          (!draining && machine.canLaunch) ||
          machine.isEnded ||
          machine.isComplete ||
          cancelRequest !== undefined ||
          (tracksStatus && machine.status !== reportedStatus) ||
          parentReporter.stale ||
          dueToContinue() ||
          (draining && drained()),
      );
      if (cancelRequest && !machine.isEnded) machine.cancel(now(), cancelRequest.by, cancelRequest.reason);
      if (machine.isEnded) break;
      if (machine.isComplete) {
        machine.complete(now());
        break;
      }
      if (dueToContinue()) draining = true;
      if (draining) {
        if (!drained()) continue;
        const next = continuedInput(input, machine);
        const bytes = jsonBytes(next);
        if (bytes <= CONTINUE_AS_NEW_BYTES_LIMIT) {
          continuing = next;
          break;
        }
        stateTooLarge = true;
        draining = false;
        wf.log.warn('run state too large to continue as new; the run goes on in this execution', {
          bytes,
          limit: CONTINUE_AS_NEW_BYTES_LIMIT,
        });
      }
      for (let next = machine.launchNext(now()); next; next = machine.launchNext(now())) {
        launchedHere = true;
        launch(next);
      }
    }
  } catch (err) {
    if (!wf.isCancellation(err)) throw err;
    temporalCancellation = err as Error;
    const parent = input.run.parent;
    machine.cancel(
      now(),
      parent ? `its parent run ${parent.runId}` : 'Temporal',
      parent ? `subflow ${parent.nodeId} was cancelled` : 'workflow cancellation requested',
    );
  }

  if (continuing) {
    if (reportQueued) flushProgress();
    return continueRun(continuing);
  }

  // Wind down: whatever still runs is cancelled and awaited, so every node ends in a true state.
  for (const scope of scopes.values()) scope.cancel();
  await wf.CancellationScope.nonCancellable(async () => {
    await Promise.all([...inflight]);
    machine.settleUnfinished(now());
    reportStatus();
    await wf.condition(wf.allHandlersFinished);
    if (input.callback) {
      machine.callback = await deliverRunCallback(input.callback, boundedState(machine.snapshot()));
      machine.onChange();
    }
  });

  const state = boundedState(machine.snapshot());
  if (temporalCancellation) throw temporalCancellation;
  if (state.status === 'FAILED') {
    throw wf.ApplicationFailure.create({
      type: RUN_FAILED_TYPE,
      message: state.error?.message ?? 'run failed',
      nonRetryable: true,
      details: [state],
    });
  }
  if (state.status === 'CANCELLED') {
    throw wf.ApplicationFailure.create({
      type: RUN_CANCELLED_TYPE,
      message: state.error?.message ?? 'run cancelled',
      nonRetryable: true,
      details: [state],
    });
  }
  return state;
}
