/**
 * `subflow` nodes: each runs its child template version (resolved into the plan when the parent
 * started) as a child interpreter workflow with a deterministic id. Pause and resume reach running
 * children by signal, cancellation through the node's cancellation scope; a child tells its parent
 * when it waits for a person, so the parent shows WAITING with the nested node path.
 */
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowCancellationType,
  ChildWorkflowFailure,
  getExternalWorkflowHandle,
  isCancellation,
  ParentClosePolicy,
  startChild,
  workflowInfo,
  type ChildWorkflowHandle,
  type ChildWorkflowOptions,
} from '@temporalio/workflow';
import { validateRunInputs } from '../definition/inputs';
import type { JsonObject, JsonValue, NodeDefinition } from '../definition/types';
import {
  childStatusSignal,
  INTERPRETER_WORKFLOW_TYPE,
  pauseSignal,
  resumeSignal,
  RUN_CANCELLED_TYPE,
  type ChildRunRef,
  type InterpreterInput,
  type OperatorRef,
  type RunState,
  type SubflowPlan,
} from '../contract';
import { SA_RUN_STATUS, SA_TEMPLATE, SA_TEMPLATE_VERSION } from '../search-attributes';
import { activityIdFor } from './execution-id';
import type { RunMachine } from './run-machine';

/**
 * The workflow id of the child run a subflow node starts: the parent's workflow id, a slash and the
 * node's instance id (its activity id: `sub_a`, `sub_a#2` after an operator retry; a `foreach` passes
 * an item-specific one). The API does not rebuild these ids: it reads them from `NodeState.child`.
 *
 * @example childWorkflowIdFor('deploy-web-1c2d', 'restart') === 'deploy-web-1c2d/restart'
 */
export function childWorkflowIdFor(parentWorkflowId: string, instanceId: string): string {
  return `${parentWorkflowId}/${instanceId}`;
}

/** The running children of a run, by node id, so pause and resume reach them. */
export class SubflowChildren {
  private readonly handles = new Map<string, ChildWorkflowHandle<(input: InterpreterInput) => Promise<RunState>>>();

  constructor(private readonly machine: RunMachine) {}

  add(nodeId: string, handle: ChildWorkflowHandle<(input: InterpreterInput) => Promise<RunState>>): void {
    this.handles.set(nodeId, handle);
    // A pause that arrived while the child was being started must reach it too.
    if (this.machine.paused) this.signal(handle, 'pause', { by: this.machine.paused.by });
  }

  delete(nodeId: string, handle: ChildWorkflowHandle<(input: InterpreterInput) => Promise<RunState>>): void {
    if (this.handles.get(nodeId) === handle) this.handles.delete(nodeId);
  }

  /** Forwards a pause or resume to every running child (each forwards it to its own children). */
  forward(kind: 'pause' | 'resume', op?: OperatorRef): void {
    for (const handle of this.handles.values()) this.signal(handle, kind, op);
  }

  private signal(
    handle: ChildWorkflowHandle<(input: InterpreterInput) => Promise<RunState>>,
    kind: 'pause' | 'resume',
    op?: OperatorRef,
  ): void {
    // A child that ended meanwhile cannot take the signal; nothing to do then.
    handle.signal(kind === 'pause' ? pauseSignal : resumeSignal, op ?? {}).catch(() => undefined);
  }
}

/** What a child's failure says, from its final state when it carries one. */
function childError(err: ChildWorkflowFailure, sub: SubflowPlan): { type: string; message: string } {
  const cause = err.cause;
  const label = `${sub.templateName} v${sub.version}`;
  if (cause instanceof ApplicationFailure) {
    const state = Array.isArray(cause.details) ? (cause.details[0] as RunState | undefined) : undefined;
    const error = state?.error ?? { type: cause.type ?? 'ChildFailed', message: cause.message };
    return { type: error.type, message: `child run ${label} failed: ${error.message}` };
  }
  return { type: cause?.name ?? 'ChildFailed', message: `child run ${label} failed: ${cause?.message ?? err.message}` };
}

