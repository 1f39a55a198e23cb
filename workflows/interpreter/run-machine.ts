/**
 * The run state machine: which node may start, what a completion or failure does to the
 * graph, and what the run's status is. Pure and deterministic (no Temporal calls), so the
 * workflow drives it and unit specs exercise it directly.
 */
import {
  analyzeTemplate,
  collectExpressions,
  evaluateCondition,
  ExpressionError,
  resolveTemplate,
  toCel,
} from '../definition/expressions';
import type { SecretSite } from '../definition/secret-references';
import {
  DEFAULT_FOREACH_CONCURRENCY,
  DEFAULT_FOREACH_MAX_ITEMS,
  FOREACH_MAX_ITEMS_CAP,
  isBuiltinNodeType,
  isGatewayType,
} from '../definition/types';
import { isOutputRef, OUTPUT_BY_REFERENCE_ERROR, type DeferredInput } from '../output-ref';
import type { JsonObject, JsonValue, NodeDefinition, OnFailure } from '../definition/types';
import { DEFAULT_MAX_CONCURRENCY } from '../contract';
import type {
  ApprovalSpec,
  CarriedNode,
  ContinuedRun,
  BreakpointRequest,
  ForeachProgress,
  NodeCallbackInfo,
  ChildRunRef,
  ChildStatusReport,
  DecisionRequest,
  ForceFailRequest,
  InterpreterInput,
  NodeError,
  NodeState,
  NodeStatus,
  PollProgress,
  RetryNodeRequest,
  RunState,
  RunStatus,
  SkipNodeRequest,
  SkipReason,
  WaitingReason,
} from '../contract';
import { decodeNode, encodeNode, isPristine, packNodes, unpackNodes } from './carried-state';
import { buildGraph, type Graph } from './graph';

const EDGE_PENDING = 0;
const EDGE_FIRED = 1;
const EDGE_DEAD = 2;

/** A request that does not fit the run's state; update validators throw it to reject. */
export class InvalidOperationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidOperationError';
  }
}

/** What a started node must do, with its `with` resolved. */
export interface NodeLaunch {
  node: NodeDefinition;
  input: JsonValue;
  /** 1 for the first execution; operator retries count up. */
  execution: number;
  /**
   * Foreach nodes: `input` is the list of per-item inputs (`with` resolved with `item` and `index`);
   * `reuse[i]`, when set, is the output item i produced in an earlier execution with the same input
   * (a retry runs only the items that failed).
   */
  foreach?: { concurrency: number; reuse: Array<JsonValue | undefined> };
  /** The `with` reads into outputs stored by reference: the activity resolves it (`input` is then the raw `with`). */
  deferred?: DeferredInput;
}

/** An expression the workflow evaluates reads an output stored by reference (see workflows/output-ref.ts). */
export class OutputByReferenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = OUTPUT_BY_REFERENCE_ERROR;
  }
}

/** Node ids a set of expressions reads, and whether it reads nodes dynamically (`nodes[inputs.x]`). */
interface NodeReads {
  nodes: Set<string>;
  dynamic: boolean;
}

function readsOf(value: JsonValue | undefined): NodeReads {
  const reads: NodeReads = { nodes: new Set(), dynamic: false };
  for (const { source } of collectExpressions(value)) {
    try {
      const analysed = analyzeTemplate(source);
      analysed.nodes.forEach((id) => reads.nodes.add(id));
      if (analysed.dynamic.has('nodes')) reads.dynamic = true;
    } catch {
      // Evaluation reports an expression that does not parse.
    }
  }
  return reads;
}

interface CelNode {
  status: NodeStatus;
  output: unknown;
}

/** A foreach node's `items` did not give a usable list. */
export class ForeachError extends Error {
  constructor(
    readonly type: 'ForeachTooManyItems' | 'ForeachItemsNotAList',
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** A gateway found no edge to take. */
export class RoutingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoutingError';
  }
}

export function errorOf(err: unknown): NodeError {
  if (err instanceof ExpressionError) return { type: 'ExpressionError', message: err.message };
  if (err instanceof ForeachError) return { type: err.type, message: err.message };
  if (err instanceof Error) return { type: err.name || 'Error', message: err.message };
  return { type: 'Error', message: String(err) };
}

export class RunMachine {
  readonly graph: Graph;
  readonly nodes: Record<string, NodeState> = {};
  readonly vars: JsonObject = {};
  outputs?: JsonObject;
  error?: NodeError;
  callback?: RunState['callback'];
  paused?: RunState['paused'];
  endedAt?: string;

