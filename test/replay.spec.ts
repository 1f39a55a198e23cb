/**
 * Replays every recorded interpreter history (test/histories/*.json) with the current workflow
 * bundle: a change to the interpreter that alters its commands for existing runs fails here.
 * Record new histories with `RECORD_HISTORIES=1 npx jest test/interpreter.spec.ts`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { testWorkflowBundle } from './support/temporal';

const dir = join(__dirname, 'histories');
const files = readdirSync(dir)
  .filter((file) => file.endsWith('.json'))
  .sort();

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
        // A run that continued as new: its first execution, and a later one that started from carried state.
        'continue-as-new-first.json',
        'continue-as-new-later.json',
      ]),
    );
  });

  it.each(files)('replays %s deterministically', async (file) => {
    await expect(
      Worker.runReplayHistory({ workflowBundle: testWorkflowBundle() }, load(file), file),
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
