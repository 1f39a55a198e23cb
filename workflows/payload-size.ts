/**
 * How much a value weighs as a Temporal payload, and the budgets the platform keeps under
 * Temporal's 2 MB limit per payload (workflow inputs, results, query answers). Pure: no Buffer or
 * TextEncoder, so the workflow bundle uses it too.
 */

/** A run's plan, checked when a template is saved and a run starts: room is left for carried state. */
export const PLAN_BYTES_LIMIT = 1_500_000;
/** A continue-as-new input (plan + carried state); the payload codec adds a little. */
export const CONTINUE_AS_NEW_BYTES_LIMIT = 1_900_000;
/** A run state leaving the workflow (result, failure details, `state` query, run-end callback). */
export const STATE_BYTES_LIMIT = 1_500_000;

/** UTF-8 bytes of `value` serialised as JSON, as the JSON payload converter writes it. */
export function jsonBytes(value: unknown): number {
  const text = JSON.stringify(value) ?? '';
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** `bytes` in MB with two decimals, for messages. */
export const megabytes = (bytes: number): string => `${(bytes / 1_000_000).toFixed(2)} MB`;
