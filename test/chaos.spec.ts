/**
 * The chaos harness (issue #7 section 3), short form, as CI runs it inside `npm test`: 16 runs of
 * four mixed templates through GraphQL while it SIGKILLs the worker 4 times, restarts its own
 * Temporal dev server (same database file) and the API once each and cuts PostgreSQL for 4 s.
 * Everything it starts is its own (free ports, a scratch database, its own dev server: the shared
 * one of the global setup cannot be restarted), so it runs beside the other suites. The checks
 * themselves are specified in test/chaos-verify.spec.ts. `npm run chaos` runs the long form.
 */
import { rmSync } from 'node:fs';
import { runChaos, type ChaosResult } from '../bench/chaos/harness';
import { chaosSettings } from '../bench/chaos/settings';
import { ADMIN_DATABASE_URL } from './platform/support/database';
import { testWorkflowBundle } from './support/temporal';

const settings = chaosSettings(['--short'], process.env);

describe('chaos, short form', () => {
  let result: ChaosResult;
  const lines: string[] = [];

  beforeAll(async () => {
    result = await runChaos(settings, {
      workflowBundlePath: testWorkflowBundle().codePath,
      adminDatabaseUrl: ADMIN_DATABASE_URL,
      log: (line) => lines.push(line),
    });
    if (!result.passed) console.log([...lines, JSON.stringify(result, null, 2)].join('\n'));
    else rmSync(result.workDir, { recursive: true, force: true });
    const { durationSeconds, runsByStatus, chaos, checks, machine } = result;
    console.log(
      `chaos short form: ${durationSeconds} s, ${JSON.stringify(runsByStatus)}, ` +
        `${chaos.workerKills} kills, ${chaos.connectionsRefused} connections refused in the outage, ` +
        `${result.startAttemptsFailed} start attempts retried, ${checks.ledgerExecutions} executions, ` +
        `load ${machine.loadavgAtStart.join(' ')} -> ${machine.loadavg.join(' ')}`,
    );
  }, 12 * 60_000);

  it('started every run and went through every chaos event', () => {
    expect(result.runsStarted).toBe(settings.runs);
    expect(result.chaos).toMatchObject({
      workerKills: settings.kills,
      temporalRestarts: 1,
      apiStarts: 2,
      postgresOutages: 1,
    });
    expect(result.chaos.workerStarts).toBeGreaterThanOrEqual(settings.kills + 1);
  });

  it('brought every run to the status its template implies', () => {
    expect(result.workflowsClosed).toBe(settings.runs);
    expect(result.runRows).toBe(settings.runs);
    expect(result.runsByStatus).toEqual(result.expectedRunsByStatus);
    expect(result.checks.unexpectedOutcomes).toBe(0);
  });

  it('leaves the database agreeing with Temporal for every run and node, and no phantom RUNNING', () => {
    expect(result.checks).toMatchObject({ runMismatches: 0, nodeMismatches: 0, phantomRunning: 0 });
  });

  it('ran no side effect more often than its retries allow (and the ledger saw them all)', () => {
    expect(result.checks.ledgerViolations).toBe(0);
    // Every plugin node of every run executed at least once: the ledger is not vacuously clean.
    expect(result.checks.ledgerExecutions).toBeGreaterThanOrEqual(settings.runs * 2);
  });

  it('found no problem at all', () => {
    expect(result.problems).toEqual([]);
    expect(result.passed).toBe(true);
  });
});
