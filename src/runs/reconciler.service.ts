import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { WorkflowFailedError, type WorkflowExecutionDescription, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import {
  RUN_CANCELLED_TYPE,
  RUN_FAILED_TYPE,
  stateQuery,
  TERMINAL_RUN_STATUSES,
  type NodeError,
  type NodeState,
  type RunState,
  type RunStatus,
} from '../../workflows/contract';
import { InjectConfig } from '../config/config.module';
import type { SwitchyardConfig } from '../config/config';
import { TemporalClientService } from '../temporal/temporal-client.service';
import { QUERY_DEADLINE_MS, RunControlService } from './run-control.service';
import { RunLauncherService } from './run-launcher.service';
import { settleUnfinishedNodes, type RunSnapshot } from './run-progress.store';
import { Run } from './run.entity';
import { runsSettings, type RunsSettings } from './runs-settings';

/** Rows looked at per pass, oldest first. */
const BATCH_SIZE = 200;

/** What one reconciliation pass did. */
export interface ReconcileReport {
  /** Live rows looked at. */
  checked: number;
  /** Rows rewritten from Temporal (a finished run, or a live run whose state moved on). */
  updated: number;
  /** Orphaned PENDING rows whose workflow was started now. */
  started: number;
  /** Rows that could not be checked (Temporal did not answer); tried again next pass. */
  failed: number;
}

type Outcome = 'unchanged' | 'updated' | 'started';

/** A run state as it is stored: the run's fields and its nodes. */
type StoredState = RunSnapshot & { nodes: Record<string, NodeState> };

/**
 * Makes PostgreSQL agree with Temporal after crashes (a worker killed between two progress
 * writes, the API down while a run finished, the API killed between recording a run and
 * starting it). At start and every `runs.reconcileIntervalSeconds`, for each run whose row is not
 * terminal: a closed workflow's final state (its result, the failure's `details[0]`, or the
 * `state` query) is written, run and every node; a running workflow's live state is written; a
 * PENDING row without a workflow, older than a minute, is started (same workflow id: idempotent).
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly settings: RunsSettings;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReconcileReport> | undefined;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly temporal: TemporalClientService,
    private readonly control: RunControlService,
    private readonly launcher: RunLauncherService,
    @InjectConfig() config: SwitchyardConfig,
    @InjectPinoLogger(ReconcilerService.name) private readonly logger: PinoLogger,
  ) {
    this.settings = runsSettings(config);
  }

  onApplicationBootstrap(): void {
    if (!this.temporal.configured) return;
    void this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), this.settings.reconcileIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass over every live row (a pass already under way is joined, not doubled). Never rejects. */
  reconcile(): Promise<ReconcileReport> {
    this.running ??= this.pass()
      .catch((error: unknown) => {
        this.logger.error({ err: error }, 'Reconciliation pass failed');
        return { checked: 0, updated: 0, started: 0, failed: 0 };
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async pass(): Promise<ReconcileReport> {
    const report: ReconcileReport = { checked: 0, updated: 0, started: 0, failed: 0 };
    let after: { createdAt: Date; id: string } | undefined;
    while (!this.stopped) {
      const query = this.dataSource
        .getRepository(Run)
        .createQueryBuilder('r')
        .where(`r.status IN ('PENDING', 'RUNNING', 'PAUSED', 'WAITING')`)
        .orderBy('r.created_at', 'ASC')
        .addOrderBy('r.id', 'ASC')
        .take(BATCH_SIZE);
      if (after) query.andWhere('(r.created_at, r.id) > (:createdAt, :id)', after);
      const rows = await query.getMany();
      for (const run of rows) {
        if (this.stopped) break;
        report.checked += 1;
        try {
          const outcome = await this.reconcileRun(run);
          if (outcome === 'updated') report.updated += 1;
          if (outcome === 'started') report.started += 1;
        } catch (error) {
          report.failed += 1;
          this.logger.warn({ err: error, runId: run.id, workflowId: run.workflowId }, 'Could not reconcile a run');
        }
      }
      if (rows.length < BATCH_SIZE) break;
      const last = rows[rows.length - 1];
      after = { createdAt: last.createdAt, id: last.id };
    }
    if (report.updated || report.started || report.failed) this.logger.info(report, 'Reconciled runs with Temporal');
    return report;
  }

  /** Brings one live row in line with its workflow. */
  async reconcileRun(run: Run): Promise<Outcome> {
    const handle = this.temporal.client.workflow.getHandle(run.workflowId);
    let description: WorkflowExecutionDescription;
    try {
      description = await this.temporal.withDeadline(QUERY_DEADLINE_MS, () => handle.describe());
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      return this.withoutWorkflow(run);
    }
    if (run.temporalRunId !== description.runId) {
      await this.dataSource.query(
        'UPDATE runs SET temporal_run_id = $2, started_at = COALESCE(started_at, $3), updated_at = now() WHERE id = $1',
        [run.id, description.runId, description.startTime],
      );
    }
    const state = await this.stateOf(run, handle, description);
    const { changedRunIds } = await this.control.writeState(run.id, state);
    return changedRunIds.length > 0 ? 'updated' : 'unchanged';
  }

  /** A row whose workflow Temporal does not know: start it if orphaned, else record that it is gone. */
  private async withoutWorkflow(run: Run): Promise<Outcome> {
    if (run.status === 'PENDING' && !run.temporalRunId) {
      if (Date.now() - run.createdAt.getTime() < this.settings.orphanAfterMs) return 'unchanged';
      this.logger.warn({ runId: run.id, workflowId: run.workflowId }, 'Starting a run whose start was interrupted');
      const started = await this.launcher.launch(await this.launcher.launchContext(run));
      return started ? 'started' : 'updated';
    }
    const error: NodeError = {
      type: 'WorkflowNotFound',
      message: `Temporal has no workflow ${run.workflowId} (deleted, or past the namespace's retention)`,
    };
    const { changedRunIds } = await this.control.writeState(run.id, {
      status: 'FAILED',
      error,
      startedAt: (run.startedAt ?? run.createdAt).toISOString(),
      endedAt: new Date().toISOString(),
      nodes: {},
    });
    await this.settleNodesInDatabase(run.id);
    return changedRunIds.length > 0 ? 'updated' : 'unchanged';
  }

  /** The run's state as Temporal knows it: live for a running workflow, final for a closed one. */
  private async stateOf(
    run: Run,
    handle: WorkflowHandle,
    description: WorkflowExecutionDescription,
  ): Promise<StoredState> {
    const status = description.status.name;
    if (status === 'RUNNING') {
      return this.temporal.withDeadline(QUERY_DEADLINE_MS, () => handle.query(stateQuery));
    }
    if (status === 'COMPLETED') return (await handle.result()) as RunState;

    let failure: Error | undefined;
    try {
      return (await handle.result()) as RunState;
    } catch (error) {
      if (!(error instanceof WorkflowFailedError)) throw error;
      failure = error.cause;
      if (
        failure instanceof ApplicationFailure &&
        (failure.type === RUN_FAILED_TYPE || failure.type === RUN_CANCELLED_TYPE) &&
        isRunState(failure.details?.[0])
      ) {
        return failure.details[0];
      }
    }

    // Cancelled, terminated or timed out by Temporal itself: the last state, settled.
    const endedAt = (description.closeTime ?? new Date()).toISOString();
    const finalStatus: RunStatus = status === 'CANCELLED' ? 'CANCELLED' : 'FAILED';
    const error: NodeError =
      status === 'CANCELLED'
        ? { type: 'Cancelled', message: 'The workflow was cancelled in Temporal' }
        : status === 'TERMINATED'
          ? { type: 'Terminated', message: `The workflow was terminated in Temporal${reason(failure)}` }
          : status === 'TIMED_OUT'
            ? { type: 'TimedOut', message: 'The workflow timed out in Temporal' }
            : { type: 'WorkflowFailed', message: failure?.message ?? `The workflow ended ${status}` };
    let last: RunState | undefined;
    try {
      last = await this.temporal.withDeadline(QUERY_DEADLINE_MS, () => handle.query(stateQuery));
    } catch {
      last = undefined; // no worker to replay it: keep the nodes the database has, settled below
    }
    if (last && TERMINAL_RUN_STATUSES.includes(last.status)) return last;
    if (!last) await this.settleNodesInDatabase(run.id);
    const nodes = last ? settleUnfinishedNodes(Object.values(last.nodes), endedAt) : [];
    return {
      status: finalStatus,
      outputs: last?.outputs,
      error: last?.error ?? error,
      startedAt: last?.startedAt ?? description.startTime.toISOString(),
      endedAt,
      nodes: Object.fromEntries(nodes.map((node) => [node.id, node])),
    };
  }

  private async settleNodesInDatabase(runId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE node_runs SET status = 'CANCELLED', waiting_for = NULL,
              finished_at = CASE WHEN status = 'PENDING' THEN finished_at ELSE COALESCE(finished_at, now()) END,
              updated_at = now()
        WHERE run_id = $1 AND status IN ('PENDING', 'RUNNING', 'WAITING')`,
      [runId],
    );
  }
}

function isRunState(value: unknown): value is RunState {
  return typeof value === 'object' && value !== null && 'status' in value && 'nodes' in value;
}

function reason(failure: Error | undefined): string {
  return failure?.message ? `: ${failure.message}` : '';
}