  private terminal?: RunStatus;
  private readonly edgeState: Uint8Array;
  private readonly unresolved = new Map<string, number>();
  private readonly firedIn = new Map<string, number>();
  private readonly ready: string[] = [];
  private readonly overrides = new Map<string, JsonObject>();
  /** Where the last launch of each node put its `${secrets.NAME}` placeholders (for its activity). */
  private readonly secretSites = new Map<string, SecretSite[]>();
  private readonly celNodes: Record<string, CelNode> = {};
  private readonly scope: Record<string, unknown>;
  private settled = 0;
  private running = 0;
  /** Nodes that need a person: manual failures and approvals. */
  private readonly waiting = new Set<string>();
  private readonly breakpoints = new Set<string>();
  /** Running subflow nodes whose child waits for a person, with the child's reasons. */
  private readonly childrenWaiting = new Map<string, WaitingReason[]>();
  private readonly changed = new Set<string>();
  /** Foreach nodes: the latest execution's per-item inputs and outputs (undefined: not succeeded). */
  private readonly foreachResults = new Map<string, { inputs: string[]; outputs: Array<JsonValue | undefined> }>();
  /** Nodes whose output is stored by reference. */
  private readonly refNodes = new Set<string>();
  /** Called whenever something reportable changes (the workflow batches reports per activation). */
  onChange: () => void = () => {};

  private readonly maxConcurrency: number;

  constructor(private readonly input: InterpreterInput) {
    this.maxConcurrency = Math.max(1, input.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY);
    const { definition } = input.plan;
    this.graph = buildGraph(definition);
    this.edgeState = new Uint8Array(this.graph.edges.length);
    for (const node of definition.nodes) {
      this.nodes[node.id] = {
        id: node.id,
        type: node.type,
        ...(node.name ? { name: node.name } : {}),
        status: 'PENDING',
        attempts: 0,
        executions: 0,
      };
      this.celNodes[node.id] = { status: 'PENDING', output: null };
      this.unresolved.set(node.id, this.graph.incoming.get(node.id)!.length);
      this.firedIn.set(node.id, 0);
    }
    this.scope = {
      inputs: toCel(input.inputs),
      vars: {},
      nodes: this.celNodes,
      run: toCel({ id: input.run.id, startedAt: input.run.startedAt, startedBy: input.run.startedBy }),
    };
    if (input.continued) this.restore(input.continued);
    else this.ready.push(...this.graph.starts);
  }

  // ---- continue-as-new ------------------------------------------------------------------

  /**
   * The state to hand to the next workflow execution. Call it only when no node runs (approvals
   * and manual failures may wait: they are state) and the run has not ended.
   */
  carry(generation: number): ContinuedRun {
    if (this.terminal) throw new Error(`a run that is ${this.terminal} does not continue as new`);
    const running = Object.values(this.nodes).filter((state) => state.status === 'RUNNING');
    if (running.length > 0) throw new Error(`nodes still run: ${running.map((state) => state.id).join(', ')}`);
    const epochMs = Date.parse(this.input.run.startedAt) || 0;
    const encoded: Array<[number, CarriedNode]> = [];
    this.graph.nodes.forEach((node, index) => {
      const state = this.nodes[node.id];
      if (!isPristine(state)) encoded.push([index, encodeNode(state, node, epochMs)]);
    });
    const { packed, rest } = packNodes(encoded, this.graph.nodes);
    const nodes: ContinuedRun['nodes'] = {};
    for (const [index, carried] of rest) nodes[this.graph.nodes[index].id] = carried;
    return {
      generation,
      epochMs,
      nodes,
      ...(packed ? { packed } : {}),
      edges: Array.from(this.edgeState).join(''),
      ready: [...this.ready],
      vars: this.vars,
      ...(this.paused ? { paused: this.paused } : {}),
      ...(this.overrides.size > 0 ? { overrides: Object.fromEntries(this.overrides) } : {}),
    };
  }

  /** Approval nodes waiting for a decision (their waits carry over a continue-as-new). */
  waitingApprovals(): NodeState[] {
    return [...this.waiting].map((id) => this.nodes[id]).filter((state) => state.waitingFor === 'approval');
  }

  /** Rebuilds the machine from {@link carry}'s output; counters are derived, not carried. */
  private restore(carried: ContinuedRun): void {
    if (carried.edges.length !== this.graph.edges.length) {
      throw new Error(`carried state has ${carried.edges.length} edges, the definition ${this.graph.edges.length}`);
    }
    for (let index = 0; index < carried.edges.length; index++) {
      const edgeState = Number(carried.edges[index]);
      this.edgeState[index] = edgeState;
      if (edgeState === EDGE_PENDING) continue;
      const to = this.graph.edges[index].to;
      this.unresolved.set(to, this.unresolved.get(to)! - 1);
      if (edgeState === EDGE_FIRED) this.firedIn.set(to, this.firedIn.get(to)! + 1);
    }
    const requeue: string[] = [];
    const unpacked = unpackNodes(carried.packed ?? '', this.graph.nodes).map(
      ([index, encoded]): [string, CarriedNode] => [this.graph.nodes[index].id, encoded],
    );
    for (const [id, encoded] of [...Object.entries(carried.nodes), ...unpacked]) {
      const node = this.graph.byId.get(id);
      if (!node) throw new Error(`carried state names node ${id}, which the definition lacks`);
      const state = decodeNode(encoded, node, carried.epochMs);
      this.nodes[id] = state;
      this.celNodes[id] = { status: state.status, output: state.output === undefined ? null : toCel(state.output) };
      if (isOutputRef(state.output)) this.refNodes.add(id);
      if (state.status === 'RUNNING') {
        // Never carried by the interpreter (it drains first); start it again rather than lose it.
        state.status = 'PENDING';
        this.celNodes[id].status = 'PENDING';
        requeue.push(id);
      }
      if (state.waitingFor) this.waiting.add(id);
      if (state.breakpoint) this.breakpoints.add(id);
      const final =
        state.status === 'SUCCEEDED' ||
        state.status === 'SKIPPED' ||
        state.status === 'CANCELLED' ||
        (state.status === 'FAILED' && state.waitingFor !== 'operator');
      if (final) this.settled += 1;
    }
    this.ready.push(...requeue, ...carried.ready);
    Object.assign(this.vars, carried.vars);
    this.scope.vars = toCel(this.vars);
    if (carried.paused) this.paused = carried.paused;
    for (const [id, values] of Object.entries(carried.overrides ?? {})) this.overrides.set(id, values);
    // The first report of the new execution is full: it must not look like a change list too.
    this.changed.clear();
  }

