/**
 * The interpreter workflow's public contract: its input, its state, and the signals,
 * updates and query that steer it. Clients (CLI, API) import this file; it holds no logic.
 */
import { defineQuery, defineSignal, defineUpdate, type Sinks } from '@temporalio/workflow';
import type { Definition, JsonObject, JsonValue } from './definition/types';
import type { SecretSite } from './definition/secret-references';
import type { DeferredInput } from './output-ref';

/**
 * Nodes a run keeps in flight at most, unless its input says otherwise. Each launch and each
 * completion is work inside one workflow task: 1,000 launches in one task took over 5 s on a loaded
 * 2-core machine, and a task past its 10 s timeout is retried and replayed (and crashed the SDK's
 * workflow thread in our 10,000-node benchmark). 250 keeps a task around a second.
 */
export const DEFAULT_MAX_CONCURRENCY = 250;

/** The workflow type that executes every definition. */
export const INTERPRETER_WORKFLOW_TYPE = 'interpreter';

export const RUN_STATUSES = ['PENDING', 'RUNNING', 'PAUSED', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export const NODE_STATUSES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED', 'WAITING'] as const;
export type NodeStatus = (typeof NODE_STATUSES)[number];

/** Activity options of one plugin node, compiled from the node and its plugin's defaults (milliseconds). */
export interface ActivityPlan {
  /** The activity type: the plugin type. */
  type: string;
  taskQueue?: string;
  startToCloseTimeoutMs?: number;
  scheduleToCloseTimeoutMs?: number;
  scheduleToStartTimeoutMs?: number;
  heartbeatTimeoutMs?: number;
  retry: {
    maximumAttempts?: number;
    initialIntervalMs?: number;
    backoffCoefficient?: number;
    maximumIntervalMs?: number;
    nonRetryableErrorTypes?: string[];
  };
  /** Set for polling plugins: the node is started, then checked on durable timers until done. */
  poll?: PollPlan;
}

/** How the interpreter polls a polling plugin's node (compiled from its `poll` spec, milliseconds). */
export interface PollPlan {
  intervalMs: number;
  backoffCoefficient: number;
  maxIntervalMs?: number;
  timeoutMs?: number;
  /** The activity type of a check: `<type>.check`. */
  checkType: string;
  /** The activity type that stops the work when the node is cancelled or times out: `<type>.cancel` (a no-op for plugins without `cancel`). */
  cancelType: string;
}

/**
 * A validated definition ready to run: the definition itself plus, for each plugin node,
 * its compiled activity options. Built outside the workflow (it needs the plugin catalog).
 *
 * Two shapes (read them with `activityPlanOf` from workflows/plan.ts): the compact one that
 * `compilePlan` builds (`activityPlans` + `activityOf`: a 10,000-node definition on a few plugins
 * carries a few plans), and the original one (`activities`, one plan per node), which runs
 * started before the compaction still carry.
 */
export interface ExecutionPlan {
  definition: Definition;
  /** One plan per plugin node (the original shape). */
  activities?: Record<string, ActivityPlan>;
  /** Distinct activity plans (the compact shape). */
  activityPlans?: ActivityPlan[];
  /** Plugin node id -> index into `activityPlans` (the compact shape). */
  activityOf?: Record<string, number>;
  /**
   * For each `subflow` node, the child template version it runs, resolved (recursively) when the
   * run started. Absent in plans without subflows (and in histories recorded before subflows).
   */
  subflows?: Record<string, SubflowPlan>;
}

/**
 * What a `subflow` node runs: the child template's version, pinned when the parent started, and its
 * own execution plan (which may hold subflows in turn).
 *
 * @example { templateId: 't-2', templateName: 'restart-host', version: 3, plan: { definition, activities: {} } }
 */
export interface SubflowPlan {
  templateId: string;
  templateName: string;
  version: number;
  plan: ExecutionPlan;
}

/** The run that started a child run, and the subflow node that did. */
export interface ParentRunRef {
  runId: string;
  workflowId: string;
  nodeId: string;
}

/** Who and what started a run; shown in UIs and in expressions as `run`. */
export interface RunInfo {
  /** The Switchyard run id; empty: the Temporal run id (a schedule's action has one fixed input for every firing). */
  id: string;
  startedBy: string;
  /** RFC 3339; empty: the workflow's start time. */
  startedAt: string;
  templateId?: string;
  templateVersion?: number;
  projectId?: string;
  /** Set when a schedule started the run. */
  scheduleId?: string;
  /** The template's name, for UIs (child runs carry it). */
  templateName?: string;
  /** Set on a child run: the run and the subflow node that started it. */
  parent?: ParentRunRef;
}

/**
 * The interpreter workflow's only argument: an immutable snapshot. The workflow never reads a database.
 *
 * @example { plan, inputs: { env: 'dev' }, run: { id: 'r-1', startedBy: 'cli', startedAt: '2026-01-01T00:00:00Z' } }
 */
export interface InterpreterInput {
  plan: ExecutionPlan;
  /** Run inputs, already validated with defaults applied. */
  inputs: JsonObject;
  run: RunInfo;
  /**
   * Outputs to reuse instead of executing (a rerun from chosen nodes): these nodes succeed at
   * once with the recorded output and say so (`reused: true`).
   */
  reuse?: Record<string, JsonValue>;
  /**
   * At most this many nodes run at once (default {@link DEFAULT_MAX_CONCURRENCY}); Temporal accepts
   * at most 2,000 pending activities per execution, so a wide fan-out must queue.
   */
  maxConcurrency?: number;
  /** POSTed the run's final state when it ends, retried with backoff until it succeeds or the deadline passes. */
  callback?: { url: string; deadline?: string };
  /**
   * Continue-as-new once the history has this many events, besides when Temporal suggests it
   * (4,096 events / 4 MB by default). For tests and tuning; absent: only Temporal's suggestion.
   */
  continueAsNewAfterEvents?: number;
  /** Set by the interpreter itself when it continues as new: the run's state so far. */
  continued?: ContinuedRun;
}

/**
 * One node's carried state, compact (a 10,000-node run carries 10,000 of them):
 * `[status index in NODE_STATUSES, attempts, executions, startedAt, endedAt, other fields]`,
 * times in milliseconds after {@link ContinuedRun.epochMs} (null when unset). The other fields are
 * those of {@link NodeState} except id, type and name (the definition has them); `input` is left
 * out when it equals the node's `with` as written.
 */
export type CarriedNode = [number, number, number, number | null, number | null, Partial<NodeState>?];

/**
 * A run's state handed from one workflow execution to the next on continue-as-new: the same
 * workflow id, so the API's signals, updates and queries reach the new execution; the same
 * Switchyard run id, so the run stays one run. Nothing runs at the hand-over: nodes in flight
 * finished first; approvals and `manual` failures waiting for a person are state and carry over.
 */
export interface ContinuedRun {
  /** Executions before this one (1 after the first continue-as-new). */
  generation: number;
  /** Node times are relative to this (epoch milliseconds). */
  epochMs: number;
  /** Every node that left its initial PENDING state (or has a breakpoint), but those in `packed`. */
  nodes: Record<string, CarriedNode>;
  /**
   * The nodes whose carried state is only its five numbers (and perhaps a null output), packed as
   * text (a third of the JSON; see carried-state.ts). Absent in runs carried before it existed.
   */
  packed?: string;
  /** One character per definition edge: `0` pending, `1` fired, `2` dead. */
  edges: string;
  /** Nodes ready to start, in order. */
  ready: string[];
  vars: JsonObject;
  paused?: RunState['paused'];
  /** Inputs operators gave with retryNode, per node. */
  overrides?: Record<string, JsonObject>;
}

/** How the run-end callback went; part of the final state. */
export interface CallbackDelivery {
  url: string;
  status: 'DELIVERED' | 'FAILED';
  attempts: number;
  at: string;
  /** HTTP status of the last attempt, when there was a response. */
  httpStatus?: number;
  error?: NodeError;
}

/** The system activity that delivers run-end callbacks. */
export const DELIVER_CALLBACK_ACTIVITY = 'switchyard.deliverCallback';

export interface DeliverCallbackInput {
  url: string;
  runId: string;
  body: JsonValue;
}

export interface DeliverCallbackResult {
  httpStatus: number;
  attempt: number;
}

export interface NodeError {
  type: string;
  message: string;
}

export type SkipReason = 'dead-path' | 'on-failure' | 'operator';

/** An approval node's settings (its resolved `with`). */
export interface ApprovalSpec {
  /** What the approver is asked. */
  message?: string;
  /** Who may decide; anyone with the operator role (checked by the API) when absent. */
  approvers?: { users?: string[]; roles?: string[] };
  /** A duration after which `defaultDecision` applies. */
  deadline?: string;
  /** What the deadline decides; `reject` when absent. */
  defaultDecision?: 'approve' | 'reject';
  /** The person who started the run may not decide. */
  forbidStarter?: boolean;
  /** A JSON Schema for values the approver fills in (validated by the API); they become the output. */
  form?: JsonObject;
}

/** What an approval node knows: its settings, its deadline and, once made, the decision. */
export interface ApprovalState extends ApprovalSpec {
  requestedAt: string;
  deadlineAt?: string;
  decision?: 'approve' | 'reject';
  decidedBy?: string;
  decidedAt?: string;
  comment?: string;
  values?: JsonObject;
}

/** Why nothing moves: one entry per reason, for `run.waitingOn`. */
export interface WaitingReason {
  kind: 'approval' | 'operator' | 'paused' | 'breakpoint';
  /** The node; inside a subflow, its path through the subflow nodes: `sub_a/sub_b/flaky`. */
  nodeId?: string;
  message: string;
}

/** Everything known about one node of a run. */
export interface NodeState {
  id: string;
  type: string;
  name?: string;
  status: NodeStatus;
  /** Activity attempts across Temporal retries and operator retries. */
  attempts: number;
  /** How many times the node was started: 1 plus operator retries. */
  executions: number;
  /** RFC 3339 times of the latest execution. */
  startedAt?: string;
  endedAt?: string;
  /** The node's `with` after expressions were resolved. */
  input?: JsonValue;
  output?: JsonValue;
  error?: NodeError;
  skipReason?: SkipReason;
  /** Set while the node needs a person: a `manual` failure waits for retry or skip, an approval for a decision. */
  waitingFor?: 'operator' | 'approval';
  /** The output was reused from an earlier run, not produced by executing the node. */
  reused?: boolean;
  /** Approval nodes: settings, deadline and decision. */
  approval?: ApprovalState;
  /** The run pauses before this node starts. */
  breakpoint?: boolean;
  /** Callback nodes (and plugins completed by callback): where the external system calls back, and until when. */
  callback?: NodeCallbackInfo;
  /** Foreach callback nodes: the URL of each item waiting for its call, by instance id (`nodeId[3]`). */
  itemCallbacks?: Record<string, NodeCallbackInfo>;
  /** Nodes with `foreach`: progress over the items. */
  items?: ForeachProgress;
  /** Polling plugin nodes: how the polling goes. */
  poll?: PollProgress;
  /** Subflow nodes: the child run of the latest execution. */
  child?: ChildRunRef;
}

/** Where a polling node stands: checks done, when the next one runs, the plugin's last state (when small). */
export interface PollProgress {
  checks: number;
  /** RFC 3339. */
  nextCheckAt?: string;
  state?: JsonValue;
}

/** A `foreach` node's progress: how many items there are and how they stand. */
export interface ForeachProgress {
  total: number;
  succeeded: number;
  failed: number;
  running: number;
  /** Indexes of the items that failed in the latest execution. */
  failedIndexes?: number[];
}

/**
 * Where an external system completes a waiting node: a single-use signed URL (POST
 * `{"status":"success","output":{...}}` or `{"status":"failure","message":"..."}`), valid until `expiresAt`.
 */
export interface NodeCallbackInfo {
  /** The node, or the foreach instance (`nodeId[3]`) the URL completes. */
  nodeId: string;
  url: string;
  /** RFC 3339. */
  expiresAt: string;
  /** What the external system is asked to do (the node's `with.message`). */
  message?: string;
}

/** Sent by the callback activity once its URL exists, so the node's state shows it. */
export const nodeCallbackSignal = defineSignal<[NodeCallbackInfo]>('nodeCallback');

/** The system activity a `callback` node runs: it completes when the external system calls back. */
export const AWAIT_CALLBACK_ACTIVITY = 'switchyard.awaitCallback';

/** What the interpreter hands {@link AWAIT_CALLBACK_ACTIVITY}. */
export interface AwaitCallbackInput {
  runId: string;
  /** The node id, or the foreach instance id (`nodeId[3]`). */
  nodeId: string;
  /** When the URL stops working (RFC 3339); the activity's own timeout matches it. */
  expiresAt: string;
  message?: string;
}

/** The child run a subflow node started, as its parent knows it. */
export interface ChildRunRef {
  /** The child's Switchyard run id (its first Temporal run id). */
  runId: string;
  workflowId: string;
  templateId: string;
  templateName: string;
  version: number;
  /** The child's status as last reported to the parent. */
  status: RunStatus;
}

export interface RunState {
  runId: string;
  status: RunStatus;
  nodes: Record<string, NodeState>;
  vars: JsonObject;
  outputs?: JsonObject;
  /** Why the run failed or was cancelled. */
  error?: NodeError;
  paused?: { by: string; at: string; nodeId?: string };
  /** Why nothing moves right now (empty while the run makes progress on its own). */
  waitingOn: WaitingReason[];
  /** The run-end callback, once delivered or given up. */
  callback?: CallbackDelivery;
  startedAt: string;
  endedAt?: string;
  /**
   * Set when this state was too large for a Temporal payload (workflow result, failure details,
   * `state` query): node inputs and outputs are left out, and this says so. The platform's
   * database has them (the progress reports carry every node).
   */
  omitted?: string;
}

/** Who asked for an operation, for the run's own record (the audit log keeps the rest). */
export interface OperatorRef {
  by?: string;
}

export const pauseSignal = defineSignal<[OperatorRef?]>('pause');
export const resumeSignal = defineSignal<[OperatorRef?]>('resume');
export const cancelSignal = defineSignal<[(OperatorRef & { reason?: string })?]>('cancel');

export interface RetryNodeRequest extends OperatorRef {
  nodeId: string;
  /** New inputs, merged key by key over the node's `with` (expressions allowed). */
  with?: JsonObject;
}

export interface SkipNodeRequest extends OperatorRef {
  nodeId: string;
  /** For a failed gateway: the target of the one outgoing edge to take. */
  takeEdgeTo?: string;
}

export interface DecisionRequest extends OperatorRef {
  nodeId: string;
  /** The decider's roles in the project, as the API established them (approvers.roles checks these). */
  roles?: string[];
  comment?: string;
  /** Form values, already validated against the node's form schema by the API. */
  values?: JsonObject;
}

export interface ForceFailRequest extends OperatorRef {
  nodeId: string;
  reason?: string;
}

export interface BreakpointRequest extends OperatorRef {
  nodeId: string;
}

/** Validated updates: a request that does not fit the state is rejected and changes nothing. */
export const retryNodeUpdate = defineUpdate<NodeState, [RetryNodeRequest]>('retryNode');
export const skipNodeUpdate = defineUpdate<NodeState, [SkipNodeRequest]>('skipNode');
export const approveNodeUpdate = defineUpdate<NodeState, [DecisionRequest]>('approveNode');
export const rejectNodeUpdate = defineUpdate<NodeState, [DecisionRequest]>('rejectNode');
export const forceFailNodeUpdate = defineUpdate<NodeState, [ForceFailRequest]>('forceFailNode');
export const pauseAtNodeUpdate = defineUpdate<NodeState, [BreakpointRequest]>('pauseAtNode');
export const clearBreakpointUpdate = defineUpdate<NodeState, [BreakpointRequest]>('clearBreakpoint');

export const stateQuery = defineQuery<RunState>('state');

/**
 * A child run tells its parent how it stands while it runs (its status and why it waits), so the
 * parent shows WAITING with the child's reasons. `workflowId` says which execution of the node.
 */
export interface ChildStatusReport {
  nodeId: string;
  workflowId: string;
  status: RunStatus;
  /** The child's reasons that need a person (approvals, manual failures), node ids relative to the child. */
  waitingOn: WaitingReason[];
}

export const childStatusSignal = defineSignal<[ChildStatusReport]>('childStatus');

/** The failure types the workflow ends with; `details[0]` is the final {@link RunState}. */
export const RUN_FAILED_TYPE = 'RunFailed';
export const RUN_CANCELLED_TYPE = 'RunCancelled';

/** What the interpreter hands the activity of a plugin node (activity type = plugin type). */
export interface PluginActivityInput {
  runId: string;
  nodeId: string;
  /** The plugin version the definition names, if any. */
  version?: string;
  /**
   * The node's `with`, expressions resolved; `${secrets.NAME}` placeholders are left in (see `secrets`);
   * by-reference outputs in it are dereferenced by the activity.
   */
  input: JsonValue;
  /**
   * Where `input` holds secret placeholders the activity must fill in (absent: none). Only
   * placeholders written in the template are listed; placeholder text inside values is inert.
   */
  secrets?: SecretSite[];
  /** The run's project, whose secrets `secrets` names (set when `secrets` is). */
  projectId?: string;
  /** Set when the `with` reads into outputs stored by reference: the activity resolves it (then `input` is null). */
  deferred?: DeferredInput;
}

/** What the activity returns: the plugin's output and the attempt that produced it. */
export interface PluginActivityResult {
  output: JsonValue;
  attempt: number;
}

/** What a polling plugin's start and check activities return: done with the output, or the state to check next. */
export interface PollActivityResult {
  attempt: number;
  done: boolean;
  output?: JsonValue;
  /** Set while not done: what the next check (or a cancel) receives. */
  state?: JsonValue;
}

/** What the check and cancel activities of a polling plugin receive: the node's input and the last state. */
export interface PollActivityInput extends PluginActivityInput {
  state: JsonValue;
  /** 1 for the first check. */
  poll: number;
}

/** What changed in a run since the last report: the run's status and the nodes whose state changed. */
export interface ProgressReport {
  runId: string;
  workflowId: string;
  /** True when `nodes` holds every node (first report of a worker, e.g. after a crash and replay). */
  full: boolean;
  /**
   * On full reports: who started the run, with which inputs, so a run started outside the API
   * (a schedule, a Temporal client) can get its database row.
   */
  start?: { info: RunInfo; inputs: JsonObject };
  run: Omit<RunState, 'nodes'>;
  nodes: NodeState[];
}

/**
 * Fire-and-forget progress from the interpreter to the worker hosting it (a workflow sink: no
 * history events, not called during replay). The worker persists reports in batches; the
 * reconciler repairs anything a crash lost.
 */
export interface ProgressSinks extends Sinks {
  progress: {
    report(report: ProgressReport): void;
  };
}
