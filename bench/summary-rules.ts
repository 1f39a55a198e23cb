/**
 * How each result file under bench/results/ states its targets. A file may carry them in the
 * common shape (`targets: [{ name, figure, limit, op, unit?, met? }]`); files written before that
 * shape existed are read by a rule of their own. Pure: no I/O, so the summary spec feeds fixtures.
 */

export type Op = '<=' | '>=' | '<' | '>';

/** One target of one benchmark, as the summary shows it. */
export interface Finding {
  bench: string;
  target: string;
  /** The measured figure, as text (with its unit). */
  figure: string;
  /** True met, false missed, null no target or not measured. */
  met: boolean | null;
  /** "9 % to spare", "missed by 37 %", or why there is no verdict. */
  margin: string;
}

export interface NumericTarget {
  name: string;
  figure: number | null | undefined;
  limit: number;
  op: Op;
  unit?: string;
  met?: boolean;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** A scalar as text; anything else (missing, object) as `fallback`. */
const text = (value: unknown, fallback: string): string =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : fallback;

const percent = (fraction: number): string => {
  const value = Math.abs(fraction * 100);
  return `${value.toFixed(value >= 10 ? 0 : 1)} %`;
};

function format(value: number, unit = ''): string {
  const text = Math.abs(value) >= 1000 ? Math.round(value).toLocaleString('en-US') : String(Number(value.toFixed(3)));
  return unit ? `${text} ${unit}` : text;
}

/** A miss of 100 % or more reads better as a factor: "11.7× the limit". */
const times = (figure: number, limit: number, below: boolean): string =>
  `${(below ? figure / limit : limit / figure).toFixed(1)}× the limit`;

/** Met or missed, and by how much relative to the limit. */
export function judge(target: NumericTarget, bench: string): Finding {
  const { name, figure, limit, op, unit } = target;
  const wanted = `${op} ${format(limit, unit)}`;
  if (figure === undefined || figure === null || !Number.isFinite(figure)) {
    return { bench, target: `${name} ${wanted}`, figure: 'not measured', met: null, margin: 'no figure in the file' };
  }
  const below = op === '<=' || op === '<';
  const met = below ? (op === '<=' ? figure <= limit : figure < limit) : op === '>=' ? figure >= limit : figure > limit;
  // How far the figure is from the limit, as a share of the limit (positive: on the wrong side).
  const off = limit === 0 ? 0 : below ? figure / limit - 1 : 1 - figure / limit;
  return {
    bench,
    target: `${name} ${wanted}`,
    figure: format(figure, unit),
    met,
    margin: met
      ? `met, ${percent(off)} to spare`
      : off >= 1
        ? `missed: ${times(figure, limit, below)}`
        : `missed by ${percent(off)}`,
  };
}

function commonTargets(file: Json, bench: string): Finding[] | undefined {
  const targets = asArray(file.targets).filter(isObject);
  if (targets.length === 0) return undefined;
  return targets.map((target) => {
    const op = (['<=', '>=', '<', '>'] as const).find((candidate) => candidate === target.op) ?? '<=';
    const limit = num(target.limit);
    if (limit === undefined) {
      const met = typeof target.met === 'boolean' ? target.met : null;
      return {
        bench,
        target: text(target.name, 'target'),
        figure: text(target.figure, 'not measured'),
        met,
        margin: met === null ? 'no verdict' : met ? 'met' : 'missed',
      };
    }
    return judge(
      {
        name: text(target.name, 'target'),
        figure: num(target.figure),
        limit,
        op,
        ...(typeof target.unit === 'string' ? { unit: target.unit } : {}),
      },
      bench,
    );
  });
}

/** interpreter-vs-baseline.json before `targets`: the recorder variant's ratio when measured. */
function legacyBaseline(file: Json, bench: string): Finding[] {
  return asArray(file.interpreterVsBaseline)
    .filter(isObject)
    .map((row) => {
      const recorded = num(row.ratioWithProgressRecorder);
      return judge(
        {
          name: `${String(row.scenario)}: interpreter (${recorded === undefined ? 'without' : 'with'} progress recorder) / hand-written`,
          figure: recorded ?? num(row.ratio),
          limit: 1.1,
          op: '<=',
        },
        bench,
      );
    });
}

function apiThroughput(file: Json, bench: string): Finding[] {
  return [
    judge({ name: 'GraphQL / bare client runs per second', figure: num(file.ratio), limit: 0.9, op: '>=' }, bench),
  ];
}

function runsListing(file: Json, bench: string): Finding[] {
  return asArray(file.rows)
    .filter(isObject)
    .map((row) =>
      judge(
        { name: `runs page "${String(row.scenario)}": GraphQL / bare SQL`, figure: num(row.ratio), limit: 2, op: '<=' },
        bench,
      ),
    );
}

function validate(file: Json, bench: string): Finding[] {
  return [
    judge(
      {
        name: 'validate + compile, 10,000 nodes, worst shape (wall)',
        figure: num(file.worst10kMs),
        limit: 100,
        op: '<',
        unit: 'ms',
      },
      bench,
    ),
    judge(
      {
        name: 'validate + compile, 10,000 nodes, worst shape (CPU)',
        figure: num(file.worst10kCpuMs),
        limit: 100,
        op: '<',
        unit: 'ms',
      },
      bench,
    ),
  ];
}

function largeRuns(file: Json, bench: string): Finding[] {
  const quiet = isObject(file.quietRuns) ? asArray(file.quietRuns.ratios).filter(isObject) : [];
  const ratios = asArray(file.ratios).filter(isObject);
  return ratios.map((row) => {
    const shape = String(row.shape);
    const quietFigure = num(quiet.find((other) => other.shape === shape)?.ratio);
    const figure = num(row.ratio) ?? quietFigure;
    const finding = judge({ name: `10,000 / 1,000 nodes, ${shape}, end to end`, figure, limit: 11, op: '<=' }, bench);
    if (figure === undefined && typeof file.incomplete === 'string') {
      return { ...finding, margin: 'not measured: see the file\'s "incomplete" note' };
    }
    return num(row.ratio) === undefined ? { ...finding, margin: `${finding.margin} (in a quieter re-run)` } : finding;
  });
}

function workerMemory(file: Json, bench: string): Finding[] {
  return asArray(file.rows)
    .filter(isObject)
    .map((row) => ({
      bench,
      target: `worker memory per cached ${String(row.nodes)}-node run (sizing figure)`,
      figure: num(row.rssKiBPerRun) === undefined ? 'not measured' : `${String(row.rssKiBPerRun)} KiB`,
      met: null,
      margin: 'no target',
    }));
}

function graphqlFuzz(file: Json, bench: string): Finding[] {
  const byStatus = isObject(file.byStatus) ? file.byStatus : {};
  const serverErrors = Object.entries(byStatus)
    .filter(([status]) => status.startsWith('5'))
    .reduce((sum, [, count]) => sum + (num(count) ?? 0), 0);
  const findings = num(file.findingCount) ?? asArray(file.findings).length;
  const met = typeof file.targetMet === 'boolean' ? file.targetMet : serverErrors === 0 && findings === 0;
  return [
    {
      bench,
      target: text(file.target, 'zero HTTP 5xx, zero leaks across projects'),
      figure: `${text(file.requests, '?')} requests, ${serverErrors} HTTP 5xx, ${findings} findings`,
      met,
      margin: met ? 'met' : `missed: ${serverErrors + findings} bad responses`,
    },
  ];
}

function chaos(file: Json, bench: string): Finding[] {
  const checks = isObject(file.checks) ? file.checks : {};
  const byStatus = isObject(file.runsByStatus) ? file.runsByStatus : {};
  const statuses = Object.entries(byStatus)
    .map(([status, count]) => `${String(count)} ${status}`)
    .join(', ');
  const problems = asArray(file.problems).length;
  const met = typeof file.passed === 'boolean' ? file.passed : problems === 0;
  const mismatches = (num(checks.runMismatches) ?? 0) + (num(checks.nodeMismatches) ?? 0);
  return [
    {
      bench,
      target: 'runs under chaos reach their states; database agrees with Temporal; no extra executions',
      figure: `${text(file.runsStarted, '?')} runs (${statuses || 'none'}), ${mismatches} mismatches, ${text(checks.ledgerViolations, '?')} ledger violations`,
      met,
      margin: met ? 'met' : `missed: ${problems} problems`,
    },
  ];
}

/** A file with only `target` and `targetMet` (and maybe `ratio`). */
function generic(file: Json, bench: string): Finding[] {
  if (typeof file.target !== 'string') {
    return [{ bench, target: '(no target in the file)', figure: '-', met: null, margin: 'no target' }];
  }
  const met = typeof file.targetMet === 'boolean' ? file.targetMet : null;
  const ratio = num(file.ratio);
  return [
    {
      bench,
      target: file.target,
      figure: ratio === undefined ? '-' : format(ratio),
      met,
      margin: met === null ? 'no verdict in the file' : met ? 'met' : 'missed',
    },
  ];
}

const RULES: Record<string, (file: Json, bench: string) => Finding[]> = {
  'interpreter-vs-baseline': legacyBaseline,
  'api-throughput': apiThroughput,
  'runs-listing': runsListing,
  validate,
  'large-runs': largeRuns,
  'worker-memory': workerMemory,
  'graphql-fuzz': graphqlFuzz,
  chaos,
  /** The short form CI runs inside `npm test` (written by `npm run chaos -- --short`): the same checks. */
  'chaos-short': chaos,
};

/** The findings of one result file (`bench` is its name without `.json`). */
export function findingsOf(bench: string, file: unknown): Finding[] {
  if (!isObject(file))
    return [{ bench, target: '(unreadable file)', figure: '-', met: null, margin: 'not a JSON object' }];
  return commonTargets(file, bench) ?? (RULES[bench] ?? generic)(file, bench);
}

/** Load average and machine of a result file, in whichever shape it wrote them. */
export function machineOf(file: unknown): { load1m: number | null; at: string | null; machine: string } {
  const data = isObject(file) ? file : {};
  const machine = isObject(data.machine) ? data.machine : {};
  const load = num(machine.loadAverage1m) ?? num(asArray(machine.loadavg)[0]) ?? null;
  const at = typeof data.at === 'string' ? data.at : typeof data.date === 'string' ? data.date : null;
  const cores = num(machine.cpus);
  const model = typeof machine.model === 'string' ? machine.model : undefined;
  const text = [cores !== undefined ? `${cores} cores` : undefined, model].filter(Boolean).join(', ');
  return { load1m: load, at, machine: text || 'unknown' };
}
