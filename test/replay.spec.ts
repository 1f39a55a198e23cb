/**
 * Replays every recorded interpreter history (test/histories/*.json) with the current workflow
 * bundle: a change to the interpreter that alters its commands for existing runs fails here.
 * Record new histories with `RECORD_HISTORIES=1 npx jest test/interpreter.spec.ts`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
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
        'subflow-nested-retry.json',
      ]),
    );
  });

  it.each(files)('replays %s deterministically', async (file) => {
    await expect(
      Worker.runReplayHistory({ workflowBundle: testWorkflowBundle() }, load(file), workflowIdOf(file)),
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
