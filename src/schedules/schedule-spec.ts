/**
 * Schedule specs as Switchyard takes them (one of a cron expression with a time zone, a fixed
 * interval, a one-off time) and as Temporal Schedules want them. Pure: no I/O.
 */
import type { CalendarSpec, Month, ScheduleSpec } from '@temporalio/client';
import type { Problem } from '../common/errors/app-errors';
import { templateSlug } from '../runs/run-launcher.service';
import type { StoredScheduleSpec } from './schedule.entity';

/** A spec as a client sends it (GraphQL `ScheduleSpecInput`); `null` counts as absent. */
export interface ScheduleSpecRequest {
  cron?: string | null;
  timezone?: string | null;
  intervalSeconds?: number | null;
  at?: Date | null;
}

/** The longest fixed interval accepted (a year); longer ones are better written as cron. */
export const MAX_INTERVAL_SECONDS = 366 * 24 * 3600;

/** Schedule names: lowercase letters, digits and dashes; they become part of Temporal ids. */
export const SCHEDULE_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

const MONTHS: readonly Month[] = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
];

/** Whether Node's time zone database knows `timezone` (the Temporal server checks again with its own). */
export function isKnownTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a spec and returns it in its stored form, or every problem with its path (`spec.cron`,
 * `spec.at`...). Exactly one of `cron`, `intervalSeconds`, `at`; `timezone` only with `cron`; a
 * one-off time in the future (whole seconds: Temporal fires on seconds). The cron expression
 * itself is checked by the Temporal server when the schedule is written.
 */
export function checkScheduleSpec(
  request: ScheduleSpecRequest,
  now: Date,
): { spec?: StoredScheduleSpec; problems: Problem[] } {
  const problems: Problem[] = [];
  const cron = request.cron?.trim() || undefined;
  const timezone = request.timezone?.trim() || undefined;
  const intervalSeconds = request.intervalSeconds ?? undefined;
  const at = request.at ?? undefined;
  const given = [cron, intervalSeconds, at].filter((value) => value !== undefined).length;
  if (given !== 1) {
    problems.push({
      path: 'spec',
      message:
        given === 0
          ? 'give one of cron, intervalSeconds or at'
          : 'give only one of cron, intervalSeconds or at (make several schedules for several rhythms)',
    });
  }
  if (cron !== undefined && /^(CRON_)?TZ=/i.test(cron)) {
    problems.push({ path: 'spec.cron', message: 'give the time zone in spec.timezone, not in the expression' });
  }
  if (timezone !== undefined) {
    if (cron === undefined) problems.push({ path: 'spec.timezone', message: 'only applies to a cron expression' });
    else if (!isKnownTimeZone(timezone))
      problems.push({ path: 'spec.timezone', message: `unknown time zone ${JSON.stringify(timezone)}` });
  }
  if (intervalSeconds !== undefined && !(Number.isInteger(intervalSeconds) && intervalSeconds >= 1)) {
    problems.push({ path: 'spec.intervalSeconds', message: 'must be a whole number of seconds, at least 1' });
  } else if (intervalSeconds !== undefined && intervalSeconds > MAX_INTERVAL_SECONDS) {
    problems.push({ path: 'spec.intervalSeconds', message: `must be at most ${MAX_INTERVAL_SECONDS} (a year)` });
  }
  let atSecond: Date | undefined;
  if (at !== undefined) {
    if (Number.isNaN(at.getTime())) problems.push({ path: 'spec.at', message: 'must be a date-time' });
    else {
      atSecond = new Date(Math.floor(at.getTime() / 1000) * 1000);
      if (atSecond.getTime() <= now.getTime()) problems.push({ path: 'spec.at', message: 'must be in the future' });
    }
  }
  if (problems.length > 0) return { problems };
  const spec: StoredScheduleSpec = {};
  if (cron !== undefined) spec.cron = cron;
  if (timezone !== undefined) spec.timezone = timezone;
  if (intervalSeconds !== undefined) spec.intervalSeconds = intervalSeconds;
  if (atSecond) spec.at = atSecond.toISOString();
  return { spec, problems };
}