/** Search attributes of the child: the parent's, with the child's template and a fresh status. */
function childSearchAttributes(sub: SubflowPlan): Pick<ChildWorkflowOptions, 'typedSearchAttributes'> {
  const parent = workflowInfo().typedSearchAttributes;
  if (parent.get(SA_RUN_STATUS) === undefined) return {};
  return {
    typedSearchAttributes: parent.updateCopy([
      { key: SA_TEMPLATE, value: sub.templateName },
      { key: SA_TEMPLATE_VERSION, value: sub.version },
      { key: SA_RUN_STATUS, value: 'PENDING' },
    ]),
  };
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/**
 * Runs a subflow node: checks the mapped inputs against the child's declarations (defaults applied),
 * starts the child interpreter and waits for it. The child's outputs become the node's output; a
 * failed child fails the node with the child's error; a cancelled child cancels the node.
 */
export async function runSubflow(
  input: InterpreterInput,
  machine: RunMachine,
  children: SubflowChildren,
  node: NodeDefinition,
  resolved: JsonValue,
  execution: number,
  fail: (error: { type: string; message: string }) => Error,
  /** A foreach item's instance (`deploy[3]`): its own child; the node's `child` field follows the node itself only. */
  instanceId: string = node.id,
): Promise<JsonValue> {
  const setChild = (ref: ChildRunRef): void => {
    if (instanceId === node.id) machine.setChild(node.id, ref);
  };
  const sub = input.plan.subflows?.[node.id];
  if (!sub) {
    throw fail({
      type: 'SubflowUnavailable',
      message: `subflow ${node.id}: no child template was resolved for it (subflows run on the platform, which resolves them when the run starts)`,
    });
  }
  const given = ((resolved as JsonObject | null)?.inputs ?? {}) as JsonObject;
  const checked = validateRunInputs(sub.plan.definition, given);
  if (!checked.inputs) {
    const problems = checked.problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
    throw fail({
      type: 'InvalidInput',
      message: `subflow ${node.id}: inputs for ${sub.templateName} v${sub.version} are invalid: ${problems}`,
    });
  }
  const { workflowId } = workflowInfo();
  const childInput: InterpreterInput = {
    plan: sub.plan,
    inputs: checked.inputs,
    run: {
      id: '',
      startedBy: input.run.startedBy,
      startedAt: '',
      templateId: sub.templateId,
      templateVersion: sub.version,
      templateName: sub.templateName,
      ...(input.run.projectId ? { projectId: input.run.projectId } : {}),
      parent: { runId: input.run.id, workflowId, nodeId: node.id },
    },
    ...(input.maxConcurrency !== undefined ? { maxConcurrency: input.maxConcurrency } : {}),
  };
  const parentLabel = input.run.templateName ?? input.plan.definition.name;
  const handle = await startChild<(arg: InterpreterInput) => Promise<RunState>>(INTERPRETER_WORKFLOW_TYPE, {
    workflowId: childWorkflowIdFor(workflowId, activityIdFor(instanceId, execution)),
    args: [childInput],
    // A cancelled parent waits for its children to wind down; a terminated one takes them along.
    cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
    parentClosePolicy: ParentClosePolicy.TERMINATE,
    staticSummary: cut(`${sub.templateName} v${sub.version}: subflow ${node.name ?? node.id} of ${parentLabel}`, 190),
    staticDetails: `Child run of **${sub.templateName}** v${sub.version}, started by node \`${node.id}\` of run ${input.run.id} (workflow ${workflowId}).`,
    ...childSearchAttributes(sub),
  });
  const ref: ChildRunRef = {
    runId: handle.firstExecutionRunId,
    workflowId: handle.workflowId,
    templateId: sub.templateId,
    templateName: sub.templateName,
    version: sub.version,
    status: 'RUNNING',
  };
  setChild(ref);
  children.add(instanceId, handle);
  try {
    const state = await handle.result();
    setChild({ ...ref, status: state.status });
    return state.outputs ?? {};
  } catch (err) {
    const label = `${sub.templateName} v${sub.version}`;
    const cause = err instanceof ChildWorkflowFailure ? err.cause : undefined;
    const childCancelled =
      isCancellation(err) || (cause instanceof ApplicationFailure && cause.type === RUN_CANCELLED_TYPE);
    if (childCancelled) {
      setChild({ ...ref, status: 'CANCELLED' });
      // The parent cancelled it (run cancelled, node forced to fail): the node is cancelled too.
      if (CancellationScope.current().consideredCancelled) {
        throw isCancellation(err) ? err : new CancelledFailure(`child run ${label} was cancelled`);
      }
      // Cancelled on its own (its own cancelRun, the Temporal UI): a failure, so onFailure applies.
      throw fail({ type: 'ChildCancelled', message: `child run ${label} was cancelled` });
    }
    if (err instanceof ChildWorkflowFailure) {
      setChild({ ...ref, status: 'FAILED' });
      throw fail(childError(err, sub));
    }
    throw err;
  } finally {
    children.delete(instanceId, handle);
  }
}

/**
 * The child side: while a child run makes no progress because it waits for a person (or starts
 * moving again), it tells its parent with a `childStatus` signal. Runs without a parent do nothing.
 */
export class ParentReporter {
  private sent = '';
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly input: InterpreterInput,
    private readonly machine: RunMachine,
  ) {}

  private current(): { key: string; status: RunState['status']; waitingOn: RunState['waitingOn'] } {
    const status = this.machine.status;
    const waitingOn =
      status === 'WAITING'
        ? this.machine.waitingOn().filter((reason) => reason.kind === 'approval' || reason.kind === 'operator')
        : [];
    const reported = status === 'WAITING' ? 'WAITING' : 'RUNNING';
    return { key: `${reported}\u0000${JSON.stringify(waitingOn)}`, status: reported, waitingOn };
  }

  /** Whether the parent has not heard the current status yet (always false without a parent). */
  get stale(): boolean {
    if (!this.input.run.parent || this.machine.isEnded) return false;
    return this.current().key !== this.sent;
  }

  /** Sends the current status to the parent when it changed; signals go out one after the other. */
  report(): void {
    const parent = this.input.run.parent;
    if (!parent || !this.stale) return;
    const { key, status, waitingOn } = this.current();
    // The first report (RUNNING, nothing waiting) tells the parent nothing new.
    if (this.sent === '' && status === 'RUNNING') {
      this.sent = key;
      return;
    }
    this.sent = key;
    const report = { nodeId: parent.nodeId, workflowId: workflowInfo().workflowId, status, waitingOn };
    const handle = getExternalWorkflowHandle(parent.workflowId);
    this.chain = this.chain.then(() => handle.signal(childStatusSignal, report)).catch(() => undefined);
  }
}
