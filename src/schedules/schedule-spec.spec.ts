import {
  backfillFirings,
  checkScheduleSpec,
  scheduleTemporalId,
  specProblem,
  storedSpec,
  temporalScheduleSpec,
} from './schedule-spec';

const NOW = new Date('2026-03-01T12:00:00.000Z');

describe(checkScheduleSpec.name, () => {
  it('takes exactly one of cron, intervalSeconds and at', () => {
    expect(checkScheduleSpec({ cron: ' 0 3 * * * ', timezone: 'Europe/Paris' }, NOW)).toEqual({
      spec: { cron: '0 3 * * *', timezone: 'Europe/Paris' },
      problems: [],
    });
    expect(checkScheduleSpec({ intervalSeconds: 2 }, NOW)).toEqual({ spec: { intervalSeconds: 2 }, problems: [] });
    expect(checkScheduleSpec({ at: new Date('2026-03-02T08:30:15.750Z') }, NOW)).toEqual({
      spec: { at: '2026-03-02T08:30:15.000Z' },
      problems: [],
    });
    expect(checkScheduleSpec({}, NOW).problems).toEqual([{ path: 'spec', message: expect.stringContaining('one of') }]);
    expect(checkScheduleSpec({ cron: '', intervalSeconds: null }, NOW).problems).toHaveLength(1);
    expect(checkScheduleSpec({ cron: '* * * * *', intervalSeconds: 5 }, NOW).problems).toEqual([
      { path: 'spec', message: expect.stringContaining('only one of') },
    ]);
  });

  it('reports every problem with its path', () => {
    expect(checkScheduleSpec({ intervalSeconds: 0, timezone: 'Nowhere/Special' }, NOW).problems).toEqual([
      { path: 'spec.timezone', message: 'only applies to a cron expression' },
      { path: 'spec.intervalSeconds', message: 'must be a whole number of seconds, at least 1' },
    ]);
    expect(checkScheduleSpec({ cron: '0 3 * * *', timezone: 'Nowhere/Special' }, NOW).problems).toEqual([
      { path: 'spec.timezone', message: 'unknown time zone "Nowhere/Special"' },
    ]);
    expect(checkScheduleSpec({ cron: 'CRON_TZ=UTC 0 3 * * *' }, NOW).problems).toEqual([
      { path: 'spec.cron', message: expect.stringContaining('spec.timezone') },
    ]);
    expect(checkScheduleSpec({ intervalSeconds: 1.5 }, NOW).problems).toHaveLength(1);
    expect(checkScheduleSpec({ intervalSeconds: 400 * 86400 }, NOW).problems).toEqual([
      { path: 'spec.intervalSeconds', message: expect.stringContaining('at most') },
    ]);
    expect(checkScheduleSpec({ at: new Date('2026-03-01T12:00:00.900Z') }, NOW).problems).toEqual([
      { path: 'spec.at', message: 'must be in the future' },
    ]);
    expect(checkScheduleSpec({ at: new Date('nope') }, NOW).problems).toEqual([
      { path: 'spec.at', message: 'must be a date-time' },
    ]);
  });
});

describe(temporalScheduleSpec.name, () => {
  it('turns each kind of spec into its Temporal form', () => {
    expect(temporalScheduleSpec({ cron: '0 3 * * *', timezone: 'Asia/Tokyo' })).toEqual({
      cronExpressions: ['0 3 * * *'],
      timezone: 'Asia/Tokyo',
    });
    expect(temporalScheduleSpec({ cron: '@daily' })).toEqual({ cronExpressions: ['@daily'] });
    expect(temporalScheduleSpec({ intervalSeconds: 90 })).toEqual({ intervals: [{ every: 90_000 }] });
    expect(temporalScheduleSpec({ at: '2027-12-31T23:59:58.000Z' })).toEqual({
      calendars: [
        {
          year: 2027,
          month: 'DECEMBER',
          dayOfMonth: 31,
          hour: 23,
          minute: 59,
          second: 58,
          dayOfWeek: '*',
          comment: 'once at 2027-12-31T23:59:58.000Z',
        },
      ],
    });
    expect(() => temporalScheduleSpec({})).toThrow('one of');
  });

  it('reads stored specs back, ignoring what it does not know', () => {
    expect(storedSpec({ cron: '0 3 * * *', timezone: 'UTC', extra: 1, intervalSeconds: 'x' })).toEqual({
      cron: '0 3 * * *',
      timezone: 'UTC',
    });
    expect(storedSpec(null)).toEqual({});
  });
});

describe(specProblem.name, () => {
  it("puts Temporal's complaint on the field it is about", () => {
    expect(specProblem({ cron: 'x', timezone: 'Bad/Zone' }, 'unknown time zone Bad/Zone')).toEqual({
      path: 'spec.timezone',
      message: 'unknown time zone Bad/Zone',
    });
    expect(specProblem({ cron: '61 * * * *' }, 'Minute is not in range [0-59]').path).toBe('spec.cron');
    expect(specProblem({ intervalSeconds: 1 }, 'bad').path).toBe('spec.intervalSeconds');
  });
});

describe(scheduleTemporalId.name, () => {
  it('is readable and unique per schedule', () => {
    expect(scheduleTemporalId('Deploy Web (EU)!', 'nightly', '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed')).toBe(
      'deploy-web-eu-sched-nightly-1b9d6bcd',
    );
  });
});

describe(backfillFirings.name, () => {
  it('counts the firings of intervals and one-offs in a window, both ends included', () => {
    const from = new Date('2026-03-01T10:00:00.000Z');
    expect(backfillFirings({ intervalSeconds: 2 }, from, new Date(from.getTime() + 5000))).toBe(3);
    expect(backfillFirings({ intervalSeconds: 2 }, new Date(from.getTime() + 1), new Date(from.getTime() + 1999))).toBe(
      0,
    );
    expect(backfillFirings({ intervalSeconds: 3600 }, from, new Date(from.getTime() + 86_400_000))).toBe(25);
    expect(backfillFirings({ at: '2026-03-01T10:00:01.000Z' }, from, new Date(from.getTime() + 1000))).toBe(1);
    expect(backfillFirings({ at: '2026-03-01T11:00:00.000Z' }, from, new Date(from.getTime() + 1000))).toBe(0);
    expect(backfillFirings({ cron: '* * * * *' }, from, new Date(from.getTime() + 1000))).toBeUndefined();
  });
});
