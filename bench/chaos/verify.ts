/**
 * The chaos harness's checks (issue #7 section 3), pure: given what the harness observed once the
 * runs settled (the database rows, Temporal's view of each workflow, the ledger), every run
 * reached the status its template implies, the database agrees with Temporal for every run and
 * node, no node ran more often than its retries allow, and nothing says RUNNING that is not.
 */
import type { RunState } from '../../workflows/contract';
import type { ChaosTemplate } from './templates';

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const LIVE = new Set(['PENDING', 'RUNNING', 'WAITING', 'PAUSED']);

/** One line of the ledger plugin's file (bench/chaos/plugins/chaos-ledger): one execution. */
export interface LedgerEntry {
  runId: string;
  nodeId: string;
  attempt: number;
  pid: number;
  at: string;
}

/** One run the harness started, as the database and Temporal see it after the chaos. */
export interface ObservedRun {
  id: string;
  workflowId: string;
  /** Index into the templates. */
  template: number;
  /** Its `runs` row, when there is one. */
  row?: { status: string };
  /** Its `node_runs` rows by node id. */
  nodeRows: Record<string, { status: string; attempts: number }>;
  /** Temporal's execution status name (`RUNNING` while open). */
  temporalStatus: string;
  /** The workflow's result, when it completed. */
  state?: RunState;
  /** Why the result could not be read. */
  resultError?: string;
}

export interface ChaosObservation {
  runs: ObservedRun[];
  ledger: LedgerEntry[];
  /** Top-level `runs` rows in the database (the harness's runs and any it did not ask for). */
  runRows: Array<{ id: string; status: string }>;
}

export interface ChaosChecks {
  runMismatches: number;
  nodeMismatches: number;
  /** Rows (runs or nodes) that say live while Temporal says otherwise. */
  phantomRunning: number;
  /** Runs whose final status is not the one their template implies. */
  unexpectedOutcomes: number;
  ledgerExecutions: number;
  ledgerViolations: number;
  repeatedAttempts: number;
  nodesExecutedMoreThanOnce: number;
  maxExecutionsPerNode: number;
  attemptsWithoutExecution: number;
}

export interface ChaosVerdict {
  checks: ChaosChecks;
  runsByStatus: Record<string, number>;
  problems: string[];
}

/**
 * Checks `observation` against `templates`; a verdict without problems is a pass.
 *
 * @example
 * const { problems, checks } = verifyChaos(observation, CHAOS_TEMPLATES);
 * if (problems.length > 0) console.error(problems.slice(0, 20));
 */
export function verifyChaos(observation: ChaosObservation, templates: ChaosTemplate[]): ChaosVerdict {
  const problems: string[] = [];
  const runsByStatus: Record<string, number> = {};
  const checks: ChaosChecks = {
    runMismatches: 0,
    nodeMismatches: 0,
    phantomRunning: 0,
    unexpectedOutcomes: 0,
    ledgerExecutions: observation.ledger.length,
    ledgerViolations: 0,
    repeatedAttempts: 0,
    nodesExecutedMoreThanOnce: 0,
    maxExecutionsPerNode: 0,
    attemptsWithoutExecution: 0,
  };
  const executions = new Map<string, LedgerEntry[]>();
  for (const entry of observation.ledger) {
    const key = `${entry.runId}/${entry.nodeId}`;
    executions.set(key, [...(executions.get(key) ?? []), entry]);
  }

  for (const run of observation.runs) {
    const template = templates[run.template];
    const label = `${template.definition.name} ${run.id}`;
    const status = run.row?.status ?? 'MISSING';
    runsByStatus[status] = (runsByStatus[status] ?? 0) + 1;
    if (!run.row) {
      checks.runMismatches += 1;
      problems.push(`${label}: no runs row`);
      continue;
    }
    if (run.temporalStatus !== 'RUNNING' && !TERMINAL.has(run.row.status)) {
      checks.phantomRunning += 1;
      problems.push(`${label}: database says ${run.row.status}, Temporal says ${run.temporalStatus}`);
    }
    if (run.resultError) problems.push(`${label}: result: ${run.resultError}`);
    const state = run.state;
    if (!state) {
      checks.runMismatches += 1;
      problems.push(`${label}: Temporal ${run.temporalStatus}, no result to compare`);
      continue;
    }
    if (state.status !== template.expectedRunStatus || run.row.status !== template.expectedRunStatus) {
      checks.unexpectedOutcomes += 1;
      problems.push(
        `${label}: database ${run.row.status}, Temporal ${state.status}, template implies ${template.expectedRunStatus}`,
      );
    }
    if (run.row.status !== state.status) {
      checks.runMismatches += 1;
      problems.push(`${label}: database ${run.row.status}, Temporal ${state.status}`);
    }
    checkNodes(run, state, template, label, checks, problems);
    checkLedger(run, state, template, executions, label, checks, problems);
  }

  const known = new Set(observation.runs.map((r) => r.id));
  const strayLedger = observation.ledger.filter((e) => !known.has(e.runId)).length;
  if (strayLedger > 0) {
    checks.ledgerViolations += strayLedger;
    problems.push(`${strayLedger} ledger entries of runs the harness did not start`);
  }
  // A start that failed for the harness but left a run behind would be a run nobody asked for.
  if (observation.runRows.length !== observation.runs.length)
    problems.push(`${observation.runRows.length} runs rows for ${observation.runs.length} runs started`);
  for (const row of observation.runRows) {
    if (known.has(row.id)) continue;
    if (LIVE.has(row.status)) checks.phantomRunning += 1;
    problems.push(`run ${row.id}: ${row.status}, not started by the harness`);
  }
  return { checks, runsByStatus, problems };
}

