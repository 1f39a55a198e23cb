/**
 * The worker side of scheduled runs. A Temporal Schedule starts the interpreter with one fixed
 * input for every firing, so no API call records the run beforehand: the run's first full
 * progress report (which carries `start: { info, inputs }`) is where Switchyard learns of it.
 * The registrar sits in front of the progress recorder and gives such a run its `runs` row (and
 * its `schedule_runs` link) before the recorder sees any report of it; the recorder writes only
 * rows that exist. Child runs (started by a subflow node, `start.info.parent` set) get their row the
 * same way, in their parent's project and linked to their parent run and node.
 */
import type { InjectedSinks } from '@temporalio/worker';
import type { ProgressReport, ProgressSinks } from '../../workflows/contract';
import { isUuid } from '../common/auth/access';
import type { Queryable } from './run-progress.store';

/** Where the registrar reports failures (the Temporal Runtime logger fits, so does pino). */
export interface ScheduledRunRegistrarLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
}

export interface ScheduledRunRegistrarOptions {
  /** Attempts to write a run's row before its reports are passed on regardless (default 5). */
  attempts?: number;
  /** Wait before the first retry, doubled after each failure (default 200 ms). */
  retryMs?: number;
  logger?: ScheduledRunRegistrarLogger;
}

/** Counters of the registrar's work, for tests. */
export interface ScheduledRunRegistrarStats {
  /** Rows inserted (a run already recorded counts in `known`). */
  registered: number;
  /** Full reports of scheduled runs whose row already existed. */
  known: number;
  /** Runs whose row could not be written after every attempt. */
  failed: number;
}

export interface ScheduledRunRegistrar {
  /** Takes a report: registers its run when needed, then passes it (and every later one) on, in order. */
  report(report: ProgressReport): void;
  /** The same as Temporal worker sinks, for `Worker.create({ sinks })`. */
  sinks: InjectedSinks<ProgressSinks>;
  /** Waits for registrations in progress (their reports are passed on); later reports go straight through. */
  close(): Promise<void>;
  readonly stats: ScheduledRunRegistrarStats;
}

/** Run ids remembered as registered, so the replays of a busy worker do not query again. */
const KNOWN_RUNS_LIMIT = 10_000;

/**
 * One statement: the run row (its project, template and pinned version looked up from the
 * report's identity) and, when the row is new and the schedule still exists, its link to the
 * schedule. A run that has a row already changes nothing.
 */
const REGISTER_RUN = `
WITH pinned AS (
  SELECT t.project_id, t.id AS template_id, v.id AS template_version_id, v.version
    FROM templates t JOIN template_versions v ON v.template_id = t.id
   WHERE t.id = $2::uuid AND v.version = $3::int AND t.project_id = $4::uuid
), inserted AS (
  INSERT INTO runs (id, project_id, template_id, template_version_id, version, workflow_id, temporal_run_id, status,
                    inputs, started_by, created_at, started_at)
  SELECT $1::uuid, p.project_id, p.template_id, p.template_version_id, p.version, $5::varchar, $1::varchar,
         $6::varchar, $7::jsonb, $8::varchar, COALESCE($9::timestamptz, now()), $9::timestamptz
    FROM pinned p
  ON CONFLICT DO NOTHING
  RETURNING id, project_id
), linked AS (
  INSERT INTO schedule_runs (schedule_id, run_id)
  SELECT s.id, i.id FROM inserted i JOIN schedules s ON s.id = $10::uuid AND s.project_id = i.project_id
  ON CONFLICT DO NOTHING
  RETURNING run_id
)
SELECT (SELECT count(*) FROM inserted)::int AS inserted, (SELECT count(*) FROM pinned)::int AS pinned`;

const consoleLogger: ScheduledRunRegistrarLogger = {
  warn: (message, meta) => console.warn(message, meta ?? ''),
};

/**
 * A child run (started by a subflow node): its row is attached to the parent run's project, with
 * its parent run and node. A parent row that is not there yet (its own registration still in
 * flight) makes the statement insert nothing; the registrar then retries.
 */
const REGISTER_CHILD_RUN = `
WITH pinned AS (
  SELECT p.project_id, t.id AS template_id, v.id AS template_version_id, v.version
    FROM runs p
    JOIN templates t ON t.id = $2::uuid AND t.project_id = p.project_id
    JOIN template_versions v ON v.template_id = t.id AND v.version = $3::int
   WHERE p.id = $4::uuid
), inserted AS (
  INSERT INTO runs (id, project_id, template_id, template_version_id, version, workflow_id, temporal_run_id, status,
                    inputs, started_by, created_at, started_at, parent_run_id, parent_node_id)
  SELECT $1::uuid, p.project_id, p.template_id, p.template_version_id, p.version, $5::varchar, $1::varchar,
         $6::varchar, $7::jsonb, $8::varchar, COALESCE($9::timestamptz, now()), $9::timestamptz, $4::uuid, $10::varchar
    FROM pinned p
  ON CONFLICT DO NOTHING
  RETURNING id
)
SELECT (SELECT count(*) FROM inserted)::int AS inserted, (SELECT count(*) FROM pinned)::int AS pinned`;

/** The parent's row is not written yet: worth another attempt. */
class ParentNotRecordedError extends Error {}

/** The identity of a child run (subflow) on a full report, or undefined for any other report. */
function childStart(report: ProgressReport) {
  const info = report.full ? report.start?.info : undefined;
  const parent = info?.parent;
  if (!parent || !info.templateId || info.templateVersion === undefined) return undefined;
  if (!isUuid(report.runId) || !isUuid(info.templateId) || !isUuid(parent.runId)) return undefined;
  return { ...info, templateId: info.templateId, parent };
}

