import { definePlugin, type JsonObject } from '../sdk';
import { noopExamples, noopInputSchema, noopOutputSchema } from './schema';

/**
 * `builtin.noop`: returns its input as its output. For tests, benchmarks and placeholders.
 *
 * @example { id: placeholder, type: builtin.noop, with: { note: 'wire the real step later' } }
 */
export const builtinNoop = definePlugin<JsonObject, JsonObject>({
  type: 'builtin.noop',
  version: '1.0.0',
  title: 'No-op',
  description: 'Does nothing and returns its input as its output.',
  inputSchema: noopInputSchema,
  outputSchema: noopOutputSchema,
  defaults: { retry: { maximumAttempts: 3 }, timeout: { startToClose: '1m' } },
  examples: noopExamples,
  execute(_ctx, input) {
    return Promise.resolve(input);
  },
});