  // ---- status ---------------------------------------------------------------------------

  get status(): RunStatus {
    if (this.terminal) return this.terminal;
    if (this.paused) return 'PAUSED';
    if (this.running > this.childrenWaiting.size || this.ready.length > 0) return 'RUNNING';
    if (this.waiting.size > 0 || this.childrenWaiting.size > 0) return 'WAITING';
    return 'RUNNING';
  }

  get isEnded(): boolean {
    return this.terminal !== undefined;
  }

  /** Every node reached a final state: the run can compute its outputs and succeed. */
  get isComplete(): boolean {
    return this.settled === this.graph.nodes.length;
  }

  get hasRunning(): boolean {
    return this.running > 0;
  }

  /** Nodes the scheduler may start now (none while paused or ended, or while the run is at its concurrency cap). */
  get canLaunch(): boolean {
    return !this.terminal && !this.paused && this.ready.length > 0 && this.running < this.maxConcurrency;
  }

  /** Node states changed since the last call, and clears the list. */
  takeChanges(): NodeState[] {
    const nodes = [...this.changed].map((id) => this.nodes[id]);
    this.changed.clear();
    return nodes;
  }

  snapshot(): RunState {
    return {
      runId: this.input.run.id,
      status: this.status,
      nodes: this.nodes,
      vars: this.vars,
      ...(this.outputs ? { outputs: this.outputs } : {}),
      ...(this.error ? { error: this.error } : {}),
      ...(this.paused ? { paused: this.paused } : {}),
      waitingOn: this.waitingOn(),
      ...(this.callback ? { callback: this.callback } : {}),
      startedAt: this.input.run.startedAt,
      ...(this.endedAt ? { endedAt: this.endedAt } : {}),
    };
  }

  /** Why nothing moves: paused, breakpoints, manual failures and approvals waiting for a person. */
  waitingOn(): WaitingReason[] {
    const reasons: WaitingReason[] = [];
    if (this.paused?.nodeId) {
      reasons.push({
        kind: 'breakpoint',
        nodeId: this.paused.nodeId,
        message: `paused at the breakpoint before node ${this.paused.nodeId}; resume to go on`,
      });
    } else if (this.paused) {
      reasons.push({ kind: 'paused', message: `paused by ${this.paused.by} at ${this.paused.at}` });
    }
    for (const id of this.waiting) {
      const state = this.nodes[id];
      if (state.waitingFor === 'operator') {
        const error = state.error ? ` (${state.error.type}: ${state.error.message})` : '';
        reasons.push({
          kind: 'operator',
          nodeId: id,
          message: `node ${id} failed${error} and waits for an operator to retry or skip it`,
        });
      } else if (state.approval) {
        const { approvers, deadlineAt, defaultDecision } = state.approval;
        const who = [
          ...(approvers?.users ?? []).map((u) => `user ${u}`),
          ...(approvers?.roles ?? []).map((r) => `role ${r}`),
        ];
        const deadline = deadlineAt ? ` until ${deadlineAt} (then: ${defaultDecision ?? 'reject'})` : '';
        reasons.push({
          kind: 'approval',
          nodeId: id,
          message: `approval ${id} waits for a decision by ${who.length ? who.join(' or ') : 'an operator'}${deadline}`,
        });
      }
    }
    for (const [id, childReasons] of this.childrenWaiting) {
      for (const reason of childReasons) {
        reasons.push({
          ...reason,
          ...(reason.nodeId ? { nodeId: `${id}/${reason.nodeId}` } : {}),
          message: `subflow ${id}: ${reason.message}`,
        });
      }
    }
    return reasons;
  }

  // ---- subflows -------------------------------------------------------------------------

  /** A subflow node started its child run. */
  setChild(id: string, child: ChildRunRef): void {
    this.nodes[id].child = child;
    this.changed.add(id);
    this.onChange();
  }

