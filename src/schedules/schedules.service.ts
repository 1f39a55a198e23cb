import { randomUUID } from 'node:crypto';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  type ScheduleDescription,
  type ScheduleHandle,
  type ScheduleOptions,
  type ScheduleOptionsAction,
} from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource, type EntityManager, QueryFailedError, Repository } from 'typeorm';
import { INTERPRETER_WORKFLOW_TYPE, type ExecutionPlan, type InterpreterInput } from '../../workflows/contract';
import { compilePlan } from '../../workflows/definition/compile';
import { validateRunInputs } from '../../workflows/definition/inputs';
import type { Definition, JsonObject } from '../../workflows/definition/types';
import {
  SA_PROJECT,
  SA_RUN_STATUS,
  SA_STARTED_BY,
  SA_TEMPLATE,
  SA_TEMPLATE_VERSION,
} from '../../workflows/search-attributes';
import { AuditOutcome } from '../audit/audit-log-entry.entity';
import { AuditService } from '../audit/audit.service';
import { type Principal, principalLabel } from '../common/auth/principal';
import { BadUserInputError, ConflictError, NotFoundError, type Problem } from '../common/errors/app-errors';
import { InjectConfig } from '../config/config.module';
import type { SwitchyardConfig } from '../config/config';
import { PluginCatalogService } from '../plugins-catalog/plugin-catalog.service';
import { Template } from '../templates/template.entity';
import { type ResolvedTemplateVersion, TemplatesService } from '../templates/templates.service';
import { TemporalClientService } from '../temporal/temporal-client.service';
import type { CreateScheduleInput } from './dto/create-schedule.input';
import { ScheduleModel } from './dto/schedule.model';
import type { UpdateScheduleInput } from './dto/update-schedule.input';
import {
  backfillFirings,
  checkScheduleSpec,
  scheduleTemporalId,
  specProblem,
  storedSpec,
  temporalScheduleSpec,
} from './schedule-spec';
import { Schedule, type ScheduleOverlap, type StoredScheduleSpec } from './schedule.entity';

/** A schedule row with its template loaded. */
type ScheduleRow = Schedule & { template: Template };

/** How often, by default, schedules that follow the latest version are compared with their templates. */
export const DEFAULT_SWEEP_INTERVAL_SECONDS = 60;

/**
 * What the schedules feature reads from the configuration beyond the basics:
 * `schedules.sweepIntervalSeconds` (default {@link DEFAULT_SWEEP_INTERVAL_SECONDS}).
 */
export function schedulesSettings(config: SwitchyardConfig): { sweepIntervalMs: number } {
  const seconds = (config as SwitchyardConfig & { schedules?: { sweepIntervalSeconds?: number } }).schedules
    ?.sweepIntervalSeconds;
  return { sweepIntervalMs: (seconds ?? DEFAULT_SWEEP_INTERVAL_SECONDS) * 1000 };
}
/** A backfill may start at most this many runs (when they can be counted beforehand). */
export const MAX_BACKFILL_RUNS = 1000;
/** The Temporal UI shows summaries up to about 200 bytes safely. */
const MAX_SUMMARY_LENGTH = 190;
/** Who the audit log names for what the platform does by itself. */
const SYSTEM_ACTOR = 'system';

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505';
}

function summary(text: string): string {
  return Buffer.byteLength(text) <= MAX_SUMMARY_LENGTH ? text : `${text.slice(0, MAX_SUMMARY_LENGTH - 3)}...`;
}

