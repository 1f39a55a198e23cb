import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  README_END,
  README_START,
  readResults,
  renderReadmeBlock,
  replaceReadmeBlock,
  summarise,
  writeSummary,
} from '../../bench/summary';
import { findingsOf, judge } from '../../bench/summary-rules';

const FIXTURES = join(__dirname, 'fixtures');

describe('bench summary: verdicts', () => {
  it('says met or missed, and by how much relative to the limit', () => {
    expect(judge({ name: 'ratio', figure: 1.37, limit: 1.1, op: '<=' }, 'b')).toMatchObject({
      met: false,
      margin: 'missed by 25 %',
      figure: '1.37',
      target: 'ratio <= 1.1',
    });
    expect(judge({ name: 'ratio', figure: 1.05, limit: 1.1, op: '<=' }, 'b')).toMatchObject({
      met: true,
      margin: 'met, 4.5 % to spare',
    });
    expect(judge({ name: 'throughput', figure: 0.85, limit: 0.9, op: '>=' }, 'b')).toMatchObject({
      met: false,
      margin: 'missed by 5.6 %',
    });
    expect(judge({ name: 'ratio', figure: 11.66, limit: 2, op: '<=' }, 'b').margin).toBe('missed: 5.8× the limit');
    expect(judge({ name: 'ms', figure: 100, limit: 100, op: '<', unit: 'ms' }, 'b')).toMatchObject({
      met: false,
      figure: '100 ms',
    });
    expect(judge({ name: 'ratio', figure: null, limit: 11, op: '<=' }, 'b')).toMatchObject({
      met: null,
      figure: 'not measured',
    });
  });

  it('reads the recorder variant of the legacy baseline file, the common `targets` shape, and each known file', () => {
    const { files } = readResults(FIXTURES);
    expect(
      findingsOf('interpreter-vs-baseline', files['interpreter-vs-baseline']).map((f) => [f.figure, f.met]),
    ).toEqual([
      ['0.996', true],
      ['1.186', false],
    ]);
    expect(findingsOf('new-shape', files['new-shape']).map((f) => [f.target, f.met])).toEqual([
      ['p99 latency < 100 ms', true],
      ['throughput ratio >= 0.9', true],
    ]);
    expect(findingsOf('api-throughput', files['api-throughput'])[0]).toMatchObject({ met: false, figure: '0.85' });
    expect(findingsOf('chaos', files.chaos)[0]).toMatchObject({ met: false, margin: 'missed: 1 problems' });
    expect(findingsOf('chaos', files.chaos)[0].figure).toContain('99 SUCCEEDED, 1 RUNNING');
    const large = findingsOf('large-runs', files['large-runs']);
    expect(large.map((f) => f.met)).toEqual([false, null]);
    expect(large[1].margin).toContain('incomplete');
    expect(findingsOf('something-new', { target: 'x', targetMet: true })).toEqual([
      { bench: 'something-new', target: 'x', figure: '-', met: true, margin: 'met' },
    ]);
  });
});

describe('bench summary: files and README', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-summary-'));
    cpSync(FIXTURES, dir, { recursive: true });
    writeFileSync(join(dir, 'broken.json'), '{ "at": "2026-11-21T07:00:00.000Z", "trunc');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the load from the file, else from the run log, and notes a failed last run', () => {
    const { files, log } = readResults(dir);
    expect(Object.keys(files)).not.toContain('run-log');
    const byBench = Object.fromEntries(summarise(files, log).map((summary) => [summary.bench, summary]));
    expect(byBench['api-throughput'].load1m).toBe(32.22);
    expect(byBench.chaos.load1m).toBe(0.78);
    expect(byBench['interpreter-vs-baseline'].load1m).toBe(9.5);
    expect(byBench['large-runs'].load1m).toBeNull();
    expect(byBench.chaos.note).toContain('exited with 1');
    expect(byBench.broken.findings[0].margin).toBe('not a JSON object');
  });

  it('writes SUMMARY.md and refreshes only the README block, the same way on every run', () => {
    const readmePath = join(dir, 'README.md');
    const before = `# Title\n\n## Benchmarks\n\n${README_START}\nold table\n${README_END}\n\nProse after.\n`;
    writeFileSync(readmePath, before);
    writeSummary(dir, readmePath, new Date('2026-11-21T08:00:00Z'));
    const summary = readFileSync(join(dir, 'SUMMARY.md'), 'utf8');
    expect(summary).toContain('Generated 2026-11-21 08:00 UTC');
    expect(summary).toContain(
      '| interpreter-vs-baseline | 200-node fan-out/fan-in: interpreter (with progress recorder) / hand-written <= 1.1 | 1.186 | **missed** | missed by 7.8 % | 2026-11-21 02:43 | 9.5 | 2 cores, AMD EPYC |',
    );
    expect(summary).toContain('| new-shape | p99 latency < 100 ms | 80 ms | met | met, 20 % to spare |');
    expect(summary).toMatch(/3 targets met, 4 missed, 2 without a verdict/);
    const readme = readFileSync(readmePath, 'utf8');
    expect(readme).not.toContain('old table');
    expect(readme.startsWith('# Title\n\n## Benchmarks\n\n')).toBe(true);
    expect(readme.endsWith(`${README_END}\n\nProse after.\n`)).toBe(true);
    expect(readme).toContain(
      '| api-throughput | GraphQL / bare client runs per second >= 0.9 | 0.85 | **missed** (missed by 5.6 %) | 32.22 |',
    );
    writeSummary(dir, readmePath, new Date('2026-11-21T08:00:00Z'));
    expect(readFileSync(readmePath, 'utf8')).toBe(readme);
  });

  it('refuses a README without the markers rather than guess where the table goes', () => {
    expect(() => replaceReadmeBlock('# no markers\n', renderReadmeBlock([]))).toThrow(/markers/);
  });
});
