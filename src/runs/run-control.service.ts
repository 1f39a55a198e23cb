import { Injectable } from '@nestjs/common';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { SchemaValidator } from '../../plugins/sdk/validation';
import {
  approveNodeUpdate,
  cancelSignal,
  clearBreakpointUpdate,
  forceFailNodeUpdate,
  pauseAtNodeUpdate,
  pauseSignal,
  rejectNodeUpdate,
  resumeSignal,
  retryNodeUpdate,
  skipNodeUpdate,
  stateQuery,
  TERMINAL_RUN_STATUSES,
  type RunState,
} from '../../workflows/contract';
import type { JsonObject } from '../../workflows/definition/types';
import { type Principal, principalLabel } from '../common/auth/principal';
import { ProjectAccessService } from '../common/auth/project-access.service';
import { PROJECT_ROLES, roleRank } from '../common/auth/roles';
import { BadUserInputError, ConflictError, ForbiddenError } from '../common/errors/app-errors';
import { MetricsService } from '../common/metrics/metrics.service';
import { TemporalClientService } from '../temporal/temporal-client.service';
import type { RunModel } from './dto/run.model';
import { runMetrics, type RunMetrics } from './run-metrics';
import { writeRunProgress, type ProgressWriteResult, type RunSnapshot } from './run-progress.store';
import type { Run } from './run.entity';
import { RunsService } from './runs.service';

/** The workflow that owns a node (a child run's for a path into subflows) and the node's own id there. */
interface NodeTarget {
  handle: WorkflowHandle;
  nodeId: string;
  /** Set when the node is in a child run. */
  childRunId?: string;
}

/** How long the API waits for a run's workflow to answer a query. */
export const QUERY_DEADLINE_MS = 5000;
/** How long the API waits for a validated update (retry, skip) to be accepted and run. */
export const UPDATE_DEADLINE_MS = 15_000;

/**
 * Steers runs: pause, resume and cancel are signals, checked first against the live state (the
 * `state` query) so an operation that does not fit is refused with CONFLICT and sends nothing;
 * retry and skip are the workflow's validated updates, whose rejection becomes CONFLICT with the
 * workflow's reason. After each operation the live state is written to PostgreSQL at once.
 */
@Injectable()
export class RunControlService {
  private readonly metrics: RunMetrics;
  private readonly forms = new SchemaValidator();

  constructor(
    private readonly runs: RunsService,
    private readonly temporal: TemporalClientService,
    private readonly dataSource: DataSource,
    private readonly access: ProjectAccessService,
    metricsService: MetricsService,
    @InjectPinoLogger(RunControlService.name) private readonly logger: PinoLogger,
  ) {
    this.metrics = runMetrics(metricsService.registry);
  }

  async pause(id: string, principal: Principal): Promise<RunModel> {
    const run = await this.liveRow(id, 'paused');
    const state = await this.liveState(run);
    this.assertLive(state, 'paused');
    const paused = state ? state.paused !== undefined : run.status === 'PAUSED';
    if (paused) throw new ConflictError(`Run is already paused${state?.paused ? ` (by ${state.paused.by})` : ''}`);
    await this.handle(run).signal(pauseSignal, { by: principalLabel(principal) });
    return this.refreshed(run);
  }

  async resume(id: string, principal: Principal): Promise<RunModel> {
    const run = await this.liveRow(id, 'resumed');
    const state = await this.liveState(run);
    this.assertLive(state, 'resumed');
    const paused = state ? state.paused !== undefined : run.status === 'PAUSED';
    if (!paused) throw new ConflictError(`Run is not paused (it is ${state?.status ?? run.status})`);
    await this.handle(run).signal(resumeSignal, { by: principalLabel(principal) });
    return this.refreshed(run);
  }

