'use strict';
// The chaos harness's plugin (bench/chaos.ts): every execution appends one line to an append-only
// ledger (CHAOS_LEDGER_FILE, opened O_APPEND per write), sleeps a seeded while, and fails while
// its attempt is below `failUntilAttempt`, so the harness can count side effects per run, node and attempt.
const { appendFileSync } = require('node:fs');
const { createHash } = require('node:crypto');

function record(entry) {
  const file = process.env.CHAOS_LEDGER_FILE;
  if (!file) throw new Error('CHAOS_LEDGER_FILE is unset');
  appendFileSync(file, `${JSON.stringify(entry)}\n`, { flag: 'a' });
}

/** 100–600 ms, a function of the seed, the run, the node and the attempt. */
function pause(runId, nodeId, attempt) {
  const digest = createHash('sha256')
    .update(`${process.env.CHAOS_SEED ?? '0'}:${runId}:${nodeId}:${attempt}`)
    .digest();
  return 100 + (digest.readUInt32BE(0) % 500);
}

module.exports = {
  type: 'chaos.ledger',
  version: '1.0.0',
  title: 'Chaos ledger',
  description: 'Records each execution in a ledger, sleeps, and fails on chosen attempts (chaos harness).',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { failUntilAttempt: { type: 'integer', minimum: 1 } },
  },
  outputSchema: { type: 'object', required: ['attempt'], properties: { attempt: { type: 'integer' } } },
  defaults: { retry: { maximumAttempts: 5, initialInterval: '500ms' }, timeout: { startToClose: '5s' } },
  examples: [{ title: 'Fail twice', with: { failUntilAttempt: 3 } }],
  async execute(ctx, input) {
    const at = new Date().toISOString();
    record({ runId: ctx.runId, nodeId: ctx.nodeId, attempt: ctx.attempt, pid: process.pid, at });
    await new Promise((resolve) => setTimeout(resolve, pause(ctx.runId, ctx.nodeId, ctx.attempt)));
    if (input.failUntilAttempt && ctx.attempt < input.failUntilAttempt) {
      throw new Error(`chaos: attempt ${ctx.attempt} fails on purpose (until ${input.failUntilAttempt})`);
    }
    return { attempt: ctx.attempt };
  },
};
