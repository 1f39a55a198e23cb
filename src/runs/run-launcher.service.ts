import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { WorkflowExecutionAlreadyStartedError, type SearchAttributePair } from '@temporalio/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Repository } from 'typeorm';
import { INTERPRETER_WORKFLOW_TYPE, type ExecutionPlan, type InterpreterInput } from '../../workflows/contract';
import { compilePlan } from '../../workflows/definition/compile';
import { validateRunInputs } from '../../workflows/definition/inputs';
import { secretsUsedBy } from '../../workflows/definition/secret-usage';
import type { Definition, JsonObject, JsonValue } from '../../workflows/definition/types';
import {
  SA_PROJECT,
  SA_RUN_STATUS,
  SA_STARTED_BY,
  SA_TEMPLATE,
  SA_TEMPLATE_VERSION,
} from '../../workflows/search-attributes';
import { type Principal, principalLabel } from '../common/auth/principal';
import { BadUserInputError, ConflictError } from '../common/errors/app-errors';
import { MetricsService } from '../common/metrics/metrics.service';
import { InjectConfig } from '../config/config.module';
import type { SwitchyardConfig } from '../config/config';
import { PluginCatalogService } from '../plugins-catalog/plugin-catalog.service';
import { SecretsService } from '../secrets/secrets.service';
import { type ResolvedTemplateVersion, TemplatesService } from '../templates/templates.service';
import { TemporalClientService } from '../temporal/temporal-client.service';
import type { RunModel } from './dto/run.model';
import type { StartRunInput } from './dto/start-run.input';
import { runMetrics, type RunMetrics } from './run-metrics';
import { Run } from './run.entity';
import { RunsService } from './runs.service';
import { runsSettings, type RunsSettings } from './runs-settings';

/** The Temporal UI shows summaries up to about 200 bytes safely. */
const MAX_SUMMARY_LENGTH = 190;

/** `Deploy Web (EU)!` -> `deploy-web-eu`: the readable part of a workflow id. */
export function templateSlug(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'run';
}

/** The workflow id of a run: `<template-name-slug>-<run uuid>`. */
export function runWorkflowId(templateName: string, runId: string): string {
  return `${templateSlug(templateName)}-${runId}`;
}

/** What a run is started with beyond its row: outputs to reuse (a rerun), the run-end callback. */
export type LaunchExtras = Pick<InterpreterInput, 'reuse' | 'callback'>;

/**
 * What a run's workflow is started from: the row, its template's name and project, the pinned
 * definition, and the extras of `startRun`/`rerunRun` (outputs to reuse are not stored in the row: a
 * run the reconciler starts late goes without them; its callback URL is kept).
 */
export interface LaunchContext extends LaunchExtras {
  run: Run;
  templateName: string;
  projectName: string;
  definition: Definition;
  /** The plan with its subflows resolved at start; resolved again from the definition when absent. */
  plan?: ExecutionPlan;
}

/** What a run records of its subflows: the template version each subflow node runs, recursively. */
export function subflowVersions(plan: ExecutionPlan): JsonObject | null {
  if (!plan.subflows || Object.keys(plan.subflows).length === 0) return null;
  const out: JsonObject = {};
  for (const [nodeId, sub] of Object.entries(plan.subflows)) {
    const nested = subflowVersions(sub.plan);
    out[nodeId] = {
      templateId: sub.templateId,
      templateName: sub.templateName,
      version: sub.version,
      ...(nested ? { subflows: nested } : {}),
    };
  }
  return out;
}

/**
 * Starts runs: `startRun` validates, records the run row (PENDING, pinned version, inputs, who,
 * request id) and only then starts the interpreter workflow, so a crash in between leaves a row
 * the reconciler starts later, under the same workflow id (starting twice is harmless).
 */
@Injectable()
export class RunLauncherService {
  private readonly settings: RunsSettings;
  private readonly metrics: RunMetrics;

  constructor(
    @InjectRepository(Run) private readonly runs: Repository<Run>,
    private readonly runsService: RunsService,
    private readonly templates: TemplatesService,
    private readonly catalog: PluginCatalogService,
    private readonly temporal: TemporalClientService,
    private readonly secrets: SecretsService,
    metricsService: MetricsService,
    @InjectConfig() config: SwitchyardConfig,
    @InjectPinoLogger(RunLauncherService.name) private readonly logger: PinoLogger,
  ) {
    this.settings = runsSettings(config);
    this.metrics = runMetrics(metricsService.registry);
  }

