/**
 * Writes run progress (the interpreter's {@link RunState}, whole or in part) to PostgreSQL: one
 * multi-row upsert of `node_runs`, one update of `runs`, then `NOTIFY switchyard_run_updated` for
 * every run that changed. Shared by the worker's progress recorder, the reconciler and the API's
 * own writes after an operation. Pure SQL over a `query` function, so it runs inside whatever
 * transaction the caller holds.
 */
import { isUuid } from '../common/auth/access';
import {
  TERMINAL_RUN_STATUSES,
  type ApprovalState,
  type NodeState,
  type NodeStatus,
  type RunState,
  type RunStatus,
} from '../../workflows/contract';

/** The channel the API listens on; the payload is the run id. */
export const RUN_UPDATED_CHANNEL = 'switchyard_run_updated';

/** Something that runs one SQL statement: a TypeORM `DataSource`, `EntityManager` or `QueryRunner`. */
export interface Queryable {
  query<T = unknown>(sql: string, parameters?: unknown[]): Promise<T>;
}

/** The part of a run's state without its nodes that is stored (a progress report's `run` is one). */
export type RunSnapshot = Pick<
  RunState,
  'status' | 'outputs' | 'error' | 'paused' | 'callback' | 'startedAt' | 'endedAt'
> & {
  /** `RunState.waitingOn`, where the interpreter reports it. */
  waitingOn?: unknown;
};

/** What to write for one run: its latest snapshot (if known) and the latest state of some nodes. */
export interface RunProgress {
  runId: string;
  run?: RunSnapshot;
  nodes: NodeState[];
  /**
   * The nodes come without inputs and outputs (a state too large for Temporal, `RunState.omitted`):
   * the stored ones stay as they are.
   */
  payloadsOmitted?: boolean;
}

/** What a write changed, for notifications and metrics. */
export interface ProgressWriteResult {
  /** Runs whose row or nodes changed (each was notified). */
  changedRunIds: string[];
  /** Runs this write moved from a live status to a terminal one. */
  finishedRuns: Array<{ runId: string; status: RunStatus }>;
  /** Nodes this write moved into a finished status, with how long their latest execution took. */
  finishedNodes: Array<{ type: string; status: NodeStatus; seconds: number }>;
}

const TERMINAL_SQL = TERMINAL_RUN_STATUSES.map((status) => `'${status}'`).join(', ');
const FINISHED_NODE_STATUSES: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'SKIPPED', 'CANCELLED']);

/** The node state fields that have a column of their own; everything else goes to `details`. */
const NODE_COLUMN_FIELDS = new Set([
  'id',
  'type',
  'name',
  'status',
  'attempts',
  'executions',
  'startedAt',
  'endedAt',
  'input',
  'output',
  'error',
  'skipReason',
  'waitingFor',
]);

/** The `details` of a node: what it reports beyond the columns (`reused`, `approval`...), or null. */
export function nodeDetails(node: NodeState): Record<string, unknown> | null {
  let details: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(node)) {
    if (NODE_COLUMN_FIELDS.has(key) || value === undefined) continue;
    details ??= {};
    details[key] = value;
  }
  return details;
}

function nodeRow(runId: string, node: NodeState) {
  return {
    run_id: runId,
    node_id: node.id,
    node_type: node.type,
    name: node.name ?? null,
    status: node.status,
    attempts: node.attempts ?? 0,
    executions: node.executions ?? 0,
    started_at: node.startedAt ?? null,
    finished_at: node.endedAt ?? null,
    input: node.input ?? null,
    output: node.output ?? null,
    error_type: node.error?.type?.slice(0, 255) ?? null,
    error_message: node.error?.message ?? null,
    skip_reason: node.skipReason ?? null,
    waiting_for: node.waitingFor ?? null,
    details: nodeDetails(node),
  };
}

function runRow(runId: string, run: RunSnapshot) {
  const waitingOn = run.waitingOn;
  return {
    id: runId,
    status: run.status,
    outputs: run.outputs ?? null,
    error: run.error ?? null,
    paused: run.paused ?? null,
    waiting_on: Array.isArray(waitingOn) && waitingOn.length > 0 ? waitingOn : null,
    callback: run.callback ?? null,
    started_at: run.startedAt ?? null,
    finished_at: run.endedAt ?? null,
  };
}