  async cancel(id: string, principal: Principal, reason?: string | null): Promise<RunModel> {
    const run = await this.liveRow(id, 'cancelled');
    const state = await this.liveState(run);
    this.assertLive(state, 'cancelled');
    await this.handle(run).signal(cancelSignal, { by: principalLabel(principal), ...(reason ? { reason } : {}) });
    return this.refreshed(run);
  }

  /**
   * Retries a node waiting for an operator. `nodeId` may be a path into subflows (`sub_a/sub_b/flaky`):
   * the update then goes to the child run that owns the node, found through the subflow nodes' children.
   */
  async retryNode(runId: string, nodeId: string, principal: Principal, input?: JsonObject | null): Promise<RunModel> {
    const run = await this.liveRow(runId, 'steered');
    const target = await this.nodeTarget(run, nodeId);
    await this.update(run, () =>
      target.handle.executeUpdate(retryNodeUpdate, {
        args: [{ nodeId: target.nodeId, by: principalLabel(principal), ...(input ? { with: input } : {}) }],
      }),
    );
    return this.refreshed(run, target);
  }

  /** Skips a failed or waiting node; `nodeId` may be a path into subflows, as for {@link retryNode}. */
  async skipNode(runId: string, nodeId: string, principal: Principal, takeEdgeTo?: string | null): Promise<RunModel> {
    const run = await this.liveRow(runId, 'steered');
    const target = await this.nodeTarget(run, nodeId);
    await this.update(run, () =>
      target.handle.executeUpdate(skipNodeUpdate, {
        args: [{ nodeId: target.nodeId, by: principalLabel(principal), ...(takeEdgeTo ? { takeEdgeTo } : {}) }],
      }),
    );
    return this.refreshed(run, target);
  }

  /**
   * Approves an approval node. `values` are checked against the node's form (its JSON Schema)
   * before anything is sent; the workflow checks who may decide, with the caller's roles in the
   * run's project (each role with the ones it includes).
   *
   * @throws {BadUserInputError} values that break the form, or values for an approval without one.
   * @throws {ForbiddenError} the workflow says this caller may not decide (approvers, forbidStarter).
   * @throws {ConflictError} the node is no approval waiting for a decision.
   */
  async approveNode(
    runId: string,
    nodeId: string,
    principal: Principal,
    comment?: string | null,
    values?: JsonObject | null,
  ): Promise<RunModel> {
    return this.decide(runId, nodeId, principal, 'approve', comment, values);
  }

  /** Rejects an approval node: it fails and its `onFailure` applies. Errors as {@link approveNode}. */
  async rejectNode(runId: string, nodeId: string, principal: Principal, comment?: string | null): Promise<RunModel> {
    return this.decide(runId, nodeId, principal, 'reject', comment, null);
  }

  /** Fails a RUNNING node now (its activity is cancelled); its `onFailure` applies. `nodeId` may be a path into subflows. */
  async forceFailNode(runId: string, nodeId: string, principal: Principal, reason?: string | null): Promise<RunModel> {
    const run = await this.liveRow(runId, 'steered');
    const target = await this.nodeTarget(run, nodeId);
    await this.update(run, () =>
      target.handle.executeUpdate(forceFailNodeUpdate, {
        args: [{ nodeId: target.nodeId, by: principalLabel(principal), ...(reason ? { reason } : {}) }],
      }),
    );
    return this.refreshed(run, target);
  }

  /** Sets a breakpoint: the run pauses before that node starts. `nodeId` may be a path into subflows. */
  async pauseAtNode(runId: string, nodeId: string, principal: Principal): Promise<RunModel> {
    const run = await this.liveRow(runId, 'steered');
    const target = await this.nodeTarget(run, nodeId);
    await this.update(run, () =>
      target.handle.executeUpdate(pauseAtNodeUpdate, {
        args: [{ nodeId: target.nodeId, by: principalLabel(principal) }],
      }),
    );
    return this.refreshed(run, target);
  }