  /**
   * A child run reported how it stands: while it waits for a person, the parent waits too and lists
   * the child's reasons under the subflow node's path. Reports of older executions are ignored.
   */
  childStatus(report: ChildStatusReport): void {
    const state = this.nodes[report.nodeId];
    if (!state || state.status !== 'RUNNING' || state.child?.workflowId !== report.workflowId) return;
    const needsPerson = report.waitingOn.filter((reason) => reason.kind === 'approval' || reason.kind === 'operator');
    if (report.status === 'WAITING' && needsPerson.length > 0) this.childrenWaiting.set(report.nodeId, needsPerson);
    else this.childrenWaiting.delete(report.nodeId);
    state.child = { ...state.child, status: report.status };
    this.changed.add(report.nodeId);
    this.onChange();
  }

  // ---- scheduling -----------------------------------------------------------------------

  /**
   * Takes the next ready node and marks it RUNNING. Returns undefined when nothing can start.
   * A node whose inputs do not resolve fails at once (its onFailure applies) and is not returned.
   */
  launchNext(now: string): NodeLaunch | undefined {
    while (this.canLaunch) {
      const id = this.ready[0];
      const node = this.graph.byId.get(id)!;
      const state = this.nodes[id];
      if (this.breakpoints.delete(id)) {
        delete state.breakpoint;
        this.paused = { by: 'breakpoint', at: now, nodeId: id };
        this.onChange();
        return undefined;
      }
      this.ready.shift();
      state.executions += 1;
      state.startedAt = now;
      delete state.endedAt;
      delete state.error;
      delete state.waitingFor;
      delete state.callback;
      delete state.itemCallbacks;
      this.setStatus(id, 'RUNNING');
      let input: JsonValue;
      let foreach: NodeLaunch['foreach'];
      let deferred: DeferredInput | undefined;
      try {
        const overrides = this.overrides.get(id) ?? {};
        const raw = { ...(node.with ?? {}), ...overrides };
        // Only the template may reference secrets: a placeholder in an operator's retry `with` stays text.
        const templateSites = (sites: SecretSite[]): SecretSite[] =>
          sites.filter((site) => !Object.prototype.hasOwnProperty.call(overrides, site.path[0]));
        const byReference = this.refNodes.size > 0 ? this.byReferenceReads(readsOf(raw)) : [];
        if (byReference.length > 0) {
          if (isGatewayType(node.type) || isBuiltinNodeType(node.type) || node.foreach) {
            throw this.byReferenceError(byReference, `node ${id} (${node.type}${node.foreach ? ', foreach' : ''})`);
          }
          if (JSON.stringify(raw).includes('${secrets.')) {
            throw this.byReferenceError(byReference, `node ${id}, which also uses secrets,`);
          }
          deferred = this.deferredInput(raw);
          input = raw;
        } else if (node.foreach) {
          const items = this.resolveForeach(node, raw, (index, sites) =>
            this.secretSites.set(`${id}[${index}]`, templateSites(sites)),
          );
          input = items.inputs;
          foreach = items.launch;
        } else {
          const sites: SecretSite[] = [];
          input = isGatewayType(node.type) ? null : resolveTemplate(raw, this.scope, sites);
          this.secretSites.set(id, templateSites(sites));
        }
      } catch (err) {
        this.failNode(id, errorOf(err), now);
        continue;
      }
      state.input = input;
      const reused = this.input.reuse?.[id];
      if (reused !== undefined && state.executions === 1) {
        state.reused = true;
        this.succeedNode(id, reused, 0, now);
        continue;
      }
      return {
        node,
        input,
        execution: state.executions,
        ...(foreach ? { foreach } : {}),
        ...(deferred ? { deferred } : {}),
      };
    }
    return undefined;
  }

  /**
   * A foreach node's items and per-item inputs (`item`, `index` in scope of `with`). Throws a
   * {@link ForeachError} for a non-list or too many items, an ExpressionError for a broken `with`.
   */
  private resolveForeach(
    node: NodeDefinition,
    raw: JsonObject,
    onSecretSites: (index: number, sites: SecretSite[]) => void,
  ): { inputs: JsonValue[]; launch: NonNullable<NodeLaunch['foreach']> } {
    const spec = node.foreach!;
    const items = resolveTemplate(spec.items, this.scope);
    if (!Array.isArray(items)) {
      throw new ForeachError(
        'ForeachItemsNotAList',
        `foreach.items gave ${items === null ? 'null' : typeof items}, not a list`,
      );
    }
    const maxItems = Math.min(spec.maxItems ?? DEFAULT_FOREACH_MAX_ITEMS, FOREACH_MAX_ITEMS_CAP);
    if (items.length > maxItems) {
      throw new ForeachError('ForeachTooManyItems', `${items.length} items, maxItems is ${maxItems}`);
    }
    const inputs = items.map((item, index) => {
      const sites: SecretSite[] = [];
      const resolved = resolveTemplate(raw, { ...this.scope, item: toCel(item), index: BigInt(index) }, sites);
      onSecretSites(index, sites);
      return resolved;
    });
    const previous = this.foreachResults.get(node.id);
    const keys = inputs.map((input) => JSON.stringify(input));
    const reuse = keys.map((key, index) =>
      previous && previous.inputs[index] === key ? previous.outputs[index] : undefined,
    );
    this.foreachResults.set(node.id, { inputs: keys, outputs: [...reuse] });
    return { inputs, launch: { concurrency: spec.concurrency ?? DEFAULT_FOREACH_CONCURRENCY, reuse } };
  }

