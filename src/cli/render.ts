/**
 * Everything the CLI prints about definitions and runs: problem lines, the `--json` document,
 * the short summary and the `--watch` table. Pure formatting; the commands decide where it goes.
 */
import type { NodeError, NodeState, RunState, RunStatus } from '../../workflows/contract';
import type { Problem } from '../../workflows/definition/problems';
import type { JsonObject, JsonValue } from '../../workflows/definition/types';

/** One `<path>: <message>` line per problem, then one `warning: <path>: <message>` line per warning. */
export function problemLines(problems: readonly Problem[], warnings: readonly Problem[] = []): string[] {
  return [
    ...problems.map((problem) => `${problem.path}: ${problem.message}`),
    ...warnings.map((warning) => `warning: ${warning.path}: ${warning.message}`),
  ];
}

/** A node in the `--json` document. */
export interface NodeResult {
  status: NodeState['status'];
  attempts: number;
  output: JsonValue;
  error: NodeError | null;
}

/** The one document `run --json` prints (PRODUCT.md "CLI"), plus the workflow id and the run's own error. */
export interface RunResultDocument {
  status: RunStatus;
  workflowId: string;
  nodes: Record<string, NodeResult>;
  outputs: JsonObject;
  error: NodeError | null;
}

const errorOf = (error: NodeError | undefined): NodeError | null =>
  error ? { type: error.type, message: error.message } : null;

export function runResultDocument(state: RunState, workflowId: string): RunResultDocument {
  const nodes: Record<string, NodeResult> = {};
  for (const [id, node] of Object.entries(state.nodes)) {
    nodes[id] = {
      status: node.status,
      attempts: node.attempts,
      output: node.output ?? null,
      error: errorOf(node.error),
    };
  }
  return { status: state.status, workflowId, nodes, outputs: state.outputs ?? {}, error: errorOf(state.error) };
}

/** `250ms`, `3.2s`, `2m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  if (ms < 0 || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

function elapsed(startedAt: string | undefined, endedAt: string | undefined, now: number): number | undefined {
  if (!startedAt) return undefined;
  const start = Date.parse(startedAt);
  const end = endedAt ? Date.parse(endedAt) : now;
  return Number.isNaN(start) || Number.isNaN(end) ? undefined : end - start;
}

/** The short human summary printed at the end of `run` without `--json`. */
export function runSummary(state: RunState, workflowId: string, now = Date.now()): string[] {
  const nodes = Object.values(state.nodes);
  const counts = new Map<string, number>();
  for (const node of nodes) counts.set(node.status, (counts.get(node.status) ?? 0) + 1);
  const breakdown = [...counts.entries()].map(([status, count]) => `${count} ${status.toLowerCase()}`).join(', ');
  const took = elapsed(state.startedAt, state.endedAt, now);
  const lines = [
    `Run ${workflowId} ${state.status}${took !== undefined ? ` in ${formatDuration(took)}` : ''}` +
      ` (${nodes.length} node${nodes.length === 1 ? '' : 's'}: ${breakdown || 'none'})`,
  ];
  if (state.error) lines.push(`  error: ${state.error.type}: ${state.error.message}`);
  if (state.omitted) lines.push(`  note: ${state.omitted}`);
  for (const node of nodes) {
    if (node.status === 'FAILED' || (node.error && node.status !== 'SUCCEEDED')) {
      const error = node.error ? `: ${node.error.type}: ${node.error.message}` : '';
      lines.push(`  ${node.id} ${node.status} after ${node.attempts} attempt${node.attempts === 1 ? '' : 's'}${error}`);
    }
  }
  const outputs = Object.entries(state.outputs ?? {});
  if (outputs.length > 0) {
    lines.push('Outputs:');
    for (const [key, value] of outputs) lines.push(`  ${key}: ${JSON.stringify(value)}`);
  }
  return lines;
}

const COLUMNS = ['NODE', 'TYPE', 'STATUS', 'ATTEMPTS', 'DURATION', 'ERROR'] as const;

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function nodeRow(node: NodeState, now: number): string[] {
  const took = elapsed(node.startedAt, node.endedAt, now);
  const error = node.error ? oneLine(`${node.error.type}: ${node.error.message}`) : '';
  const waiting = node.waitingFor ? `waiting for an ${node.waitingFor}` : '';
  return [
    node.id,
    node.type,
    node.status,
    String(node.attempts),
    took !== undefined ? formatDuration(took) : '',
    [error, waiting].filter(Boolean).join(' - '),
  ];
}