  /** Removes a breakpoint set with {@link pauseAtNode}. */
  async clearBreakpoint(runId: string, nodeId: string, principal: Principal): Promise<RunModel> {
    const run = await this.liveRow(runId, 'steered');
    const target = await this.nodeTarget(run, nodeId);
    await this.update(run, () =>
      target.handle.executeUpdate(clearBreakpointUpdate, {
        args: [{ nodeId: target.nodeId, by: principalLabel(principal) }],
      }),
    );
    return this.refreshed(run, target);
  }

  private async decide(
    runId: string,
    nodeId: string,
    principal: Principal,
    decision: 'approve' | 'reject',
    comment?: string | null,
    values?: JsonObject | null,
  ): Promise<RunModel> {
    const run = await this.liveRow(runId, 'decided');
    const target = await this.nodeTarget(run, nodeId);
    const state = await this.liveState(run, target.handle);
    if (!state) throw new ConflictError('The run does not answer right now; try again in a moment');
    this.assertLive(state, 'decided');
    const form = state.nodes[target.nodeId]?.approval?.form;
    if (decision === 'approve' && (form || values)) this.checkForm(form, values);
    const roles = await this.rolesIn(principal, run.projectId);
    const request = {
      nodeId: target.nodeId,
      by: principalLabel(principal),
      roles,
      ...(comment ? { comment } : {}),
      ...(decision === 'approve' && values ? { values } : {}),
    };
    await this.update(
      run,
      () =>
        target.handle.executeUpdate(decision === 'approve' ? approveNodeUpdate : rejectNodeUpdate, {
          args: [request],
        }),
      (reason) => (/ may not decide /.test(reason) ? new ForbiddenError(reason) : undefined),
    );
    return this.refreshed(run, target);
  }