// JSON `null` inside a jsonb value survives jsonb_to_recordset as the jsonb `null`; normalize to SQL NULL.
// With `keepPayloads`, a row that exists keeps its input and output (the state came without them).
const upsertNodes = (keepPayloads: boolean): string => `
WITH incoming AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
    run_id uuid, node_id varchar, node_type varchar, name varchar, status varchar, attempts integer,
    executions integer, started_at timestamptz, finished_at timestamptz, input jsonb, output jsonb,
    error_type varchar, error_message text, skip_reason varchar, waiting_for varchar, details jsonb)
)
INSERT INTO node_runs AS n (run_id, node_id, node_type, name, status, attempts, executions, started_at,
  finished_at, input, output, error_type, error_message, skip_reason, waiting_for, details)
SELECT i.run_id, i.node_id, i.node_type, i.name, i.status, i.attempts, i.executions, i.started_at,
  i.finished_at, NULLIF(i.input, 'null'::jsonb), NULLIF(i.output, 'null'::jsonb), i.error_type, i.error_message,
  i.skip_reason, i.waiting_for, NULLIF(i.details, 'null'::jsonb)
FROM incoming i
WHERE EXISTS (SELECT 1 FROM runs r WHERE r.id = i.run_id)
ON CONFLICT (run_id, node_id) DO UPDATE SET
  node_type = EXCLUDED.node_type, name = EXCLUDED.name, status = EXCLUDED.status, attempts = EXCLUDED.attempts,
  executions = EXCLUDED.executions, started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at,
  input = ${keepPayloads ? 'n.input' : 'EXCLUDED.input'}, output = ${keepPayloads ? 'n.output' : 'EXCLUDED.output'},
  error_type = EXCLUDED.error_type,
  error_message = EXCLUDED.error_message, skip_reason = EXCLUDED.skip_reason, waiting_for = EXCLUDED.waiting_for,
  details = EXCLUDED.details, updated_at = now()
WHERE (n.node_type, n.name, n.status, n.attempts, n.executions, n.started_at, n.finished_at, n.input, n.output,
       n.error_type, n.error_message, n.skip_reason, n.waiting_for, n.details)
  IS DISTINCT FROM
      (EXCLUDED.node_type, EXCLUDED.name, EXCLUDED.status, EXCLUDED.attempts, EXCLUDED.executions,
       EXCLUDED.started_at, EXCLUDED.finished_at, ${keepPayloads ? 'n.input, n.output' : 'EXCLUDED.input, EXCLUDED.output'}, EXCLUDED.error_type,
       EXCLUDED.error_message, EXCLUDED.skip_reason, EXCLUDED.waiting_for, EXCLUDED.details)
RETURNING n.run_id, n.node_id, n.node_type, n.status, n.started_at, n.finished_at,
  n.details->'approval' AS approval`;
const UPSERT_NODES = upsertNodes(false);
const UPSERT_NODES_KEEPING_PAYLOADS = upsertNodes(true);

/** The audit action of an approval decided by its deadline (the default decision applied). */
export const APPROVAL_DEADLINE_ACTION = 'approvalDeadline';

// Once per decision: a node reported again (a worker's full report, the reconciler) adds nothing.
const AUDIT_DEADLINES = `
INSERT INTO audit_log (actor, action, resource_type, resource_id, project_id, outcome, detail)
SELECT 'system', '${APPROVAL_DEADLINE_ACTION}', 'run', x.run_id::text, r.project_id, 'SUCCESS', x.detail
FROM jsonb_to_recordset($1::jsonb) AS x(run_id uuid, node_id text, detail jsonb)
JOIN runs r ON r.id = x.run_id
WHERE NOT EXISTS (
  SELECT 1 FROM audit_log a
  WHERE a.project_id = r.project_id AND a.action = '${APPROVAL_DEADLINE_ACTION}' AND a.resource_id = x.run_id::text
    AND a.detail->>'nodeId' = x.node_id AND a.detail->>'decidedAt' = x.detail->>'decidedAt')`;

// A finished run is never reopened by a late report: a terminal status changes to nothing else
// (the same status may still be refined, e.g. its nodes' cancellation settling after a cancel).
// The callback is only ever replaced by a newer delivery: a report without one keeps what is there.
const UPDATE_RUNS = `
WITH incoming AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
    id uuid, status varchar, outputs jsonb, error jsonb, paused jsonb, waiting_on jsonb, callback jsonb,
    started_at timestamptz, finished_at timestamptz)
)
UPDATE runs AS r SET
  status = i.status, outputs = NULLIF(i.outputs, 'null'::jsonb), error = NULLIF(i.error, 'null'::jsonb),
  paused = NULLIF(i.paused, 'null'::jsonb), waiting_on = NULLIF(i.waiting_on, 'null'::jsonb),
  callback = COALESCE(NULLIF(i.callback, 'null'::jsonb), r.callback),
  started_at = COALESCE(r.started_at, i.started_at), finished_at = i.finished_at, updated_at = now()
FROM incoming i JOIN runs previous ON previous.id = i.id
WHERE r.id = i.id
  AND (r.status NOT IN (${TERMINAL_SQL}) OR r.status = i.status)
  AND (r.status, r.outputs, r.error, r.paused, r.waiting_on, r.finished_at, r.started_at IS NULL,
       COALESCE(NULLIF(i.callback, 'null'::jsonb), r.callback) IS DISTINCT FROM r.callback)
    IS DISTINCT FROM (i.status, NULLIF(i.outputs, 'null'::jsonb), NULLIF(i.error, 'null'::jsonb),
      NULLIF(i.paused, 'null'::jsonb), NULLIF(i.waiting_on, 'null'::jsonb), i.finished_at,
      i.started_at IS NULL, false)
RETURNING r.id, r.status, previous.status AS previous_status`;

