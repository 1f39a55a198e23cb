/** Dates, durations and short ids as people read them. */

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function formatTime(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : dateTime.format(date);
}

/** `850ms`, `12.3s`, `4m 05s`, `2h 10m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** How long something took, or has been going on (`now` while it runs). */
export function elapsed(start: string | null | undefined, end: string | null | undefined, now = Date.now()): string {
  if (!start) return '—';
  const from = new Date(start).getTime();
  const to = end ? new Date(end).getTime() : now;
  return formatDuration(to - from);
}

/** `3 minutes ago`, for lists. */
export function relativeTime(value: string | null | undefined, now = Date.now()): string {
  if (!value) return '—';
  const diff = now - new Date(value).getTime();
  if (!Number.isFinite(diff)) return value;
  const abs = Math.abs(diff);
  const units: Array<[number, Intl.RelativeTimeFormatUnit]> = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [size, unit] of units) {
    if (abs >= size || unit === 'second') return format.format(-Math.round(diff / size), unit);
  }
  return value;
}

export function shortHash(hash: string): string {
  return hash.slice(0, 10);
}
