/** UTC calendar days as 'YYYY-MM-DD': how every report buckets time. */

const DAY_MS = 86_400_000;

/** The UTC day a moment falls on. */
export function utcDay(moment: Date | number): string {
  return new Date(typeof moment === 'number' ? moment : moment.getTime()).toISOString().slice(0, 10);
}

/** The day `n` days after `day` (negative: before). */
export function addDays(day: string, n: number): string {
  return utcDay(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS);
}

/** The first instant of a UTC day. */
export function startOfDay(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

/** Every day from `first` to `last`, both included (empty when `last` is before `first`). */
export function daysFrom(first: string, last: string): string[] {
  const days: string[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}

/** Whole days from `earlier` to `later` (0 for the same day). */
export function daysBetween(earlier: string, later: string): number {
  return Math.round((Date.parse(`${later}T00:00:00Z`) - Date.parse(`${earlier}T00:00:00Z`)) / DAY_MS);
}
