import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { PluginActivityInput, PluginActivityResult } from '../../workflows/contract';
import type { JsonObject, JsonValue } from '../../workflows/definition/types';

/**
 * Activities that speak the plugin-activity contract, for exercising the interpreter's
 * semantics on a real server: a real worker runs them as real activities.
 * Each instance keeps its own ledger, so tests can assert what ran and how often.
 */
export function createTestActivities() {
  const executions: Array<{ nodeId: string; attempt: number; input: JsonValue }> = [];
  const arrivals = new Map<string, number>();
  const cancelled: string[] = [];
  const concurrency = { now: 0, max: 0 };
  /** Keys for which `test.gate` fails; tests open a gate by deleting its key. */
  const closedGates = new Set<string>();

  const run =
    (fn: (input: JsonObject, info: { nodeId: string; attempt: number }) => Promise<JsonValue>) =>
    async (request: PluginActivityInput): Promise<PluginActivityResult> => {
      const attempt = Context.current().info.attempt;
      executions.push({ nodeId: request.nodeId, attempt, input: request.input });
      const output = await fn((request.input ?? {}) as JsonObject, { nodeId: request.nodeId, attempt });
      return { output, attempt };
    };

  const activities = {
    'builtin.noop': run(async (input) => input),
    /** Waits until `parties` executions with the same `name` have arrived: proves they run concurrently. */
    'test.barrier': run(async (input) => {
      const name = JSON.stringify(input.name);
      const parties = Number(input.parties);
      arrivals.set(name, (arrivals.get(name) ?? 0) + 1);
      const deadline = Date.now() + 10_000;
      while ((arrivals.get(name) ?? 0) < parties) {
        if (Date.now() > deadline)
          throw ApplicationFailure.nonRetryable(`barrier ${name} never filled`, 'BarrierTimeout');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return { arrived: arrivals.get(name)! };
    }),
    /** Fails its first `failTimes` attempts with `errorType`, then succeeds with the attempt number. */
    'test.flaky': run(async (input, { attempt }) => {
      if (attempt <= Number(input.failTimes ?? 0)) {
        throw ApplicationFailure.create({
          type: typeof input.errorType === 'string' ? input.errorType : 'Flaky',
          message: `attempt ${attempt} failed on purpose`,
          details: [{ attempt }],
        });
      }
      return { attempt, value: input.value ?? null };
    }),
    /** Always fails; `nonRetryable` stops retries. */
    'test.fail': run(async (input, { attempt }) => {
      throw ApplicationFailure.create({
        type: typeof input.errorType === 'string' ? input.errorType : 'Boom',
        message: typeof input.message === 'string' ? input.message : 'failed on purpose',
        nonRetryable: input.nonRetryable === true,
        details: [{ attempt }],
      });
    }),
    /** Heartbeats until cancelled (records it) or until `ms` passes. */
    'test.block': run(async (input, { nodeId }) => {
      const ctx = Context.current();
      const until = Date.now() + Number(input.ms ?? 60_000);
      try {
        while (Date.now() < until) {
          ctx.heartbeat();
          await ctx.sleep(50);
        }
      } catch (err) {
        cancelled.push(nodeId);
        throw err;
      }
      return { blocked: true };
    }),
    /** Counts how many of its kind run at once (for concurrency limits). */
    'test.track': run(async () => {
      concurrency.now += 1;
      concurrency.max = Math.max(concurrency.max, concurrency.now);
      await new Promise((resolve) => setTimeout(resolve, 150));
      concurrency.now -= 1;
      return { ok: true };
    }),
    /** Like test.track, and returns its input after a random pause (items finish out of order). */
    'test.trackEcho': run(async (input) => {
      concurrency.now += 1;
      concurrency.max = Math.max(concurrency.max, concurrency.now);
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.floor(Math.random() * 120)));
      concurrency.now -= 1;
      return input;
    }),
    /** Fails (non-retryable, type GateClosed) while `input.key` is in `closedGates`, else returns its input. */
    'test.gate': run(async (input) => {
      const key = JSON.stringify(input.key ?? null).replace(/^"|"$/g, '');
      if (closedGates.has(key)) {
        throw ApplicationFailure.create({
          type: 'GateClosed',
          message: `gate ${key} is closed`,
          nonRetryable: true,
        });
      }
      return input;
    }),
    /** Sleeps without heartbeating (for timeouts). */
    'test.slow': run(async (input) => {
      await new Promise((resolve) => setTimeout(resolve, Number(input.ms ?? 1000)));
      return { slept: Number(input.ms ?? 1000) };
    }),
  };
  return { activities, executions, cancelled, concurrency, closedGates };
}