  /** One item of a foreach node succeeded: kept, so a retry of the node does not run it again. */
  foreachItemSucceeded(id: string, index: number, output: JsonValue): void {
    const results = this.foreachResults.get(id);
    if (results) results.outputs[index] = output;
  }

  /** A foreach node's progress changed. */
  reportItems(id: string, items: ForeachProgress): void {
    this.nodes[id].items = items;
    this.changed.add(id);
    this.onChange();
  }

  /** A callback activity made its URL known: shown in the node state while it waits. */
  recordCallback(info: NodeCallbackInfo): void {
    const id = info.nodeId.replace(/\[\d+\]$/, '');
    const state = this.nodes[id];
    if (!state || state.status !== 'RUNNING') return;
    if (id === info.nodeId) state.callback = info;
    else state.itemCallbacks = { ...state.itemCallbacks, [info.nodeId]: info };
    this.changed.add(id);
    this.onChange();
  }

  /** Of the nodes `reads` names, those whose output is stored by reference. */
  private byReferenceReads(reads: NodeReads): string[] {
    if (reads.dynamic) return [...this.refNodes];
    return [...reads.nodes].filter((id) => this.refNodes.has(id));
  }

  private byReferenceError(ids: string[], where: string): OutputByReferenceError {
    const sizes = ids.map((id) => {
      const output = this.nodes[id].output;
      return `nodes.${id}.output (${isOutputRef(output) ? `${output.size} bytes` : 'large'})`;
    });
    return new OutputByReferenceError(
      `${where} reads ${sizes.join(', ')}, stored by reference because it is too large for the workflow; ` +
        'only plugin nodes can read such an output (their activity resolves it), not conditions, built-in nodes or run outputs',
    );
  }

  /** The scope a plugin activity needs to resolve `raw` itself: the nodes it names, with their outputs. */
  private deferredInput(raw: JsonValue): DeferredInput {
    const reads = readsOf(raw);
    const ids = reads.dynamic ? Object.keys(this.nodes) : [...reads.nodes].filter((id) => this.nodes[id]);
    const nodes: DeferredInput['scope']['nodes'] = {};
    for (const id of ids) nodes[id] = { status: this.nodes[id].status, output: this.nodes[id].output ?? null };
    const { id, startedAt, startedBy } = this.input.run;
    return {
      with: raw,
      scope: { inputs: this.input.inputs, vars: this.vars, run: { id, startedAt, startedBy }, nodes },
    };
  }

  /** Throws when a condition or output expression reads an output stored by reference. */
  private checkReads(value: JsonValue | undefined, where: string): void {
    if (this.refNodes.size === 0) return;
    const byReference = this.byReferenceReads(readsOf(value));
    if (byReference.length > 0) throw this.byReferenceError(byReference, where);
  }

  /** A node finished; routes its outgoing edges (a routing error fails the node instead). */
  succeedNode(id: string, output: JsonValue, attempts: number, now: string): void {
    const state = this.nodes[id];
    if (state.status !== 'RUNNING') return;
    state.attempts += attempts;
    state.output = output;
    state.endedAt = now;
    this.celNodes[id].output = toCel(output);
    if (isOutputRef(output)) this.refNodes.add(id);
    if (this.terminal) {
      this.setStatus(id, 'SUCCEEDED');
      this.settled += 1;
      return;
    }
    let fire: Set<number>;
    try {
      this.celNodes[id].status = 'SUCCEEDED';
      fire = this.decideEdges(id);
    } catch (err) {
      this.celNodes[id].status = 'RUNNING';
      this.failNode(id, errorOf(err), now);
      return;
    }
    if (
      this.graph.byId.get(id)!.type === 'vars.set' &&
      output &&
      typeof output === 'object' &&
      !Array.isArray(output)
    ) {
      Object.assign(this.vars, output);
      this.scope.vars = toCel(this.vars);
    }
    this.setStatus(id, 'SUCCEEDED');
    this.settled += 1;
    this.resolveOutgoing(id, fire);
  }

  /** A node failed after its retries; applies its onFailure. Returns the policy applied. */
  failNode(id: string, error: NodeError, now: string, attempts = 0): OnFailure {
    const state = this.nodes[id];
    state.attempts += attempts;
    state.error = error;
    state.endedAt = now;
    const policy: OnFailure = this.graph.byId.get(id)!.onFailure ?? 'fail';
    if (this.terminal) {
      this.setStatus(id, 'FAILED');
      this.settled += 1;
      return 'fail';
    }
    if (policy === 'skip') {
      this.skip(id, 'on-failure');
    } else if (policy === 'manual') {
      this.setStatus(id, 'FAILED');
      state.waitingFor = 'operator';
      this.waiting.add(id);
    } else {
      this.setStatus(id, 'FAILED');
      this.settled += 1;
      this.end('FAILED', now, { type: error.type, message: `node ${id} failed: ${error.message}` });
    }
    return policy;
  }

