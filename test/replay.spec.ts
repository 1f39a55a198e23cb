/**
 * Replays every recorded interpreter history (test/histories/*.json) with the current workflow
 * bundle: a change to the interpreter that alters its commands for existing runs fails here.
 * Record new histories with `RECORD_HISTORIES=1 npx jest test/interpreter.spec.ts` (and the platform
 * specs that record some: run-operations, schedules).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { testDataConverter } from './support/payload-keys';
import { testWorkflowBundle } from './support/temporal';

const dir = join(__dirname, 'histories');
const files = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .sort();

/** The recorded workflow id (subflow children's ids derive from it), else the file name. */
function workflowIdOf(file: string): string {
  const sidecar = join(dir, file.replace(/\.json$/, '.workflow-id'));
  return existsSync(sidecar) ? readFileSync(sidecar, 'utf8').trim() : file;
}

function load(file: string) {
  return historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));
}

describe('replay of recorded interpreter histories', () => {
  it('has a corpus to replay', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'manual-retry.json',
        'parallel.json',
        'paused-and-resumed.json',
        'retried.json',
        // Issue 4: a scheduled run, a rerun that reused outputs, a clone (recorded by the platform specs).
        'scheduled-run.json',
        'rerun-reused.json',
        'cloned-run.json',
        'callback-completed.json',
        'callback-failed.json',
        'foreach.json',
        'foreach-retry.json',
        'subflow-nested-retry.json',
        // A run that continued as new: its first execution, and a later one that started from carried state.
        'continue-as-new-first.json',
        'continue-as-new-later.json',
      ]),
    );
    // Polling plugins: checks on durable timers, and the cancel step when the run is cancelled.
    expect(files).toEqual(expect.arrayContaining(['polling.json', 'polling-cancelled.json']));
  });

  // With the production data converter (the payload codec): these histories predate encryption,
  // and the codec passes their plaintext payloads through.
  it.each(files)('replays %s deterministically', async (file) => {
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: testWorkflowBundle(), dataConverter: testDataConverter() },
        load(file),
        workflowIdOf(file),
      ),
    ).resolves.toBeUndefined();
  });

  it('fails on a history the interpreter would not produce', async () => {
    const history = load('parallel.json');
    const scheduled = history.events!.filter((e) => e.activityTaskScheduledEventAttributes);
    scheduled[0].activityTaskScheduledEventAttributes!.activityType = { name: 'some.other.plugin' };
    await expect(
      Worker.runReplayHistory({ workflowBundle: testWorkflowBundle() }, history, 'tampered'),
    ).rejects.toMatchObject({ name: 'DeterminismViolationError' });
  });
});
