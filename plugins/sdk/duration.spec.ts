import { DURATION_PATTERN, durationToMs } from './duration';

describe(durationToMs.name, () => {
  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1m30s', 90_000],
    ['1.5s', 1_500],
    [1500, 1500],
    [0, 0],
  ])('reads %p as %p ms', (value, ms) => {
    expect(durationToMs(value)).toBe(ms);
  });

  it.each(['', 'soon', '30', '5 m', 's30', '-1s', null, undefined, -5, Number.NaN, {}])('refuses %p', (value) => {
    expect(durationToMs(value)).toBeUndefined();
  });

  it('agrees with DURATION_PATTERN on strings', () => {
    const pattern = new RegExp(DURATION_PATTERN);
    for (const text of ['250ms', '1h30m', '2.5m', 'soon', '30', '5 m', '']) {
      expect(pattern.test(text)).toBe(durationToMs(text) !== undefined);
    }
  });
});
