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

/**
 * Reads runs and their nodes from PostgreSQL (which the progress recorder and the reconciler keep
 * in step with Temporal) and shapes them for GraphQL.
 */
@Injectable()
export class RunsService {
  /** `r.<column> AS "<property>"` for every column of {@link Run}: raw rows come out shaped like the entity. */
  private readonly runColumns: string;

  constructor(
    @InjectRepository(Run) private readonly runs: Repository<Run>,
    @InjectRepository(NodeRun) private readonly nodeRuns: Repository<NodeRun>,
    private readonly temporal: TemporalClientService,
  ) {
    this.runColumns = runs.metadata.columns
      .map((column) => `r.${column.databaseName} AS "${column.propertyName}"`)
      .join(', ');
  }

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
    const model = this.toModel(run, run.template?.name);
    model.nodes = await this.nodes(run.id);
    return model;
  }

  /**
   * A page of a project's runs, newest first, optionally of one template, in one status, or
   * started by one principal. The cursor is the last run's id (keyset on created_at, id). One
   * statement, its rows read as they come (no entity hydration: a page is read-only).
   */
  async list(args: RunsArgs): Promise<Page<RunModel>> {
    const size = pageSize(args.first);
    if (args.templateId && !isUuid(args.templateId)) {
      return { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };
    }
    const { sql, params } = this.pageQuery(args, size + 1);
    const rows = await this.runs.query<Array<Run & { templateName: string | null }>>(sql, params);
    const nodes = rows.slice(0, size).map((row) => ({ ...this.toModel(row, row.templateName), listed: true }));
    return {
      nodes,
      pageInfo: {
        hasNextPage: rows.length > size,
        endCursor: nodes.length ? encodeCursor('run', nodes[nodes.length - 1].id) : null,
      },
    };
  }

  /**
   * The one statement behind a page of {@link list}: every run column (named as the entity's
   * properties) and the template's name, `limit` rows. Public so that `bench/runs-listing.ts` times
   * the very statement the API runs.
   */
  pageQuery(args: RunsArgs, limit: number): { sql: string; params: unknown[] } {
    const params: unknown[] = [args.projectId];
    // Child runs (subflows) show under their parent's subflow node, not in the list.
    const where = ['r.project_id = $1', 'r.parent_run_id IS NULL'];
    const add = (condition: (placeholder: string) => string, value: unknown) => {
      params.push(value);
      where.push(condition(`$${params.length}`));
    };
    if (args.templateId) add((p) => `r.template_id = ${p}`, args.templateId);
    if (args.status) add((p) => `r.status = ${p}`, args.status);
    if (args.startedBy) add((p) => `r.started_by = ${p}`, args.startedBy);
    if (args.after) {
      const after = decodeCursor('run', args.after);
      if (!isUuid(after)) throw new BadUserInputError([{ path: 'after', message: 'is not a cursor of this list' }]);
      add((p) => `(r.created_at, r.id) < (SELECT c.created_at, c.id FROM runs c WHERE c.id = ${p})`, after);
    }
    // The join is many-to-one (one template per run): a plain LIMIT pages correctly.
    const sql =
      `SELECT ${this.runColumns}, t.name AS "templateName" FROM runs r LEFT JOIN templates t ON t.id = r.template_id ` +
      `WHERE ${where.join(' AND ')} ORDER BY r.created_at DESC, r.id DESC LIMIT ${Number(limit)}`;
    return { sql, params };
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

  /** A run row as GraphQL shows it; `templateName` from its template (an empty string when unknown). */
  toModel(run: Run, templateName: string | null | undefined): RunModel {
    const error = run.error as { type?: string; message?: string } | null;
    return {
      id: run.id,
      projectId: run.projectId,
      templateId: run.templateId,
      templateName: templateName ?? '',
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
