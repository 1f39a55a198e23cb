import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { isUuid } from '../common/auth/access';
import { BadUserInputError, NotFoundError } from '../common/errors/app-errors';
import { decodeCursor, encodeCursor, type Page, pageSize } from '../common/graphql/pagination';
import type { ChildRunRef, RunStatus } from '../../workflows/contract';
import { TemporalClientService } from '../temporal/temporal-client.service';
import type { NodeRunModel, RunCallbackModel, RunModel } from './dto/run.model';
import type { RunsArgs } from './dto/runs.args';
import { NodeRun } from './node-run.entity';
import { Run, type RunCallbackRecord } from './run.entity';

/** A run row with its template loaded (for the name). */
type RunWithTemplate = Run & { template?: { name: string } };

/**
 * Reads runs and their nodes from PostgreSQL (which the progress recorder and the reconciler keep
 * in step with Temporal) and shapes them for GraphQL.
 */
@Injectable()
export class RunsService {
  constructor(
    @InjectRepository(Run) private readonly runs: Repository<Run>,
    @InjectRepository(NodeRun) private readonly nodeRuns: Repository<NodeRun>,
    private readonly temporal: TemporalClientService,
  ) {}

  /** The run row, or NOT_FOUND. */
  async findRow(id: string): Promise<Run> {
    const run = isUuid(id) ? await this.runs.createQueryBuilder('r').where('r.id = :id', { id }).getOne() : null;
    if (!run) throw new NotFoundError('Run', id);
    return run;
  }

  /** A run with its nodes, as `run(id)` and `runUpdated` show it. */
  async get(id: string): Promise<RunModel> {
    const run = isUuid(id)
      ? await this.runs
          .createQueryBuilder('r')
          .leftJoinAndSelect('r.template', 't')
          .where('r.id = :id', { id })
          .getOne()
      : null;
    if (!run) throw new NotFoundError('Run', id);
    const model = this.toModel(run);
    model.nodes = await this.nodes(run.id);
    return model;
  }

  /**
   * A page of a project's runs, newest first, optionally of one template, in one status, or
   * started by one principal. The cursor is the last run's id (keyset on created_at, id).
   */
  async list(args: RunsArgs): Promise<Page<RunModel>> {
    const size = pageSize(args.first);
    const query = this.runs
      .createQueryBuilder('r')
      .leftJoinAndSelect('r.template', 't')
      .where('r.project_id = :projectId', { projectId: args.projectId })
      // Child runs (subflows) show under their parent's subflow node, not in the list.
      .andWhere('r.parent_run_id IS NULL');
    if (args.templateId) {
      if (!isUuid(args.templateId)) return { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };
      query.andWhere('r.template_id = :templateId', { templateId: args.templateId });
    }
    if (args.status) query.andWhere('r.status = :status', { status: args.status });
    if (args.startedBy) query.andWhere('r.started_by = :startedBy', { startedBy: args.startedBy });
    if (args.after) {
      const after = decodeCursor('run', args.after);
      if (!isUuid(after)) throw new BadUserInputError([{ path: 'after', message: 'is not a cursor of this list' }]);
      query.andWhere('(r.created_at, r.id) < (SELECT c.created_at, c.id FROM runs c WHERE c.id = :after)', { after });
    }
    const rows = await query
      .orderBy('r.createdAt', 'DESC')
      .addOrderBy('r.id', 'DESC')
      // The join is many-to-one (one template per run): a plain LIMIT pages correctly.
      .limit(size + 1)
      .getMany();
    const nodes = rows.slice(0, size).map((row) => ({ ...this.toModel(row), listed: true }));
    return {
      nodes,
      pageInfo: {
        hasNextPage: rows.length > size,
        endCursor: nodes.length ? encodeCursor('run', nodes[nodes.length - 1].id) : null,
      },
    };
  }