  /** A running or waiting node was cancelled (run cancelled or failed elsewhere). */
  cancelNode(id: string, now: string): void {
    const state = this.nodes[id];
    if (state.status !== 'RUNNING' && state.status !== 'PENDING' && state.status !== 'WAITING') return;
    this.waiting.delete(id);
    delete state.waitingFor;
    state.endedAt = now;
    this.setStatus(id, 'CANCELLED');
    this.settled += 1;
  }

  // ---- operator operations --------------------------------------------------------------

  private waitingNode(nodeId: string, operation: string): NodeState {
    if (this.terminal) throw new InvalidOperationError(`cannot ${operation}: the run is ${this.terminal}`);
    const state = this.nodes[nodeId];
    if (!state) throw new InvalidOperationError(`cannot ${operation}: no node "${nodeId}" in this run`);
    if (state.waitingFor !== 'operator') {
      throw new InvalidOperationError(
        `cannot ${operation} node "${nodeId}": it is ${state.status}, not waiting for an operator`,
      );
    }
    return state;
  }

  private knownNode(nodeId: string, operation: string): NodeState {
    if (this.terminal) throw new InvalidOperationError(`cannot ${operation}: the run is ${this.terminal}`);
    const state = this.nodes[nodeId];
    if (!state) throw new InvalidOperationError(`cannot ${operation}: no node "${nodeId}" in this run`);
    return state;
  }