function checkNodes(
  run: ObservedRun,
  state: RunState,
  template: ChaosTemplate,
  label: string,
  checks: ChaosChecks,
  problems: string[],
): void {
  for (const [nodeId, expected] of Object.entries(template.expectedNodes)) {
    const node = state.nodes[nodeId];
    const row = run.nodeRows[nodeId];
    if (node?.status !== expected) {
      checks.unexpectedOutcomes += 1;
      problems.push(`${label} ${nodeId}: Temporal ${node?.status}, expected ${expected}`);
    }
    if (!row || row.status !== node?.status || row.attempts !== node?.attempts) {
      checks.nodeMismatches += 1;
      problems.push(
        `${label} ${nodeId}: database ${row?.status}/${row?.attempts} attempts, ` +
          `Temporal ${node?.status}/${node?.attempts} attempts`,
      );
    }
    if (row && LIVE.has(row.status) && !LIVE.has(node?.status ?? '')) {
      checks.phantomRunning += 1;
      problems.push(`${label} ${nodeId}: database says ${row.status}, Temporal says ${node?.status}`);
    }
  }
}

function checkLedger(
  run: ObservedRun,
  state: RunState,
  template: ChaosTemplate,
  executions: Map<string, LedgerEntry[]>,
  label: string,
  checks: ChaosChecks,
  problems: string[],
): void {
  for (const [nodeId, allowed] of Object.entries(template.maxAttempts)) {
    const entries = executions.get(`${run.id}/${nodeId}`) ?? [];
    const attempts = entries.map((e) => e.attempt);
    const highest = Math.max(0, ...attempts);
    checks.maxExecutionsPerNode = Math.max(checks.maxExecutionsPerNode, entries.length);
    if (entries.length > 1) checks.nodesExecutedMoreThanOnce += 1;
    checks.repeatedAttempts += attempts.length - new Set(attempts).size;
    if (entries.length > allowed || highest > allowed) {
      checks.ledgerViolations += 1;
      problems.push(
        `${label} ${nodeId}: ${entries.length} executions (attempts ${attempts.join(',')}), ${allowed} allowed`,
      );
    }
    const temporalAttempts = state.nodes[nodeId]?.attempts ?? 0;
    if (highest > temporalAttempts) {
      checks.ledgerViolations += 1;
      problems.push(`${label} ${nodeId}: ledger saw attempt ${highest}, Temporal ${temporalAttempts}`);
    }
    if (highest < temporalAttempts) checks.attemptsWithoutExecution += temporalAttempts - highest;
    const expected = template.expectedNodes[nodeId];
    if (expected === 'SUCCEEDED' && entries.length === 0) {
      checks.ledgerViolations += 1;
      problems.push(`${label} ${nodeId}: succeeded without a ledger entry`);
    }
    if (expected === 'SKIPPED' && entries.length > 0) {
      checks.ledgerViolations += 1;
      problems.push(`${label} ${nodeId}: skipped but executed ${entries.length} times`);
    }
  }
}