  private checkForm(form: JsonObject | undefined, values?: JsonObject | null): void {
    if (!form) {
      throw new BadUserInputError([{ path: 'values', message: 'this approval has no form; send no values' }]);
    }
    let problems;
    try {
      problems = this.forms.check(form, values ?? {}, 'values');
    } catch (error) {
      throw new ConflictError(
        `The approval's form is not a valid JSON Schema: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (problems.length > 0) {
      throw new BadUserInputError(
        problems,
        problems.length === 1
          ? `Invalid form values: ${problems[0].path}: ${problems[0].message}`
          : `Invalid form values (${problems.length} problems)`,
      );
    }
  }

  /** Every role the caller has in a project, the ones its role includes too (`operator` -> viewer, operator). */
  private async rolesIn(principal: Principal, projectId: string): Promise<string[]> {
    const role = await this.access.roleIn(principal, projectId);
    if (!role) return [];
    return PROJECT_ROLES.filter((candidate) => roleRank(candidate) <= roleRank(role)).map(String);
  }

  /**
   * Writes a run state read from Temporal (whole: run and every node) to PostgreSQL in one
   * transaction, notifying subscribers. Used after operations and by the reconciler.
   */
  async writeState(
    runId: string,
    state: RunSnapshot & Pick<RunState, 'nodes' | 'omitted'>,
  ): Promise<ProgressWriteResult> {
    const result = await this.dataSource.transaction((manager) =>
      writeRunProgress(manager, [
        { runId, run: state, nodes: Object.values(state.nodes), ...(state.omitted ? { payloadsOmitted: true } : {}) },
      ]),
    );
    this.metrics.observe(result);
    return result;
  }

  /** The row of a run that can still be operated on; CONFLICT for a finished one. */
  private async liveRow(id: string, verb: string): Promise<Run> {
    const run = await this.runs.findRow(id);
    if (TERMINAL_RUN_STATUSES.includes(run.status)) {
      throw new ConflictError(`Run is ${run.status} and cannot be ${verb}`);
    }
    if (!run.temporalRunId && run.status === 'PENDING') {
      throw new ConflictError('Run has not started yet; try again in a moment');
    }
    return run;
  }

  private assertLive(state: RunState | undefined, verb: string): void {
    if (state && TERMINAL_RUN_STATUSES.includes(state.status)) {
      throw new ConflictError(`Run is ${state.status} and cannot be ${verb}`);
    }
  }

  /**
   * The live state, or `undefined` when the workflow does not answer in time (no worker polling):
   * the caller then decides from the row, and a signal still reaches the workflow.
   */
  private async liveState(run: Run, handle = this.handle(run)): Promise<RunState | undefined> {
    try {
      return await this.temporal.withDeadline(QUERY_DEADLINE_MS, () => handle.query(stateQuery));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new ConflictError('Run has no workflow in Temporal');
      this.logger.warn(
        { err: error, runId: run.id },
        'The run did not answer the state query; deciding from the database',
      );
      return undefined;
    }
  }

  /**
   * Runs a validated update; a rejection becomes CONFLICT with the workflow's reason, or the error
   * `refusal` makes of that reason.
   */
  private async update(
    run: Run,
    execute: () => Promise<unknown>,
    refusal?: (reason: string) => Error | undefined,
  ): Promise<void> {
    try {
      await this.temporal.withDeadline(UPDATE_DEADLINE_MS, execute);
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) {
        const cause = error.cause;
        const reason = cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : error.message;
        throw refusal?.(reason) ?? new ConflictError(reason);
      }
      if (error instanceof WorkflowNotFoundError) throw new ConflictError('Run has no workflow in Temporal');
      throw error;
    }
  }

  /**
   * Where a node path leads: the run's own workflow for a plain node id; for `a/b/c`, the child run
   * of subflow node `b` inside the child run of subflow node `a` (each found in its parent's state).
   *
   * @throws {ConflictError} a path segment that is no subflow node with a running child.
   */
  private async nodeTarget(run: Run, nodePath: string): Promise<NodeTarget> {
    const segments = nodePath.split('/');
    let handle = this.handle(run);
    let childRunId: string | undefined;
    for (const [index, segment] of segments.slice(0, -1).entries()) {
      let state: RunState;
      try {
        state = await this.temporal.withDeadline(QUERY_DEADLINE_MS, () => handle.query(stateQuery));
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw new ConflictError('Run has no workflow in Temporal');
        throw error;
      }
      const node = state.nodes[segment];
      const where = segments.slice(0, index + 1).join('/');
      if (!node) throw new ConflictError(`cannot reach node "${nodePath}": no node "${where}" in this run`);
      if (!node.child || node.status !== 'RUNNING') {
        throw new ConflictError(
          `cannot reach node "${nodePath}": "${where}" is ${node.status}, not a subflow with a running child run`,
        );
      }
      childRunId = node.child.runId;
      const workflowId = node.child.workflowId;
      handle = this.temporal.client.workflow.getHandle(workflowId);
    }
    return { handle, nodeId: segments[segments.length - 1], ...(childRunId ? { childRunId } : {}) };
  }

  /** The run after an operation: the live state written to the database, then read back. */
  private async refreshed(run: Run, target?: NodeTarget): Promise<RunModel> {
    if (target?.childRunId) {
      const childRunId = target.childRunId;
      try {
        const state = await this.temporal.withDeadline(QUERY_DEADLINE_MS, () => target.handle.query(stateQuery));
        await this.writeState(childRunId, state);
      } catch (error) {
        this.logger.warn({ err: error, runId: childRunId }, 'Could not read the child run after an operation');
      }
    }
    try {
      const state = await this.temporal.withDeadline(QUERY_DEADLINE_MS, () => this.handle(run).query(stateQuery));
      await this.writeState(run.id, state);
    } catch (error) {
      // The operation was delivered; the recorder or the reconciler will bring the row up to date.
      this.logger.warn({ err: error, runId: run.id }, 'Could not read the state after an operation');
    }
    return this.runs.get(run.id);
  }

  private handle(run: Run): WorkflowHandle {
    return this.temporal.client.workflow.getHandle(run.workflowId);
  }
}
