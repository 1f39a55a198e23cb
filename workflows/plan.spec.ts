import type { ExecutionPlan } from './contract';
import { PLAN_BYTES_LIMIT } from './payload-size';
import { planTooLarge } from './plan';

const planOf = (note: string, count = 1): ExecutionPlan => ({
  definition: {
    name: 'p',
    nodes: Array.from({ length: count }, (_, i) => ({ id: `n${i}`, type: 'builtin.noop', with: { note } })),
  },
  activityPlans: [],
  activityOf: {},
});

describe('planTooLarge', () => {
  it('passes a plan under the limit and names the size of one over it', () => {
    expect(planTooLarge(planOf('x', 10))).toBeUndefined();
    const message = planTooLarge(planOf('x'.repeat(2_000), 1_000));
    expect(message).toMatch(/^the compiled plan is 2\.\d\d MB \(subflows included\), over the 1\.50 MB/);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const overhead = JSON.stringify(planOf('')).length;
    const chars = Math.ceil((PLAN_BYTES_LIMIT - overhead) / 3) + 10;
    // Under the limit in characters, over it in bytes: each of these takes three bytes.
    expect(planTooLarge(planOf('€'.repeat(chars)))).toBeDefined();
    expect(planTooLarge(planOf('e'.repeat(chars)))).toBeUndefined();
    // A surrogate pair is four bytes, not six.
    expect(planTooLarge(planOf('😀'.repeat(Math.floor((PLAN_BYTES_LIMIT - overhead) / 4) - 10)))).toBeUndefined();
  });
});