/** A stored spec (a `schedules.spec` column) read back; unknown keys are ignored. */
export function storedSpec(value: unknown): StoredScheduleSpec {
  const source = (value ?? {}) as Record<string, unknown>;
  const spec: StoredScheduleSpec = {};
  if (typeof source.cron === 'string') spec.cron = source.cron;
  if (typeof source.timezone === 'string') spec.timezone = source.timezone;
  if (typeof source.intervalSeconds === 'number') spec.intervalSeconds = source.intervalSeconds;
  if (typeof source.at === 'string') spec.at = source.at;
  return spec;
}

/** The one calendar entry that matches exactly `at` (UTC, to the second): a one-off firing. */
function exactly(at: Date): CalendarSpec {
  return {
    year: at.getUTCFullYear(),
    month: MONTHS[at.getUTCMonth()],
    dayOfMonth: at.getUTCDate(),
    hour: at.getUTCHours(),
    minute: at.getUTCMinutes(),
    second: at.getUTCSeconds(),
    dayOfWeek: '*',
    comment: `once at ${at.toISOString()}`,
  };
}

/**
 * The Temporal {@link ScheduleSpec} of a stored spec: a cron expression (in its time zone, UTC by
 * default), an interval (`every`, aligned on the epoch), or a calendar entry matching one instant.
 */
export function temporalScheduleSpec(spec: StoredScheduleSpec): ScheduleSpec {
  if (spec.cron !== undefined) {
    return { cronExpressions: [spec.cron], ...(spec.timezone ? { timezone: spec.timezone } : {}) };
  }
  if (spec.intervalSeconds !== undefined) return { intervals: [{ every: spec.intervalSeconds * 1000 }] };
  if (spec.at !== undefined) return { calendars: [exactly(new Date(spec.at))] };
  throw new Error('A schedule spec needs one of cron, intervalSeconds or at');
}

/**
 * Where a spec the Temporal server refused went wrong: its message ("Minute is not in range
 * [0-59]", "unknown time zone ...") on the field it concerns.
 */
export function specProblem(spec: StoredScheduleSpec, message: string): Problem {
  if (spec.timezone !== undefined && /time ?zone/i.test(message)) return { path: 'spec.timezone', message };
  if (spec.cron !== undefined) return { path: 'spec.cron', message };
  if (spec.intervalSeconds !== undefined) return { path: 'spec.intervalSeconds', message };
  if (spec.at !== undefined) return { path: 'spec.at', message };
  return { path: 'spec', message };
}

/**
 * The Temporal Schedule id of a schedule, also the prefix of the workflow ids of its runs (Temporal
 * appends the firing time): `<template-slug>-sched-<schedule name>-<first 8 hex of its id>`. The id
 * part keeps schedules of same-named templates in different projects apart in the namespace.
 *
 * @example scheduleTemporalId('Deploy Web', 'nightly', '1b9d6bcd-...') // 'deploy-web-sched-nightly-1b9d6bcd'
 */
export function scheduleTemporalId(templateName: string, scheduleName: string, scheduleId: string): string {
  return `${templateSlug(templateName)}-sched-${scheduleName}-${scheduleId.slice(0, 8)}`;
}

/**
 * How many firings a backfill over `[from, to]` would start, when that can be counted without the
 * server (intervals and one-offs); `undefined` for cron expressions.
 */
export function backfillFirings(spec: StoredScheduleSpec, from: Date, to: Date): number | undefined {
  if (spec.intervalSeconds !== undefined) {
    const every = spec.intervalSeconds * 1000;
    const first = Math.ceil(from.getTime() / every);
    const last = Math.floor(to.getTime() / every);
    return Math.max(0, last - first + 1);
  }
  if (spec.at !== undefined) {
    const at = new Date(spec.at).getTime();
    return at >= from.getTime() && at <= to.getTime() ? 1 : 0;
  }
  return undefined;
}