  /**
   * Starts a run of a template version (the latest when `version` is absent).
   *
   * @throws {NotFoundError} no such template or version.
   * @throws {ConflictError} archived template; a request id already used for another template.
   * @throws {BadUserInputError} inputs that break the template's declarations, each with its path.
   */
  async start(input: StartRunInput, principal: Principal): Promise<RunModel> {
    const callback = input.callbackUrl ? { url: checkCallbackUrl(input.callbackUrl) } : undefined;
    const requestId = input.requestId ?? null;
    if (requestId) {
      const existing = await this.byRequestId(input.templateId, requestId);
      if (existing) return existing;
    }
    const pinned = await this.templates.getVersion(input.templateId, input.version);
    return this.startPinned(pinned, input.inputs ?? {}, principal, { requestId, ...(callback ? { callback } : {}) });
  }

  /**
   * `cloneRun`: a new run of the same template version with the same inputs; nothing is reused.
   *
   * @throws {NotFoundError} no such run. @throws {ConflictError} the template is archived.
   */
  async clone(runId: string, principal: Principal): Promise<RunModel> {
    const old = await this.runsService.findRow(runId);
    const pinned = await this.templates.getVersion(old.templateId, old.version);
    return this.startPinned(pinned, old.inputs, principal, { requestId: null });
  }

  /**
   * `rerunRun`: a new run of the same template version (inputs overridden when given) that reuses
   * the outputs of the nodes that succeeded in the old run, except those at or downstream of a node
   * in `fromNodes` (every succeeded node is reused when `fromNodes` is empty).
   *
   * @throws {BadUserInputError} a `fromNodes` entry that is no node of the version; invalid inputs.
   */
  async rerun(
    runId: string,
    principal: Principal,
    fromNodes?: readonly string[] | null,
    inputs?: JsonObject | null,
  ): Promise<RunModel> {
    const old = await this.runsService.findRow(runId);
    const pinned = await this.templates.getVersion(old.templateId, old.version);
    const definition = pinned.definition as unknown as Definition;
    const known = new Set(definition.nodes.map((node) => node.id));
    const unknown = (fromNodes ?? []).map((id, index) => ({ id, index })).filter(({ id }) => !known.has(id));
    if (unknown.length > 0) {
      throw new BadUserInputError(
        unknown.map(({ id, index }) => ({ path: `fromNodes[${index}]`, message: `no node "${id}" in this version` })),
      );
    }
    const rerun = downstreamOf(definition, fromNodes ?? []);
    const succeeded: Array<{ node_id: string; output: JsonValue | null }> = await this.runs.query(
      `SELECT node_id, output FROM node_runs WHERE run_id = $1 AND status = 'SUCCEEDED'`,
      [old.id],
    );
    const reuse: Record<string, JsonValue> = {};
    for (const row of succeeded) {
      if (known.has(row.node_id) && !rerun.has(row.node_id)) reuse[row.node_id] = row.output ?? null;
    }
    return this.startPinned(pinned, inputs ?? old.inputs, principal, {
      requestId: null,
      ...(Object.keys(reuse).length > 0 ? { reuse } : {}),
    });
  }

