// TEMPORARY until h-funnels' range.ts lands: resolve { from, to } with the 365-day clamp.
import { TrackplanConfigError } from '../core/errors';

export type Instant = Date | string | number;
export interface ResolvedRange { from: Date; to: Date; clamped: boolean }

function instant(name: string, value: Instant): Date {
  const date = value instanceof Date ? new Date(value.getTime()) : new Date(value);
  if (Number.isNaN(date.getTime())) throw new TrackplanConfigError(`[trackplan] [reports] ${name} must be a date (got ${JSON.stringify(value)}).`);
  return date;
}

export function resolveRange(options: { from: Instant; to: Instant }): ResolvedRange {
  const from = instant('from', options.from);
  const to = instant('to', options.to);
  if (from > to) throw new TrackplanConfigError('[trackplan] [reports] from must not be after to.');
  const max = 365 * 86_400_000;
  if (to.getTime() - from.getTime() > max) return { from: new Date(to.getTime() - max), to, clamped: true };
  return { from, to, clamped: false };
}

export function rangeJson(range: ResolvedRange) {
  return { from: range.from.toISOString(), to: range.to.toISOString(), clamped: range.clamped };
}