/** Keeps names from turning into markdown links or emphasis. */
function markdownText(text: string): string {
  return text.replace(/([\\`*_[\]()<>#!|])/g, '\\$1');
}

function inputsMessage(problems: readonly Problem[], prefix: string): string {
  return problems.length === 1
    ? `${prefix}: ${problems[0].path}: ${problems[0].message}`
    : `${prefix} (${problems.length} problems)`;
}

/** The API view of a schedule row. */
export function scheduleModel(row: ScheduleRow): ScheduleModel {
  const spec = storedSpec(row.spec);
  return Object.assign(new ScheduleModel(), {
    id: row.id,
    projectId: row.projectId,
    templateId: row.templateId,
    templateName: row.template.name,
    name: row.name,
    version: row.version,
    followLatest: row.version === null,
    actionVersion: row.actionVersion,
    spec: {
      cron: spec.cron ?? null,
      timezone: spec.timezone ?? null,
      intervalSeconds: spec.intervalSeconds ?? null,
      at: spec.at ? new Date(spec.at) : null,
    },
    inputs: row.inputs,
    overlap: row.overlap,
    catchupWindowSeconds: row.catchupWindowSeconds,
    temporalScheduleId: row.temporalScheduleId,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    pausedInDatabase: row.paused,
  });
}

/**
 * Schedules: Temporal Schedules whose action starts the interpreter with a plan compiled from the
 * pinned (or latest) template version and the schedule's inputs, validated like `startRun`'s.
 * PostgreSQL keeps who owns each schedule and what it runs; Temporal keeps when it fires, whether it
 * is paused, and what it did. Every change to one schedule happens under its row lock, so the
 * Temporal side is written by one request at a time.
 *
 * Following the latest version: a schedule with `version = null` runs `templates.latest_version`.
 * When a version is published the schedule's action is rewritten
 * (1) right after the publishing transaction commits ({@link TemplatePublicationSubscriber}),
 * (2) before any read, trigger, backfill or resume of the schedule that finds it behind, and
 * (3) by a sweep at start and every minute (`schedules.sweepIntervalSeconds`; other API processes,
 * crashes in between).
 * A new version that refuses the schedule's inputs pauses the schedule, with a note saying why.
 */
@Injectable()
export class SchedulesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly sweepIntervalMs: number;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(
    @InjectRepository(Schedule) private readonly schedules: Repository<Schedule>,
    private readonly dataSource: DataSource,
    private readonly templates: TemplatesService,
    private readonly catalog: PluginCatalogService,
    private readonly temporal: TemporalClientService,
    private readonly audit: AuditService,
    @InjectConfig() config: SwitchyardConfig,
    @InjectPinoLogger(SchedulesService.name) private readonly logger: PinoLogger,
  ) {
    this.sweepIntervalMs = schedulesSettings(config).sweepIntervalMs;
  }

  onApplicationBootstrap(): void {
    if (!this.temporal.configured) return;
    void this.track(this.sweep());
    this.sweepTimer = setInterval(() => void this.track(this.sweep()), this.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  // ---- reading ------------------------------------------------------------------------------

  /** A project's schedules by name (followers of the latest version brought up to date first). */
  async list(projectId: string): Promise<ScheduleModel[]> {
    await this.refreshStale('s.project_id = $1', projectId);
    const rows = await this.schedules.find({
      where: { projectId },
      relations: { template: true },
      order: { name: 'ASC' },
    });
    return rows.map((row) => scheduleModel(row as ScheduleRow));
  }

  /** @throws {NotFoundError} when there is no such schedule. */
  async get(id: string): Promise<ScheduleModel> {
    await this.refreshStale('s.id = $1', id);
    return scheduleModel(await this.findRow(id));
  }

  /** Temporal's description of a schedule (next firings, recent runs, pause state); null when Temporal has none. */
  async describe(schedule: Pick<ScheduleModel, 'temporalScheduleId'>): Promise<ScheduleDescription | null> {
    try {
      return await this.handle(schedule.temporalScheduleId).describe();
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return null;
      throw error;
    }
  }

  /** The Temporal Web UI page of a schedule. */
  temporalUiUrl(schedule: Pick<ScheduleModel, 'temporalScheduleId'>): string {
    const { uiUrl, namespace } = this.temporal.settings;
    return `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/schedules/${encodeURIComponent(schedule.temporalScheduleId)}`;
  }

  // ---- writing ------------------------------------------------------------------------------

  /**
   * Creates a schedule: its row, then its Temporal Schedule (the row is removed if Temporal refuses).
   *
   * @throws {BadUserInputError} a bad spec (cron, time zone, interval, time), inputs the template refuses.
   * @throws {NotFoundError} no such template or version.
   * @throws {ConflictError} an archived template; a schedule of that name in the project.
   */
  async create(input: CreateScheduleInput, principal: Principal): Promise<ScheduleModel> {
    const problems: Problem[] = [];
    if (input.version != null && input.followLatest === true) {
      problems.push({ path: 'followLatest', message: 'cannot follow the latest version and pin a version at once' });
    }
    const checked = checkScheduleSpec(input.spec, new Date());
    problems.push(...checked.problems);
    if (problems.length > 0 || !checked.spec) throw new BadUserInputError(problems);

    const pinned = await this.templates.getVersion(input.templateId, input.version);
    const followLatest = input.version == null && input.followLatest !== false;
    const id = randomUUID();
    const row = Object.assign(new Schedule(), {
      id,
      projectId: pinned.template.projectId,
      templateId: pinned.templateId,
      name: input.name,
      version: followLatest ? null : pinned.version,
      spec: checked.spec as JsonObject,
      inputs: input.inputs ?? {},
      paused: input.paused ?? false,
      overlap: input.overlap ?? 'SKIP',
      catchupWindowSeconds: input.catchupWindowSeconds ?? null,
      actionVersion: pinned.version,
      temporalScheduleId: scheduleTemporalId(pinned.template.name, input.name, id),
      createdBy: principalLabel(principal),
    });
    const action = await this.action({ ...row, template: pinned.template }, pinned);
    try {
      await this.schedules.save(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(`A schedule named ${JSON.stringify(input.name)} exists in this project`);
      }
      throw error;
    }
    try {
      await this.temporal.client.schedule.create({
        scheduleId: row.temporalScheduleId,
        spec: temporalScheduleSpec(checked.spec),
        action,
        policies: this.policies(row),
        memo: { switchyardScheduleId: id, projectId: row.projectId, templateId: row.templateId },
        ...(await this.scheduleSearchAttributes(row.projectId, pinned.template.name)),
        state: {
          paused: row.paused,
          note: input.note ?? (row.paused ? `Created paused by ${row.createdBy}` : `Created by ${row.createdBy}`),
        },
      });
    } catch (error) {
      await this.schedules.delete({ id });
      this.rethrowTemporal(error, checked.spec);
    }
    this.logger.info({ scheduleId: id, temporalScheduleId: row.temporalScheduleId }, 'Schedule created');
    return this.get(id);
  }

  /**
   * Changes a schedule's version (pin or follow), spec, inputs, overlap or catch-up window. The
   * Temporal Schedule is rewritten; its pause state and note stay.
   *
   * @throws {BadUserInputError} as {@link create}.
   */
  async update(input: UpdateScheduleInput): Promise<ScheduleModel> {
    await this.withLocked(input.id, async (manager, row) => {
      const problems: Problem[] = [];
      if (input.version != null && input.followLatest === true) {
        problems.push({ path: 'followLatest', message: 'cannot follow the latest version and pin a version at once' });
      }
      let spec = storedSpec(row.spec);
      if (input.spec) {
        const checked = checkScheduleSpec(input.spec, new Date());
        problems.push(...checked.problems);
        if (checked.spec) spec = checked.spec;
      }
      if (problems.length > 0) throw new BadUserInputError(problems);

      let version = row.version;
      if (input.version != null) version = input.version;
      else if (input.followLatest === true) version = null;
      else if (input.followLatest === false && row.version === null) {
        version = row.actionVersion ?? row.template.latestVersionNumber;
      }
      const next: ScheduleRow = Object.assign(new Schedule(), row, {
        version,
        spec: spec as JsonObject,
        inputs: input.inputs ?? row.inputs,
        overlap: input.overlap ?? row.overlap,
        catchupWindowSeconds:
          input.catchupWindowSeconds === undefined ? row.catchupWindowSeconds : input.catchupWindowSeconds,
        template: row.template,
      });
      const pinned = await this.templates.getVersion(row.templateId, version);
      const action = await this.action(next, pinned);
      await this.writeTemporal(next, action, spec);
      // Raw SQL: TypeORM's deep partial type of the JSON columns is too deep for the compiler.
      await manager.query(
        `UPDATE schedules SET version = $2, spec = $3, inputs = $4, overlap = $5, catchup_window_seconds = $6,
                action_version = $7, updated_at = now()
          WHERE id = $1`,
        [
          row.id,
          version,
          JSON.stringify(next.spec),
          JSON.stringify(next.inputs),
          next.overlap,
          next.catchupWindowSeconds,
          pinned.version,
        ],
      );
    });
    return this.get(input.id);
  }

  /**
   * Pauses a schedule: it fires no more until resumed (a trigger or a backfill still starts runs).
   *
   * @throws {ConflictError} when it is paused already.
   */
  async pause(id: string, note: string | null | undefined, principal: Principal): Promise<ScheduleModel> {
    await this.withLocked(id, async (manager, row) => {
      const handle = this.handle(row.temporalScheduleId);
      const description = await this.describeOrConflict(handle);
      if (description.state.paused) throw new ConflictError('Schedule is already paused');
      await handle.pause(note || `Paused by ${principalLabel(principal)}`);
      await manager.update(Schedule, { id }, { paused: true });
    });
    return Object.assign(await this.get(id), { knownPaused: true });
  }

  /**
   * Resumes a paused schedule (its action brought to the latest version first, when it follows it).
   *
   * @throws {ConflictError} when it is not paused, or its template is archived.
   * @throws {BadUserInputError} when the latest version refuses the schedule's inputs.
   */
  async resume(id: string, note: string | null | undefined, principal: Principal): Promise<ScheduleModel> {
    await this.ensureCurrent(id, 'throw');
    await this.withLocked(id, async (manager, row) => {
      const handle = this.handle(row.temporalScheduleId);
      const description = await this.describeOrConflict(handle);
      if (!description.state.paused) throw new ConflictError('Schedule is not paused');
      await handle.unpause(note || `Resumed by ${principalLabel(principal)}`);
      await manager.update(Schedule, { id }, { paused: false });
    });
    return Object.assign(await this.get(id), { knownPaused: false });
  }

  /**
   * Starts a run now, whatever the spec says (paused or not). `overlap` defaults to ALLOW_ALL: the
   * run starts even while another runs.
   */
  async trigger(id: string, overlap: ScheduleOverlap | null | undefined): Promise<ScheduleModel> {
    const row = await this.ensureCurrent(id, 'throw');
    try {
      await this.handle(row.temporalScheduleId).trigger(overlap ?? 'ALLOW_ALL');
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) throw this.missingInTemporal();
      throw error;
    }
    return this.get(id);
  }

  /**
   * Takes the firings of a past window now, as if that time were passing again: one run per
   * firing time (with `overlap`, ALLOW_ALL by default, so none is skipped).
   *
   * @throws {BadUserInputError} an empty or future window; more than {@link MAX_BACKFILL_RUNS} runs.
   */
  async backfill(
    id: string,
    from: Date,
    to: Date,
    overlap: ScheduleOverlap | null | undefined,
  ): Promise<ScheduleModel> {
    const problems: Problem[] = [];
    if (!(from.getTime() < to.getTime())) problems.push({ path: 'to', message: 'must be after from' });
    if (to.getTime() > Date.now() + 1000) problems.push({ path: 'to', message: 'must not be in the future' });
    if (problems.length > 0) throw new BadUserInputError(problems);
    const row = await this.ensureCurrent(id, 'throw');
    const firings = backfillFirings(storedSpec(row.spec), from, to);
    if (firings === 0)
      throw new BadUserInputError([{ path: 'from', message: 'the schedule fires never in this window' }]);
    if (firings !== undefined && firings > MAX_BACKFILL_RUNS) {
      throw new BadUserInputError([
        {
          path: 'from',
          message: `this window holds ${firings} firings; backfill at most ${MAX_BACKFILL_RUNS} at once`,
        },
      ]);
    }
    try {
      await this.handle(row.temporalScheduleId).backfill({ start: from, end: to, overlap: overlap ?? 'ALLOW_ALL' });
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) throw this.missingInTemporal();
      throw error;
    }
    return this.get(id);
  }

  /** Deletes a schedule (its Temporal Schedule, then its row); runs it started stay. */
  async delete(id: string): Promise<string> {
    await this.withLocked(id, async (manager, row) => {
      try {
        await this.handle(row.temporalScheduleId).delete();
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      }
      await manager.delete(Schedule, { id });
    });
    this.logger.info({ scheduleId: id }, 'Schedule deleted');
    return id;
  }

  // ---- following the latest version ---------------------------------------------------------

  /**
   * Brings the schedules of these templates that follow the latest version up to date (called
   * after a version is published). Never throws: failures are logged, the sweep tries again.
   */
  followTemplates(templateIds: readonly string[]): Promise<void> {
    const work = (async () => {
      const rows = await this.dataSource.query<Array<{ id: string }>>(
        'SELECT id FROM schedules WHERE template_id = ANY($1::uuid[]) AND version IS NULL',
        [templateIds],
      );
      await this.refreshEach(rows.map((row) => row.id));
    })().catch((error: unknown) => this.logger.warn({ err: error }, 'Could not follow the new template versions'));
    return this.track(work);
  }

  /**
   * One pass over every schedule: followers behind their template's latest version are brought
   * up to date; schedules of archived templates are paused. Never throws.
   */
  async sweep(): Promise<void> {
    if (this.stopped) return;
    try {
      const rows = await this.dataSource.query<Array<{ id: string; archived: boolean }>>(
        `SELECT s.id, t.archived_at IS NOT NULL AS archived
           FROM schedules s JOIN templates t ON t.id = s.template_id
          WHERE (t.archived_at IS NULL AND s.version IS NULL AND s.action_version IS DISTINCT FROM t.latest_version)
             OR (t.archived_at IS NOT NULL AND NOT s.paused)`,
      );
      await this.refreshEach(rows.filter((row) => !row.archived).map((row) => row.id));
      for (const row of rows.filter((candidate) => candidate.archived)) {
        await this.pauseForArchivedTemplate(row.id).catch((error: unknown) =>
          this.logger.warn({ err: error, scheduleId: row.id }, 'Could not pause a schedule of an archived template'),
        );
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'Schedule sweep failed; trying again later');
    }
  }

  private async refreshStale(where: string, value: string): Promise<void> {
    if (!this.temporal.configured) return;
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT s.id FROM schedules s JOIN templates t ON t.id = s.template_id
        WHERE ${where} AND t.archived_at IS NULL AND s.version IS NULL
          AND s.action_version IS DISTINCT FROM t.latest_version`,
      [value],
    );
    await this.refreshEach(rows.map((row) => row.id));
  }

  private async refreshEach(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      if (this.stopped) return;
      await this.ensureCurrent(id, 'pause').catch((error: unknown) => {
        if (error instanceof NotFoundError) return; // deleted meanwhile
        this.logger.warn({ err: error, scheduleId: id }, 'Could not bring a schedule to the latest template version');
      });
    }
  }

  /**
   * Makes the Temporal action of a schedule that follows the latest version run that version.
   * When the latest version refuses the schedule's inputs: `throw` refuses with the problems
   * (a trigger, a resume), `pause` pauses the schedule with a note (a sweep, a read).
   *
   * @throws {ConflictError} (`throw`) the template is archived.
   */
  private ensureCurrent(id: string, mode: 'throw' | 'pause'): Promise<ScheduleRow> {
    return this.withLocked(id, async (manager, row) => {
      if (row.template.archivedAt) {
        if (mode === 'throw') {
          throw new ConflictError(`Template ${JSON.stringify(row.template.name)} is archived and starts no new runs`);
        }
        return row;
      }
      const latest = row.template.latestVersionNumber;
      if (row.version !== null || row.actionVersion === latest) return row;
      const pinned = await this.templates.getVersion(row.templateId, latest);
      let action: ScheduleOptionsAction;
      try {
        action = await this.action(row, pinned);
      } catch (error) {
        if (!(error instanceof BadUserInputError)) throw error;
        const message = inputsMessage(error.problems, `Template version ${latest} refuses this schedule's inputs`);
        if (mode === 'throw') throw new BadUserInputError(error.problems, `${message}; update the schedule's inputs`);
        if (!row.paused)
          await this.pauseBySystem(manager, row, `Paused: ${message}. Update its inputs, then resume it.`);
        return row;
      }
      const previous = row.actionVersion;
      await this.writeTemporal(row, action, storedSpec(row.spec));
      await manager.update(Schedule, { id }, { actionVersion: latest });
      row.actionVersion = latest;
      this.logger.info({ scheduleId: id, from: previous, to: latest }, 'Schedule follows the new template version');
      await this.audit.record({
        action: 'followTemplateVersion',
        outcome: AuditOutcome.SUCCESS,
        actor: SYSTEM_ACTOR,
        resourceType: 'schedule',
        resourceId: id,
        projectId: row.projectId,
        detail: { templateId: row.templateId, from: previous, to: latest },
      });
      return row;
    });
  }

  private pauseForArchivedTemplate(id: string): Promise<void> {
    return this.withLocked(id, async (manager, row) => {
      if (!row.template.archivedAt || row.paused) return;
      await this.pauseBySystem(
        manager,
        row,
        `Paused: template ${row.template.name} is archived and starts no new runs. Unarchive it, then resume.`,
      );
    });
  }

  private async pauseBySystem(manager: EntityManager, row: ScheduleRow, note: string): Promise<void> {
    try {
      await this.handle(row.temporalScheduleId).pause(note);
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
    await manager.update(Schedule, { id: row.id }, { paused: true });
    row.paused = true;
    this.logger.warn({ scheduleId: row.id, note }, 'Schedule paused');
    await this.audit.record({
      action: 'pauseSchedule',
      outcome: AuditOutcome.SUCCESS,
      actor: SYSTEM_ACTOR,
      resourceType: 'schedule',
      resourceId: row.id,
      projectId: row.projectId,
      detail: { note },
    });
  }

  // ---- Temporal -----------------------------------------------------------------------------

  private handle(temporalScheduleId: string): ScheduleHandle {
    return this.temporal.client.schedule.getHandle(temporalScheduleId);
  }

  /**
   * The action of a schedule: start the interpreter on the configured task queue with the plan of
   * `pinned` and the schedule's inputs (validated, defaults applied), as `schedule:<name>`. The
   * run id and start time are left empty: the interpreter takes Temporal's run id and start time.
   *
   * @throws {BadUserInputError} inputs that `pinned` refuses, each with its path.
   * @throws {ConflictError} a version that cannot compile with this catalog.
   */
  private async action(row: ScheduleRow, pinned: ResolvedTemplateVersion): Promise<ScheduleOptionsAction> {
    const definition = pinned.definition as unknown as Definition;
    const checked = validateRunInputs(definition, row.inputs ?? {});
    if (!checked.inputs || checked.problems.length > 0) {
      throw new BadUserInputError(checked.problems, inputsMessage(checked.problems, 'Invalid run inputs'));
    }
    this.plan(definition);
    // Subflows resolve when the action is written (a schedule's input is fixed): 'latest' is the
    // latest version then; a schedule following the latest version is rewritten on each publish.
    const plan = await this.templates.planWithSubflows(row.projectId, {
      templateId: row.templateId,
      templateName: pinned.template.name,
      definition,
    });
    const startedBy = `schedule:${row.name}`;
    const input: InterpreterInput = {
      plan,
      inputs: checked.inputs,
      run: {
        id: '',
        startedAt: '',
        startedBy,
        projectId: row.projectId,
        templateId: row.templateId,
        templateVersion: pinned.version,
        scheduleId: row.id,
      },
    };
    const templateName = pinned.template.name;
    const projectName = await this.projectName(row.projectId);
    const searchAttributes: SearchAttributePair[] = [
      { key: SA_PROJECT, value: projectName },
      { key: SA_TEMPLATE, value: templateName },
      { key: SA_TEMPLATE_VERSION, value: pinned.version },
      { key: SA_STARTED_BY, value: startedBy },
      { key: SA_RUN_STATUS, value: 'PENDING' },
    ];
    return {
      type: 'startWorkflow',
      workflowType: INTERPRETER_WORKFLOW_TYPE,
      taskQueue: this.temporal.taskQueue,
      workflowId: row.temporalScheduleId,
      args: [input],
      ...((await this.temporal.searchAttributesAvailable()) ? { typedSearchAttributes: searchAttributes } : {}),
      staticSummary: summary(`${templateName} v${pinned.version} by ${startedBy}`),
      staticDetails: [
        `**Switchyard scheduled run** of template **${markdownText(templateName)}** v${pinned.version}`,
        `in project **${markdownText(projectName)}**, started by schedule **${markdownText(row.name)}**.`,
      ].join('\n'),
    };
  }

  private plan(definition: Definition): ExecutionPlan {
    try {
      return compilePlan(definition, this.catalog);
    } catch (error) {
      throw new ConflictError(
        `This template version cannot run here: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private policies(row: Pick<Schedule, 'overlap' | 'catchupWindowSeconds'>): ScheduleOptions['policies'] {
    return {
      overlap: row.overlap,
      ...(row.catchupWindowSeconds != null ? { catchupWindow: row.catchupWindowSeconds * 1000 } : {}),
    };
  }

  private async scheduleSearchAttributes(
    projectId: string,
    templateName: string,
  ): Promise<{ typedSearchAttributes?: SearchAttributePair[] }> {
    if (!(await this.temporal.searchAttributesAvailable())) return {};
    const projectName = await this.projectName(projectId);
    return {
      typedSearchAttributes: [
        { key: SA_PROJECT, value: projectName },
        { key: SA_TEMPLATE, value: templateName },
      ],
    };
  }

  /** Rewrites a Temporal Schedule's spec, action and policies; its pause state and note stay. */
  private async writeTemporal(
    row: ScheduleRow,
    action: ScheduleOptionsAction,
    spec: StoredScheduleSpec,
  ): Promise<void> {
    const searchAttributes = await this.scheduleSearchAttributes(row.projectId, row.template.name);
    try {
      await this.handle(row.temporalScheduleId).update((previous) => ({
        spec: temporalScheduleSpec(spec),
        action,
        policies: this.policies(row),
        state: {
          paused: previous.state.paused,
          note: previous.state.note,
          remainingActions: previous.state.remainingActions,
        },
        ...searchAttributes,
      }));
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) throw this.missingInTemporal();
      this.rethrowTemporal(error, spec);
    }
  }

  /** Temporal's "invalid schedule spec" (a TypeError from the SDK) as a problem on the spec field. */
  private rethrowTemporal(error: unknown, spec: StoredScheduleSpec): never {
    if (error instanceof TypeError) throw new BadUserInputError([specProblem(spec, error.message)]);
    if (error instanceof ScheduleAlreadyRunning) throw new ConflictError('A Temporal Schedule with this id exists');
    throw error;
  }

  private async describeOrConflict(handle: ScheduleHandle): Promise<ScheduleDescription> {
    try {
      return await handle.describe();
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) throw this.missingInTemporal();
      throw error;
    }
  }

  private missingInTemporal(): ConflictError {
    return new ConflictError('Temporal has no such schedule any more (deleted outside Switchyard); delete it here too');
  }

  // ---- rows ---------------------------------------------------------------------------------

  private async findRow(id: string): Promise<ScheduleRow> {
    const row = await this.schedules.findOne({ where: { id }, relations: { template: true } });
    if (!row) throw new NotFoundError('Schedule', id);
    return row as ScheduleRow;
  }

  /** Runs `work` in a transaction holding the schedule's row lock, its template loaded. */
  private withLocked<T>(id: string, work: (manager: EntityManager, row: ScheduleRow) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const row = await manager.findOne(Schedule, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new NotFoundError('Schedule', id);
      const template = await manager.findOneByOrFail(Template, { id: row.templateId });
      return work(manager, Object.assign(row, { template }));
    });
  }

  private async projectName(projectId: string): Promise<string> {
    const rows = await this.dataSource.query<Array<{ name: string }>>('SELECT name FROM projects WHERE id = $1', [
      projectId,
    ]);
    return rows[0]?.name ?? projectId;
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work)).catch(() => undefined);
    return work;
  }
}