  /** Validates inputs, records the run row and starts its workflow. */
  private async startPinned(
    pinned: ResolvedTemplateVersion,
    rawInputs: JsonObject,
    principal: Principal,
    options: { requestId: string | null } & LaunchExtras,
  ): Promise<RunModel> {
    const { requestId, ...extras } = options;
    const definition = pinned.definition as unknown as Definition;
    const checked = validateRunInputs(definition, rawInputs);
    if (!checked.inputs || checked.problems.length > 0) {
      throw new BadUserInputError(
        checked.problems,
        checked.problems.length === 1
          ? `Invalid run inputs: ${checked.problems[0].path}: ${checked.problems[0].message}`
          : `Invalid run inputs (${checked.problems.length} problems)`,
      );
    }
    this.plan(definition); // a version that cannot compile here is refused before any row exists
    const missing = await this.secrets.missing(pinned.template.projectId, secretsUsedBy(definition));
    if (missing.length > 0) {
      throw new BadUserInputError(
        missing.map((name) => ({ path: `secrets.${name}`, message: 'is not a secret of this project' })),
        `The template references secret${missing.length === 1 ? '' : 's'} ${missing.join(', ')}, which this project does not have`,
      );
    }
    // Subflows resolve now ('latest' becomes a number), are recorded in the row and go into the input.
    const plan = await this.templates.planWithSubflows(pinned.template.projectId, {
      templateId: pinned.templateId,
      templateName: pinned.template.name,
      definition,
    });
    const subflows = subflowVersions(plan);

    const id = randomUUID();
    const inserted: Array<{ id: string }> = await this.runs.query(
      `INSERT INTO runs (id, project_id, template_id, template_version_id, version, workflow_id, status, inputs,
                         started_by, request_id, callback, subflows)
       VALUES ($1, $2, $3, $4, $5, $6, 'PENDING', $7, $8, $9, $10, $11)
       ON CONFLICT (project_id, request_id) DO NOTHING
       RETURNING id`,
      [
        id,
        pinned.template.projectId,
        pinned.templateId,
        pinned.id,
        pinned.version,
        runWorkflowId(pinned.template.name, id),
        JSON.stringify(checked.inputs),
        principalLabel(principal),
        requestId,
        extras.callback ? JSON.stringify({ url: extras.callback.url, status: 'PENDING', attempts: 0 }) : null,
        subflows ? JSON.stringify(subflows) : null,
      ],
    );
    if (inserted.length === 0) {
      // Another request with the same request id won the race: its run is the answer.
      const existing = requestId ? await this.byRequestId(pinned.templateId, requestId) : null;
      if (existing) return existing;
      throw new ConflictError('The run could not be recorded; try again');
    }
    const run = await this.runsService.findRow(id);
    const projectName = await this.projectName(run.projectId);
    await this.launch({ run, templateName: pinned.template.name, projectName, definition, plan, ...extras });
    return this.runsService.get(id);
  }