/** Pads every column to its widest cell among `rows` (or `widthRows`, when only some rows are printed). */
function alignRows(rows: string[][], widthRows: string[][] = rows): string[] {
  const widths = COLUMNS.map((_, column) => Math.max(...widthRows.map((row) => row[column].length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd(),
  );
}

/** Runs in the order their definition lists the nodes; nodes the plan does not know come last. */
function orderedNodes(state: RunState, order: readonly string[]): NodeState[] {
  const known = order.filter((id) => state.nodes[id]).map((id) => state.nodes[id]);
  const rest = Object.values(state.nodes).filter((node) => !order.includes(node.id));
  return [...known, ...rest];
}

/** `run WAITING (deploy: waits for an operator)`: the status and why nothing moves, if so. */
function runLine(state: RunState): string {
  const why = (state.waitingOn ?? []).map((reason) =>
    reason.nodeId ? `${reason.nodeId}: ${reason.message}` : reason.message,
  );
  if (why.length === 0 && state.paused) why.push(`paused by ${state.paused.by}`);
  return `run ${state.status}${why.length > 0 ? ` (${oneLine(why.join('; '))})` : ''}`;
}

/** The `--watch` table as lines: a header, one row per node, and the run's status. */
export function watchTable(state: RunState, order: readonly string[], now = Date.now()): string[] {
  const rows = alignRows([[...COLUMNS], ...orderedNodes(state, order).map((node) => nodeRow(node, now))]);
  const took = elapsed(state.startedAt, state.endedAt, now);
  return [...rows, `${runLine(state)}${took !== undefined ? `  ${formatDuration(took)}` : ''}`];
}

export interface WatchViewOptions {
  write(text: string): void;
  /** Redraw the table in place (a terminal) or print only rows that changed (a pipe, a log). */
  tty: boolean;
  /** Terminal width; lines are cut to it so a redraw knows how many lines to move up. */
  columns?: number;
  /** Node ids in definition order. */
  order: readonly string[];
  now?: () => number;
}

/** The live view of `run --watch`. Feed it every polled state; `finish` with the final one. */
export class WatchView {
  private drawnLines = 0;
  private readonly seen = new Map<string, string>();
  private lastRunStatus?: string;
  private headerPrinted = false;

  constructor(private readonly options: WatchViewOptions) {}

  update(state: RunState): void {
    if (this.options.tty) this.redraw(state);
    else this.printChanges(state);
  }

  finish(state: RunState): void {
    this.update(state);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private redraw(state: RunState): void {
    const width = this.options.columns && this.options.columns > 1 ? this.options.columns - 1 : undefined;
    const lines = watchTable(state, this.options.order, this.now()).map((text) =>
      width !== undefined && text.length > width ? `${text.slice(0, width - 1)}…` : text,
    );
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A\r\x1b[J` : '';
    this.options.write(up + lines.map((text) => `${text}\n`).join(''));
    this.drawnLines = lines.length;
  }

  private printChanges(state: RunState): void {
    const now = this.now();
    const header = [...COLUMNS];
    const all: string[][] = [header];
    const changed: string[][] = this.headerPrinted ? [] : [header];
    for (const node of orderedNodes(state, this.options.order)) {
      const row = nodeRow(node, now);
      all.push(row);
      // Durations tick on every poll; a row is "changed" when what it says about the node changes.
      const key = JSON.stringify([node.status, node.attempts, node.error?.type, node.error?.message, node.waitingFor]);
      if (this.seen.get(node.id) !== key) {
        this.seen.set(node.id, key);
        changed.push(row);
      }
    }
    let text = '';
    if (changed.length > (this.headerPrinted ? 0 : 1)) {
      // Widths from the id and type columns of every node keep rows printed at different times aligned.
      const widthRows = all.map((row, index) => (index === 0 ? row : [row[0], row[1], 'CANCELLED', '', '', '']));
      text += alignRows(changed, widthRows)
        .map((row) => `${row}\n`)
        .join('');
      this.headerPrinted = true;
    }
    const run = runLine(state);
    if (run !== this.lastRunStatus) {
      this.lastRunStatus = run;
      const took = elapsed(state.startedAt, state.endedAt, now);
      text += `${run}${took !== undefined && state.endedAt ? `  ${formatDuration(took)}` : ''}\n`;
    }
    if (text) this.options.write(text);
  }
}
