import { TrackplanConfigError } from '../core/errors';

/** A point in time as report options take it: a Date, an ISO string or epoch milliseconds. */
export type TimeInput = Date | string | number;

/** The range a report covered, in every result. `clamped` is true when a longer request was cut to 365 days. */
export interface ReportRange {
  /** ISO 8601, UTC. */
  from: string;
  /** ISO 8601, UTC. Inclusive. */
  to: string;
  clamped: boolean;
}

/** The eSIM guard rail: no report reads more than 365 days. */
export const MAX_RANGE_DAYS = 365;
/** The range when `from` is left out: the 30 days before `to`. */
export const DEFAULT_RANGE_DAYS = 30;
const DAY_MS = 86_400_000;

/** A resolved range: the dates for queries, and the `range` to return. */
export interface ResolvedRange {
  from: Date;
  to: Date;
  range: ReportRange;
}

/** Reads one time input; throws a TrackplanConfigError naming `label` when it is not a valid time. */
export function toDate(value: TimeInput, label: string): Date {
  const date = value instanceof Date ? new Date(value.getTime()) : typeof value === 'number' || typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()))
    throw new TrackplanConfigError(`[trackplan] [reports] ${label} must be a Date, an ISO 8601 string or epoch milliseconds (got ${JSON.stringify(value)}).`);
  return date;
}

/**
 * Resolves `{ from, to }` (inclusive) to dates: `to` defaults to `now`, `from` to 30 days before
 * `to`. A range over 365 days keeps its `to` and is cut to 365 days (`clamped: true`).
 */
export function resolveRange(options: { from?: TimeInput; to?: TimeInput }, now: Date = new Date()): ResolvedRange {
  const to = options.to === undefined ? new Date(now.getTime()) : toDate(options.to, 'to');
  let from = options.from === undefined ? new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS) : toDate(options.from, 'from');
  if (from.getTime() > to.getTime())
    throw new TrackplanConfigError(`[trackplan] [reports] from (${from.toISOString()}) is after to (${to.toISOString()}); swap them.`);
  const clamped = to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS;
  if (clamped) from = new Date(to.getTime() - MAX_RANGE_DAYS * DAY_MS);
  return { from, to, range: { from: from.toISOString(), to: to.toISOString(), clamped } };
}