  /**
   * Starts the workflow of a recorded run (idempotent: an existing workflow with its id is adopted)
   * and stores its Temporal run id. When Temporal refuses, the run is marked FAILED with the error.
   *
   * @returns whether the workflow runs (or ran).
   */
  async launch(context: LaunchContext): Promise<boolean> {
    const { run, templateName, projectName, definition, reuse, callback } = context;
    try {
      const input: InterpreterInput = {
        plan:
          context.plan ??
          (await this.templates.planWithSubflows(run.projectId, {
            templateId: run.templateId,
            templateName,
            definition,
          })),
        inputs: run.inputs,
        run: {
          id: run.id,
          startedBy: run.startedBy,
          startedAt: run.createdAt.toISOString(),
          // The worker reads the project's secrets by it.
          projectId: run.projectId,
          templateId: run.templateId,
          templateVersion: run.version,
          templateName,
        },
        ...(reuse ? { reuse } : {}),
        ...(callback ? { callback } : {}),
      };
      const client = this.temporal.client;
      const withSearchAttributes = await this.temporal.searchAttributesAvailable();
      const searchAttributes: SearchAttributePair[] = [
        { key: SA_PROJECT, value: projectName },
        { key: SA_TEMPLATE, value: templateName },
        { key: SA_TEMPLATE_VERSION, value: run.version },
        { key: SA_STARTED_BY, value: run.startedBy },
        { key: SA_RUN_STATUS, value: 'PENDING' },
      ];
      let temporalRunId: string;
      try {
        const handle = await client.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
          taskQueue: this.temporal.taskQueue,
          workflowId: run.workflowId,
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          workflowIdConflictPolicy: 'USE_EXISTING',
          ...(withSearchAttributes ? { typedSearchAttributes: searchAttributes } : {}),
          staticSummary: summary(`${templateName} v${run.version} by ${run.startedBy}`),
          staticDetails: this.details(run, templateName, projectName),
        });
        temporalRunId = handle.firstExecutionRunId;
      } catch (error) {
        // Started before and already closed (REJECT_DUPLICATE): adopt that execution.
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        temporalRunId = (await client.workflow.getHandle(run.workflowId).describe()).runId;
      }
      await this.runs.query(
        `UPDATE runs SET temporal_run_id = $2, started_at = COALESCE(started_at, now()), updated_at = now()
          WHERE id = $1`,
        [run.id, temporalRunId],
      );
      this.metrics.started.inc({ status: 'RUNNING' });
      this.logger.info({ runId: run.id, workflowId: run.workflowId, temporalRunId }, 'Run started');
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error({ err: error, runId: run.id, workflowId: run.workflowId }, 'Could not start the workflow');
      await this.runs.query(
        `UPDATE runs SET status = 'FAILED', error = $2, finished_at = now(), updated_at = now()
          WHERE id = $1 AND status = 'PENDING'`,
        [run.id, JSON.stringify({ type: 'StartFailed', message: `The workflow could not be started: ${message}` })],
      );
      await this.runs.query(`SELECT pg_notify('switchyard_run_updated', $1)`, [run.id]);
      this.metrics.started.inc({ status: 'FAILED' });
      return false;
    }
  }

  /** The pieces {@link launch} needs for a recorded run (the reconciler starts orphaned rows with it). */
  async launchContext(run: Run): Promise<LaunchContext> {
    const [version, template, projectName] = await Promise.all([
      this.templates.findVersion(run.templateVersionId),
      this.templates.findById(run.templateId),
      this.projectName(run.projectId),
    ]);
    return {
      run,
      templateName: template.name,
      projectName,
      definition: version.definition as unknown as Definition,
      ...(run.callback?.status === 'PENDING' ? { callback: { url: run.callback.url } } : {}),
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

  private async byRequestId(templateId: string, requestId: string): Promise<RunModel | null> {
    const rows: Array<{ id: string; template_id: string }> = await this.runs.query(
      `SELECT r.id, r.template_id FROM runs r JOIN templates t ON t.project_id = r.project_id
        WHERE t.id = $1 AND r.request_id = $2`,
      [templateId, requestId],
    );
    if (rows.length === 0) return null;
    if (rows[0].template_id !== templateId) {
      throw new ConflictError(`requestId ${JSON.stringify(requestId)} was already used for a run of another template`);
    }
    return this.runsService.get(rows[0].id);
  }

  private async projectName(projectId: string): Promise<string> {
    const rows: Array<{ name: string }> = await this.runs.query('SELECT name FROM projects WHERE id = $1', [projectId]);
    return rows[0]?.name ?? projectId;
  }

  /** Markdown for the Temporal UI: what this run is, and a link back to it in Switchyard. */
  private details(run: Run, templateName: string, projectName: string): string {
    const url = `${this.settings.publicUrl}/runs/${run.id}`;
    return [
      `**Switchyard run** of template **${markdownText(templateName)}** v${run.version}`,
      `in project **${markdownText(projectName)}**, started by ${markdownText(run.startedBy)}.`,
      '',
      `[Open this run in Switchyard](${url})`,
    ].join('\n');
  }
}

function summary(text: string): string {
  return Buffer.byteLength(text) <= MAX_SUMMARY_LENGTH ? text : `${text.slice(0, MAX_SUMMARY_LENGTH - 3)}...`;
}

/** Keeps names from turning into markdown links or emphasis. */
function markdownText(text: string): string {
  return text.replace(/([\\`*_[\]()<>#!|])/g, '\\$1');
}

/** Longest accepted `callbackUrl`. */
const MAX_CALLBACK_URL_LENGTH = 2000;

/** A `callbackUrl` as given, when it is an absolute http(s) URL; BAD_USER_INPUT otherwise. */
export function checkCallbackUrl(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (
    !parsed ||
    (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ||
    url.length > MAX_CALLBACK_URL_LENGTH
  ) {
    throw new BadUserInputError([
      {
        path: 'input.callbackUrl',
        message: `must be an http or https URL of at most ${MAX_CALLBACK_URL_LENGTH} characters`,
      },
    ]);
  }
  return url;
}

/** `fromNodes` and every node reachable from them along the edges. */
export function downstreamOf(definition: Pick<Definition, 'edges'>, fromNodes: readonly string[]): Set<string> {
  const next = new Map<string, string[]>();
  for (const edge of definition.edges ?? []) {
    next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  }
  const seen = new Set<string>(fromNodes);
  const queue = [...fromNodes];
  while (queue.length > 0) {
    for (const to of next.get(queue.shift()!) ?? []) {
      if (!seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
    }
  }
  return seen;
}