const NOTIFY = `SELECT pg_notify('${RUN_UPDATED_CHANNEL}', id) FROM unnest($1::text[]) AS id`;

/**
 * Writes `entries` (at most one per run; for a run given twice the last wins) with three
 * statements, and notifies every run that changed. An approval that its deadline decided is
 * written to the audit log (action `approvalDeadline`, actor `system`) once. Runs without a row (not started through the
 * API) and ids that are not UUIDs are ignored. Run it inside a transaction: the notifications are
 * delivered on commit.
 */
export async function writeRunProgress(db: Queryable, entries: readonly RunProgress[]): Promise<ProgressWriteResult> {
  const nodes = new Map<string, ReturnType<typeof nodeRow>>();
  const nodesWithoutPayloads = new Map<string, ReturnType<typeof nodeRow>>();
  const runs = new Map<string, ReturnType<typeof runRow>>();
  for (const entry of entries) {
    if (!isUuid(entry.runId)) continue;
    const runId = entry.runId.toLowerCase();
    for (const node of entry.nodes) {
      const key = `${runId}\u0000${node.id}`;
      // The latest entry for a node decides: what an earlier entry put in the other batch goes.
      (entry.payloadsOmitted ? nodes : nodesWithoutPayloads).delete(key);
      (entry.payloadsOmitted ? nodesWithoutPayloads : nodes).set(key, nodeRow(runId, node));
    }
    if (entry.run) runs.set(runId, runRow(runId, entry.run));
  }
  const result: ProgressWriteResult = { changedRunIds: [], finishedRuns: [], finishedNodes: [] };
  const changed = new Set<string>();

  for (const [sql, batch] of [
    [UPSERT_NODES, nodes],
    [UPSERT_NODES_KEEPING_PAYLOADS, nodesWithoutPayloads],
  ] as const) {
    if (batch.size === 0) continue;
    type Upserted = {
      run_id: string;
      node_id: string;
      node_type: string;
      status: NodeStatus;
      started_at: Date;
      finished_at: Date;
      approval: Partial<ApprovalState> | null;
    };
    const rows = await db.query<Upserted[]>(sql, [JSON.stringify([...batch.values()])]);
    const deadlines = rows
      .filter((row) => row.approval?.decidedBy === 'deadline')
      .map(({ run_id, node_id, approval }) => ({
        run_id,
        node_id,
        detail: {
          nodeId: node_id,
          decision: approval!.decision,
          deadlineAt: approval!.deadlineAt,
          decidedAt: approval!.decidedAt,
        },
      }));
    if (deadlines.length > 0) await db.query(AUDIT_DEADLINES, [JSON.stringify(deadlines)]);
    for (const row of rows) {
      changed.add(row.run_id);
      if (FINISHED_NODE_STATUSES.has(row.status) && row.started_at && row.finished_at && row.status !== 'SKIPPED') {
        const seconds = (new Date(row.finished_at).getTime() - new Date(row.started_at).getTime()) / 1000;
        if (seconds >= 0) result.finishedNodes.push({ type: row.node_type, status: row.status, seconds });
      }
    }
  }
  if (runs.size > 0) {
    type Updated = { id: string; status: RunStatus; previous_status: RunStatus };
    const updated = await db.query<unknown[]>(UPDATE_RUNS, [JSON.stringify([...runs.values()])]);
    // Through TypeORM, an UPDATE ... RETURNING answers [rows, rowCount]; through pg, the rows.
    const rows = (Array.isArray(updated[0]) ? updated[0] : updated) as Updated[];
    for (const row of rows) {
      changed.add(row.id);
      if (TERMINAL_RUN_STATUSES.includes(row.status) && !TERMINAL_RUN_STATUSES.includes(row.previous_status)) {
        result.finishedRuns.push({ runId: row.id, status: row.status });
      }
    }
  }
  result.changedRunIds = [...changed];
  if (changed.size > 0) await db.query(NOTIFY, [result.changedRunIds]);
  return result;
}

/**
 * The node states of a run that ended while some nodes never did (terminated, timed out, or a
 * state read before the interpreter wound down): unfinished nodes become CANCELLED.
 */
export function settleUnfinishedNodes(nodes: readonly NodeState[], at: string): NodeState[] {
  return nodes.map((node) =>
    node.status === 'PENDING' || node.status === 'RUNNING' || node.status === 'WAITING'
      ? {
          ...node,
          status: 'CANCELLED',
          endedAt: node.endedAt ?? (node.status === 'PENDING' ? undefined : at),
          waitingFor: undefined,
        }
      : node,
  );
}