  validateRetry(request: RetryNodeRequest): void {
    this.waitingNode(request.nodeId, 'retry');
    if (
      request.with !== undefined &&
      (request.with === null || typeof request.with !== 'object' || Array.isArray(request.with))
    ) {
      throw new InvalidOperationError('retry: `with` must be an object');
    }
    if (request.with && /\$\{\s*secrets\b/.test(JSON.stringify(request.with))) {
      throw new InvalidOperationError(
        "retry: `with` cannot reference secrets; leave that key out to keep the template's value",
      );
    }
  }

  /** Where the input of a node (or a foreach item, `node[3]`) holds `${secrets.NAME}` placeholders for its activity to fill in. */
  secretSitesOf(nodeId: string): SecretSite[] {
    return this.secretSites.get(nodeId) ?? [];
  }

  /** Puts a node that waits for an operator back in the ready queue, with optional new inputs. */
  retry(request: RetryNodeRequest): NodeState {
    this.validateRetry(request);
    const state = this.nodes[request.nodeId];
    if (request.with)
      this.overrides.set(request.nodeId, { ...(this.overrides.get(request.nodeId) ?? {}), ...request.with });
    delete state.waitingFor;
    this.waiting.delete(request.nodeId);
    this.setStatus(request.nodeId, 'PENDING');
    this.ready.push(request.nodeId);
    return state;
  }

  /** A FAILED node waiting for an operator, or a WAITING approval, may be skipped. */
  validateSkip(request: SkipNodeRequest): void {
    const state = this.knownNode(request.nodeId, 'skip');
    if (!this.waiting.has(request.nodeId)) {
      throw new InvalidOperationError(
        `cannot skip node "${request.nodeId}": it is ${state.status}, not failed or waiting for a person`,
      );
    }
    if (request.takeEdgeTo !== undefined) {
      const edge = this.graph.outgoing
        .get(request.nodeId)!
        .find((index) => this.graph.edges[index].to === request.takeEdgeTo);
      if (edge === undefined) {
        throw new InvalidOperationError(
          `cannot skip node "${request.nodeId}": it has no edge to "${request.takeEdgeTo}"`,
        );
      }
    }
  }

  skipByOperator(request: SkipNodeRequest): NodeState {
    this.validateSkip(request);
    const state = this.nodes[request.nodeId];
    delete state.waitingFor;
    this.waiting.delete(request.nodeId);
    this.skip(request.nodeId, 'operator', request.takeEdgeTo);
    return state;
  }

  /** Records how a polling node's polling goes (shown with the node; no effect on scheduling). */
  recordPoll(id: string, progress: PollProgress): void {
    this.nodes[id].poll = progress;
    this.changed.add(id);
    this.onChange();
  }

  /** Marks an approval node WAITING for a decision. */
  awaitApproval(id: string, spec: ApprovalSpec, now: string, deadlineAt?: string): void {
    const state = this.nodes[id];
    state.approval = { ...spec, requestedAt: now, ...(deadlineAt ? { deadlineAt } : {}) };
    state.waitingFor = 'approval';
    this.waiting.add(id);
    this.setStatus(id, 'WAITING');
  }

  validateDecision(request: DecisionRequest): void {
    const state = this.knownNode(request.nodeId, 'decide');
    if (state.waitingFor !== 'approval' || !state.approval || state.approval.decision) {
      throw new InvalidOperationError(
        `cannot decide node "${request.nodeId}": it is ${state.status}, not an approval waiting for a decision`,
      );
    }
    const by = request.by ?? 'unknown';
    const { approvers, forbidStarter } = state.approval;
    if (forbidStarter && by === this.input.run.startedBy) {
      throw new InvalidOperationError(`${by} started this run and may not decide approval "${request.nodeId}"`);
    }
    const users = approvers?.users ?? [];
    const roles = approvers?.roles ?? [];
    if (users.length + roles.length > 0) {
      const allowed = users.includes(by) || (request.roles ?? []).some((role) => roles.includes(role));
      if (!allowed) {
        const who = [...users.map((u) => `user ${u}`), ...roles.map((r) => `role ${r}`)].join(' or ');
        throw new InvalidOperationError(`${by} may not decide approval "${request.nodeId}": it needs ${who}`);
      }
    }
  }

  /** Records a decision; the approval node's executor sees it and ends. */
  decide(request: DecisionRequest, decision: 'approve' | 'reject', now: string): NodeState {
    this.validateDecision(request);
    this.recordDecision(request.nodeId, decision, request.by ?? 'unknown', now, request.comment, request.values);
    return this.nodes[request.nodeId];
  }

  /** The deadline passed: the default decision applies. */
  decideByDeadline(id: string, now: string): void {
    const approval = this.nodes[id].approval!;
    this.recordDecision(id, approval.defaultDecision ?? 'reject', 'deadline', now);
  }

  private recordDecision(
    id: string,
    decision: 'approve' | 'reject',
    by: string,
    now: string,
    comment?: string,
    values?: JsonObject,
  ): void {
    const state = this.nodes[id];
    Object.assign(state.approval!, {
      decision,
      decidedBy: by,
      decidedAt: now,
      ...(comment ? { comment } : {}),
      ...(values ? { values } : {}),
    });
    delete state.waitingFor;
    this.waiting.delete(id);
    this.setStatus(id, 'RUNNING');
  }

  /** A node that runs (or waits for a decision) may be forced to fail. */
  validateForceFail(request: ForceFailRequest): void {
    const state = this.knownNode(request.nodeId, 'force-fail');
    if (state.status !== 'RUNNING' && !(state.status === 'WAITING' && state.waitingFor === 'approval')) {
      throw new InvalidOperationError(`cannot force-fail node "${request.nodeId}": it is ${state.status}, not running`);
    }
  }

  /** Fails a running node now (its onFailure applies); the workflow cancels its work. */
  forceFail(request: ForceFailRequest, now: string): NodeState {
    this.validateForceFail(request);
    const state = this.nodes[request.nodeId];
    if (state.status === 'WAITING') {
      this.waiting.delete(request.nodeId);
      delete state.waitingFor;
    }
    const by = request.by ?? 'unknown';
    this.failNode(
      request.nodeId,
      { type: 'ForcedFailure', message: `forced to fail by ${by}${request.reason ? `: ${request.reason}` : ''}` },
      now,
    );
    return state;
  }

  validateBreakpoint(request: BreakpointRequest): void {
    const state = this.knownNode(request.nodeId, 'set a breakpoint');
    if (state.status !== 'PENDING') {
      throw new InvalidOperationError(
        `cannot pause at node "${request.nodeId}": it is ${state.status}, already started or done`,
      );
    }
  }

  /** The run pauses right before this node would start. */
  setBreakpoint(request: BreakpointRequest): NodeState {
    this.validateBreakpoint(request);
    this.breakpoints.add(request.nodeId);
    this.nodes[request.nodeId].breakpoint = true;
    this.changed.add(request.nodeId);
    this.onChange();
    return this.nodes[request.nodeId];
  }

  validateClearBreakpoint(request: BreakpointRequest): void {
    this.knownNode(request.nodeId, 'clear a breakpoint');
    if (!this.breakpoints.has(request.nodeId)) {
      throw new InvalidOperationError(`node "${request.nodeId}" has no breakpoint`);
    }
  }

  clearBreakpoint(request: BreakpointRequest): NodeState {
    this.validateClearBreakpoint(request);
    this.breakpoints.delete(request.nodeId);
    delete this.nodes[request.nodeId].breakpoint;
    this.changed.add(request.nodeId);
    this.onChange();
    return this.nodes[request.nodeId];
  }

  validatePause(): void {
    if (this.terminal) throw new InvalidOperationError(`cannot pause: the run is ${this.terminal}`);
    if (this.paused) throw new InvalidOperationError('cannot pause: the run is already paused');
  }

  pause(by: string, now: string): void {
    if (this.terminal || this.paused) return;
    this.paused = { by, at: now };
    this.onChange();
  }

  validateResume(): void {
    if (!this.paused) throw new InvalidOperationError('cannot resume: the run is not paused');
  }

  resume(): void {
    delete this.paused;
    this.onChange();
  }

  // ---- ending ---------------------------------------------------------------------------

  /** Computes the run outputs and succeeds; an output expression that fails fails the run. */
  complete(now: string): void {
    try {
      this.checkReads(this.input.plan.definition.outputs ?? {}, 'the run outputs');
      const outputs = resolveTemplate(this.input.plan.definition.outputs ?? {}, this.scope);
      this.outputs = outputs as JsonObject;
      this.end('SUCCEEDED', now);
    } catch (err) {
      const error = errorOf(err);
      this.end('FAILED', now, { type: error.type, message: `outputs: ${error.message}` });
    }
  }

  /** Ends the run CANCELLED; nodes still pending or running become CANCELLED. */
  cancel(now: string, by: string, reason?: string): void {
    this.end('CANCELLED', now, { type: 'Cancelled', message: `cancelled by ${by}${reason ? `: ${reason}` : ''}` });
  }

  /** Marks nodes that never finished once the run has ended (their work was cancelled). */
  settleUnfinished(now: string): void {
    for (const state of Object.values(this.nodes)) {
      if (state.status === 'PENDING' || state.status === 'RUNNING') this.cancelNode(state.id, now);
    }
    this.ready.length = 0;
  }

  private end(status: RunStatus, now: string, error?: NodeError): void {
    if (this.terminal) return;
    this.terminal = status;
    this.endedAt = now;
    delete this.paused;
    if (error) this.error = error;
    this.onChange();
  }

  // ---- graph ----------------------------------------------------------------------------

  private setStatus(id: string, status: NodeStatus): void {
    const state = this.nodes[id];
    if (state.status === 'RUNNING') this.running -= 1;
    if (status === 'RUNNING') this.running += 1;
    else this.childrenWaiting.delete(id);
    state.status = status;
    this.celNodes[id].status = status;
    this.changed.add(id);
    this.onChange();
  }

  private skip(id: string, reason: SkipReason, takeEdgeTo?: string): void {
    const state = this.nodes[id];
    this.setStatus(id, 'SKIPPED');
    state.skipReason = reason;
    this.settled += 1;
    let fire: Set<number>;
    if (takeEdgeTo !== undefined) {
      fire = new Set(this.graph.outgoing.get(id)!.filter((index) => this.graph.edges[index].to === takeEdgeTo));
    } else {
      try {
        fire = this.decideEdges(id);
      } catch {
        fire = new Set();
      }
    }
    this.resolveOutgoing(id, fire);
  }

  /** Which outgoing edges of a finished node fire, per PRODUCT.md's gateway semantics. */
  private decideEdges(id: string): Set<number> {
    const node = this.graph.byId.get(id)!;
    const out = this.graph.outgoing.get(id)!;
    const edges = this.graph.edges;
    const fire = new Set<number>();
    if (node.type === 'gateway.parallel') {
      out.forEach((index) => fire.add(index));
      return fire;
    }
    const defaultEdge = out.find((index) => edges[index].default === true);
    if (node.type === 'gateway.exclusive') {
      for (const index of out) {
        const edge = edges[index];
        if (edge.default) continue;
        if (edge.when !== undefined) this.checkReads(`\${${edge.when}}`, `the condition of edge ${id} -> ${edge.to}`);
        if (edge.when === undefined || evaluateCondition(edge.when, this.scope)) {
          fire.add(index);
          return fire;
        }
      }
      if (defaultEdge === undefined) {
        throw new RoutingError(`gateway.exclusive ${id}: no edge condition held and there is no default edge`);
      }
      fire.add(defaultEdge);
      return fire;
    }
    let conditionHeld = false;
    for (const index of out) {
      const edge = edges[index];
      if (edge.default) continue;
      if (edge.when === undefined) {
        fire.add(index);
        continue;
      }
      this.checkReads(`\${${edge.when}}`, `the condition of edge ${id} -> ${edge.to}`);
      if (evaluateCondition(edge.when, this.scope)) {
        fire.add(index);
        conditionHeld = true;
      }
    }
    if (!conditionHeld && defaultEdge !== undefined) fire.add(defaultEdge);
    return fire;
  }

  /** Resolves a node's outgoing edges; nodes whose incoming edges are all dead are skipped in turn. */
  private resolveOutgoing(id: string, fire: Set<number>): void {
    const work: Array<[string, Set<number>]> = [[id, fire]];
    while (work.length > 0) {
      const [from, fired] = work.pop()!;
      for (const index of this.graph.outgoing.get(from)!) {
        if (this.edgeState[index] !== EDGE_PENDING) continue;
        const took = fired.has(index);
        this.edgeState[index] = took ? EDGE_FIRED : EDGE_DEAD;
        const to = this.graph.edges[index].to;
        if (took) this.firedIn.set(to, this.firedIn.get(to)! + 1);
        const left = this.unresolved.get(to)! - 1;
        this.unresolved.set(to, left);
        if (left > 0 || this.nodes[to].status !== 'PENDING') continue;
        if (this.firedIn.get(to)! > 0) {
          this.ready.push(to);
        } else {
          this.setStatus(to, 'SKIPPED');
          this.nodes[to].skipReason = 'dead-path';
          this.settled += 1;
          work.push([to, new Set()]);
        }
      }
    }
  }
}
