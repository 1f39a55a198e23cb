/**
 * Encrypted payloads on a real dev server: nothing a run carries reaches Temporal in plaintext,
 * and the key ring rotates without losing runs that started under the old key.
 */
import { randomUUID } from 'node:crypto';
import { Client, type WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { createPluginActivities } from '../activities/plugin-activities';
import { createBuiltinRegistry } from '../plugins';
import { isEncryptedPayload, payloadKeyId } from '../src/temporal/payload-codec';
import type { Definition } from '../workflows/definition/types';
import type { RunState } from '../workflows/contract';
import { TEST_PAYLOAD_KEY_2, TEST_PAYLOAD_KEYS, testDataConverter } from './support/payload-keys';
import { startInterpreter } from './support/runs';
import { recordingProgressSink, testTemporal, testWorkflowBundle, uniqueTaskQueue } from './support/temporal';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

const K1 = TEST_PAYLOAD_KEYS;
const K2_K1 = `${TEST_PAYLOAD_KEY_2},${TEST_PAYLOAD_KEYS}`;
const K2 = TEST_PAYLOAD_KEY_2;

/** Every payload anywhere in a history (inputs, results, summaries, failures...). */
function payloadsOf(value: unknown, found: Payload[] = []): Payload[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const candidate = value as { data?: unknown; metadata?: unknown };
  if (candidate.data instanceof Uint8Array && candidate.metadata && typeof candidate.metadata === 'object') {
    found.push(candidate as Payload);
    return found;
  }
  for (const [key, child] of Object.entries(value)) {
    // Not the codec's to encode, and no user data: search attributes (indexed by Temporal, by design)
    // and the SDK's patch markers (a `patched()` id, written by the SDK core itself).
    if (key === 'searchAttributes' || isPatchMarker(key, child)) continue;
    payloadsOf(child, found);
  }
  return found;
}

/** A `patched()` marker: the SDK core records the patch id as a plain payload. */
function isPatchMarker(key: string, value: unknown): boolean {
  return key === 'markerRecordedEventAttributes' && (value as { markerName?: string })?.markerName === 'core_patch';
}

/** Every byte string of a history, as text: where plaintext would show. */
function rawText(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('latin1');
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return '';
  return Object.values(value).map(rawText).join('\n');
}

function startWorker(keys: string, taskQueue: string) {
  return testTemporal().then((env) =>
    Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: testWorkflowBundle(),
      activities: createPluginActivities({ registry: createBuiltinRegistry() }),
      sinks: recordingProgressSink().sinks,
      dataConverter: testDataConverter(keys),
    }),
  );
}

async function clientWith(keys: string): Promise<Client> {
  const env = await testTemporal();
  return new Client({ connection: env.connection, dataConverter: testDataConverter(keys) });
}

async function waitForEvent(handle: WorkflowHandle, predicate: (history: History) => boolean): Promise<History> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const history = await handle.fetchHistory();
    if (predicate(history)) return history;
    if (Date.now() > deadline) throw new Error('the awaited history event never came');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('encrypted payloads', () => {
  const marker = `marker-${randomUUID()}`;
  const definition: Definition = {
    name: 'encrypted-rotation',
    inputs: { note: { type: 'string' } },
    nodes: [
      { id: 'wait', type: 'timer.sleep', with: { duration: '2s' } },
      { id: 'echo', type: 'builtin.noop', with: { note: '${inputs.note}' } },
    ],
    edges: [{ from: 'wait', to: 'echo' }],
    outputs: { note: '${nodes.echo.output.note}' },
  };
  let workflowId: string;
  let history: History;
  let state: RunState;

  beforeAll(async () => {
    const taskQueue = uniqueTaskQueue('encrypted');
    // Started under key ring [k1]; the worker stops while the timer runs.
    const first = await startWorker(K1, taskQueue);
    const running = first.run();
    const started = await startInterpreter(await clientWith(K1), taskQueue, definition, { note: marker });
    workflowId = started.workflowId;
    await waitForEvent(started, (h) => h.events!.some((event) => event.timerStartedEventAttributes));
    first.shutdown();
    await running;
    // The ring rotates to [k2, k1]: the run goes on with a worker and a client of the new ring.
    const second = await startWorker(K2_K1, taskQueue);
    const client = await clientWith(K2_K1);
    state = await second.runUntil(() => client.workflow.getHandle(workflowId).result() as Promise<RunState>);
    history = await (await testTemporal()).client.workflow.getHandle(workflowId).fetchHistory();
  });

  it('runs as usual: the rotated worker reads what was encrypted with the old key', () => {
    expect(state.status).toBe('SUCCEEDED');
    expect(state.outputs).toEqual({ note: marker });
  });

  it('leaves no plaintext input or output in the history Temporal keeps', () => {
    const payloads = payloadsOf(history);
    expect(payloads.length).toBeGreaterThan(3);
    expect(payloads.filter((payload) => !isEncryptedPayload(payload))).toEqual([]);
    expect(rawText(history)).not.toContain(marker);
    expect(rawText(history)).not.toContain('"note"');
  });

  it('encrypted the start with k1 and everything after the rotation with k2', () => {
    const events = history.events!;
    const input = events[0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
    expect(payloadKeyId(input)).toBe('test-k1');
    const completed = events.find((event) => event.workflowExecutionCompletedEventAttributes)!;
    expect(payloadKeyId(completed.workflowExecutionCompletedEventAttributes!.result!.payloads![0])).toBe('test-k2');
  });

  it('replays with the ring, and a worker without the old key fails naming it', async () => {
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: testWorkflowBundle(), dataConverter: testDataConverter(K2_K1) },
        history,
        workflowId,
      ),
    ).resolves.toBeUndefined();
    await expect(
      Worker.runReplayHistory(
        { workflowBundle: testWorkflowBundle(), dataConverter: testDataConverter(K2) },
        history,
        workflowId,
      ),
      // The worker's workflow task fails with the codec's error (quoted inside the replay error).
    ).rejects.toThrow(/key \\?"test-k1\\?", which is not in the payload key ring/);
  });
});