  /** The nodes of a run, in the order of its definition (nodes it does not name last, by id). */
  async nodes(runId: string): Promise<NodeRunModel[]> {
    const [rows, order, children] = await Promise.all([
      this.nodeRuns.createQueryBuilder('n').where('n.run_id = :runId', { runId }).getMany(),
      this.runs.query<Array<{ ids: unknown }>>(
        `SELECT jsonb_path_query_array(v.definition, '$.nodes[*].id') AS ids
           FROM runs r JOIN template_versions v ON v.id = r.template_version_id WHERE r.id = $1`,
        [runId],
      ),
      this.runs.query<Array<{ id: string; status: RunStatus }>>(
        'SELECT id, status FROM runs WHERE parent_run_id = $1',
        [runId],
      ),
    ]);
    const childStatus = new Map(children.map((child) => [child.id, child.status]));
    const ids = Array.isArray(order[0]?.ids) ? (order[0].ids as unknown[]) : [];
    const position = new Map(ids.map((id, index) => [String(id), index]));
    rows.sort(
      (a, b) =>
        (position.get(a.nodeId) ?? Number.MAX_SAFE_INTEGER) - (position.get(b.nodeId) ?? Number.MAX_SAFE_INTEGER) ||
        a.nodeId.localeCompare(b.nodeId),
    );
    return rows.map((row) => this.toNodeModel(row, childStatus));
  }

  toModel(run: RunWithTemplate): RunModel {
    const error = run.error as { type?: string; message?: string } | null;
    return {
      id: run.id,
      projectId: run.projectId,
      templateId: run.templateId,
      templateName: run.template?.name ?? '',
      templateVersionId: run.templateVersionId,
      version: run.version,
      status: run.status,
      inputs: run.inputs,
      outputs: run.outputs,
      error: error ? { type: error.type ?? 'Error', message: error.message ?? '' } : null,
      paused: run.paused ? { by: run.paused.by, at: run.paused.at, nodeId: run.paused.nodeId ?? null } : null,
      waitingOn: run.waitingOn,
      callback: run.callback ? callbackModel(run.callback) : null,
      startedBy: run.startedBy,
      requestId: run.requestId,
      createdAt: run.createdAt,
      startedAt: run.startedAt,
      endedAt: run.finishedAt,
      updatedAt: run.updatedAt,
      temporalWorkflowId: run.workflowId,
      temporalRunId: run.temporalRunId,
      parentRunId: run.parentRunId ?? null,
      parentNodeId: run.parentNodeId ?? null,
      subflows: run.subflows ?? null,
      temporalUiUrl: this.temporal.workflowUiUrl(run.workflowId, run.temporalRunId),
    };
  }

  /** A node row as GraphQL shows it; `childStatus` holds the recorded status of child runs by id. */
  toNodeModel(row: NodeRun, childStatus?: ReadonlyMap<string, RunStatus>): NodeRunModel {
    const child = (row.details as { child?: ChildRunRef } | null)?.child;
    return {
      nodeId: row.nodeId,
      type: row.nodeType,
      name: row.name,
      status: row.status,
      attempts: row.attempts,
      executions: row.executions,
      startedAt: row.startedAt,
      endedAt: row.finishedAt,
      input: row.input,
      output: row.output,
      error:
        row.errorType || row.errorMessage ? { type: row.errorType ?? 'Error', message: row.errorMessage ?? '' } : null,
      skipReason: row.skipReason,
      waitingFor: row.waitingFor,
      details: row.details,
      childRun: child
        ? {
            id: child.runId,
            status: childStatus?.get(child.runId) ?? child.status,
            templateId: child.templateId,
            templateName: child.templateName,
            version: child.version,
            temporalWorkflowId: child.workflowId,
          }
        : null,
    };
  }
}

/** A callback URL fit to show: a password in it and the values of its query masked (they often carry tokens). */
export function maskCallbackUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '***';
  }
  if (parsed.password) parsed.password = '***';
  for (const key of new Set(parsed.searchParams.keys())) parsed.searchParams.set(key, '***');
  return parsed.toString().replace(/%2A%2A%2A/g, '***');
}

function callbackModel(record: RunCallbackRecord): RunCallbackModel {
  const delivery = record.status === 'PENDING' ? undefined : record;
  return {
    url: maskCallbackUrl(record.url),
    status: record.status,
    attempts: record.attempts ?? 0,
    at: delivery?.at ?? null,
    httpStatus: delivery?.httpStatus ?? null,
    error: delivery?.error ? { type: delivery.error.type, message: delivery.error.message } : null,
  };
}