type RegisteredStart = NonNullable<ReturnType<typeof scheduledStart>> | NonNullable<ReturnType<typeof childStart>>;

/** The parameters of {@link REGISTER_RUN}. */
function scheduledParams(
  report: ProgressReport,
  start: NonNullable<ReturnType<typeof scheduledStart>>,
  inputs: unknown,
): unknown[] {
  return [
    report.runId,
    start.templateId,
    start.templateVersion,
    start.projectId,
    report.workflowId,
    report.run.status,
    JSON.stringify(inputs),
    start.startedBy,
    start.startedAt || null,
    start.scheduleId,
  ];
}

/** The identity of a scheduled run on a full report, or undefined for any other report. */
function scheduledStart(report: ProgressReport) {
  const info = report.full ? report.start?.info : undefined;
  if (!info?.scheduleId || !info.templateId || !info.projectId || info.templateVersion === undefined) return undefined;
  if (!isUuid(report.runId) || !isUuid(info.scheduleId) || !isUuid(info.templateId) || !isUuid(info.projectId)) {
    return undefined;
  }
  return { ...info, scheduleId: info.scheduleId, templateId: info.templateId, projectId: info.projectId };
}

/**
 * Wraps the progress recorder's input (`forward`). A full report of a run a schedule started
 * (`start.info.scheduleId` set) whose row does not exist gets one first: INSERT ... ON CONFLICT DO
 * NOTHING with the run id (= the Temporal run id), project, template and version from
 * `start.info`, the workflow id, inputs, `started_by` (`schedule:<name>`) and the reported status,
 * plus its `schedule_runs` link. Until that write is done, that run's reports wait here and are then
 * passed on in their order; other runs' reports pass at once. A write that keeps failing is logged
 * and its reports passed on anyway (the recorder then drops them, as it does for any unknown run).
 *
 * @example
 * const recorder = createProgressSinks(dataSource);
 * const registrar = createScheduledRunRegistrar(dataSource, (report) =>
 *   recorder.report(report));
 * const worker = await Worker.create({ ..., sinks: registrar.sinks });
 * // on shutdown: await registrar.close(); await recorder.close();
 */
export function createScheduledRunRegistrar(
  db: Queryable,
  forward: (report: ProgressReport) => void,
  options: ScheduledRunRegistrarOptions = {},
): ScheduledRunRegistrar {
  const attempts = Math.max(1, options.attempts ?? 5);
  const retryMs = options.retryMs ?? 200;
  const logger = options.logger ?? consoleLogger;
  const stats: ScheduledRunRegistrarStats = { registered: 0, known: 0, failed: 0 };
  /** Runs being registered, and their reports waiting in arrival order. */
  const held = new Map<string, ProgressReport[]>();
  const known = new Set<string>();
  const inFlight = new Set<Promise<void>>();

  const remember = (runId: string): void => {
    if (known.size >= KNOWN_RUNS_LIMIT) known.delete(known.values().next().value as string);
    known.add(runId);
  };

  const register = async (report: ProgressReport, start: RegisteredStart) => {
    const inputs = report.start?.inputs ?? {};
    const child = start.parent ? (start as NonNullable<ReturnType<typeof childStart>>) : undefined;
    const statement = child ? REGISTER_CHILD_RUN : REGISTER_RUN;
    const params = child
      ? [
          report.runId,
          child.templateId,
          child.templateVersion,
          child.parent.runId,
          report.workflowId,
          report.run.status,
          JSON.stringify(inputs),
          child.startedBy,
          child.startedAt || null,
          child.parent.nodeId,
        ]
      : scheduledParams(report, start as NonNullable<ReturnType<typeof scheduledStart>>, inputs);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const [row] = await db.query<Array<{ inserted: number; pinned: number }>>(statement, params);
        if (child && row.pinned === 0) throw new ParentNotRecordedError('the parent run has no row yet');
        if (row.inserted > 0) stats.registered += 1;
        else if (row.pinned > 0) stats.known += 1;
        else {
          // No such template version in that project: nothing to attach the run to.
          stats.failed += 1;
          logger.warn('A scheduled run names a template version that does not exist; not recorded', {
            runId: report.runId,
            templateId: start.templateId,
            version: start.templateVersion,
          });
          return;
        }
        remember(report.runId);
        return;
      } catch (error) {
        if (attempt >= attempts) {
          stats.failed += 1;
          logger.warn(
            'Could not record a scheduled or child run; its progress is dropped until the reconciler sees it',
            {
              runId: report.runId,
              error: error instanceof Error ? error.message : String(error),
            },
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, retryMs * 2 ** (attempt - 1)));
      }
    }
  };

  const forwardSafely = (queued: ProgressReport): void => {
    try {
      forward(queued);
    } catch (error) {
      logger.warn('The progress recorder refused a report', {
        runId: queued.runId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  };

  const report = (incoming: ProgressReport): void => {
    const waiting = held.get(incoming.runId);
    if (waiting) {
      waiting.push(structuredClone(incoming));
      return;
    }
    const start = childStart(incoming) ?? scheduledStart(incoming);
    if (!start || known.has(incoming.runId)) {
      forward(incoming);
      return;
    }
    const copy = structuredClone(incoming);
    held.set(copy.runId, [copy]);
    const done = register(copy, start).then(() => {
      const reports = held.get(copy.runId) ?? [];
      held.delete(copy.runId);
      inFlight.delete(done);
      for (const queued of reports) forwardSafely(queued);
    });
    inFlight.add(done);
  };

  return {
    report,
    sinks: { progress: { report: { fn: (_info, incoming) => report(incoming), callDuringReplay: false } } },
    async close() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    stats,
  };
}
