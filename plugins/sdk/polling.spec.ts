import { durationToMs } from './duration';
import { definePollingPlugin, pollingProblem, pollSpecProblem } from './polling';

describe(pollSpecProblem.name, () => {
  it('accepts a full spec and names what is wrong with a bad one', () => {
    expect(
      pollSpecProblem({ interval: '5s', backoffCoefficient: 1.5, maxInterval: '1m', timeout: '2h' }, durationToMs),
    ).toBeUndefined();
    expect(pollSpecProblem('5s', durationToMs)).toBe('poll must be an object');
    expect(pollSpecProblem({}, durationToMs)).toBe('poll.interval must be a duration like "5s"');
    expect(pollSpecProblem({ interval: '0s' }, durationToMs)).toBe('poll.interval must be a duration like "5s"');
    expect(pollSpecProblem({ interval: '1s', backoffCoefficient: 0.5 }, durationToMs)).toBe(
      'poll.backoffCoefficient must be a number of at least 1',
    );
    expect(pollSpecProblem({ interval: '1s', timeout: 'later' }, durationToMs)).toBe(
      'poll.timeout must be a duration like "1m"',
    );
  });
});

describe(pollingProblem.name, () => {
  const plugin = definePollingPlugin({
    type: 'acme.job',
    version: '1.0.0',
    title: 'Job',
    inputSchema: { type: 'object' },
    poll: { interval: '1s' },
    execute: () => Promise.resolve({ pending: 1 }),
    check: () => Promise.resolve({ done: true, output: null }),
  });

  it('accepts a polling plugin and a plain one', () => {
    expect(pollingProblem(plugin, durationToMs)).toBeUndefined();
    expect(pollingProblem({}, durationToMs)).toBeUndefined();
  });

  it('wants a check with a poll, and a poll with a check', () => {
    expect(pollingProblem({ ...plugin, check: undefined }, durationToMs)).toBe(
      'check is not a function (a polling plugin needs one)',
    );
    expect(pollingProblem({ check: () => undefined }, durationToMs)).toMatch(/poll is missing/);
    expect(pollingProblem({ ...plugin, cancel: 'no' }, durationToMs)).toBe('cancel is not a function');
  });
});
