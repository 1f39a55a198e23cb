import { pollDelayMs } from './polling';

describe(pollDelayMs.name, () => {
  const plan = { intervalMs: 100, backoffCoefficient: 2, checkType: 'a.b.check', cancelType: 'a.b.cancel' };

  it('grows each wait by the coefficient', () => {
    expect([1, 2, 3, 4].map((poll) => pollDelayMs(plan, poll))).toEqual([100, 200, 400, 800]);
  });

  it('caps the wait at maxInterval, and keeps it constant with a coefficient of 1', () => {
    expect([1, 2, 3, 4].map((poll) => pollDelayMs({ ...plan, maxIntervalMs: 300 }, poll))).toEqual([
      100, 200, 300, 300,
    ]);
    expect([1, 5].map((poll) => pollDelayMs({ ...plan, backoffCoefficient: 1 }, poll))).toEqual([100, 100]);
  });
});
