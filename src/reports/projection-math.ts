import { TrackplanConfigError } from '../core/errors';

/** The eSIM plan's guard rails for projections: history window and forecast horizon, in days. */
export const PROJECTION_BOUNDS = {
  windowDays: { min: 3, max: 90 },
  horizonDays: { min: 1, max: 30 },
} as const;

/** Throws a TrackplanConfigError naming the bound a window or horizon breaks. */
export function checkProjectionBounds(windowDays: unknown, horizonDays: unknown): void {
  for (const [name, value] of [['windowDays', windowDays], ['horizonDays', horizonDays]] as const) {
    const { min, max } = PROJECTION_BOUNDS[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
      throw new TrackplanConfigError(`[trackplan] [reports] projection ${name} must be a whole number from ${min} to ${max} days (got ${JSON.stringify(value)}).`);
  }
}

/** Mean of the values (0 for none). */
export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((total, value) => total + value, 0) / values.length : 0;
}

/**
 * The trailing moving average of `history` (its last `windowDays` values), carried forward flat
 * over `horizonDays` days; the growth rate compares it with the window before it (null when that
 * window is missing or averages zero).
 */
export function movingAverageForecast(history: readonly number[], windowDays: number, horizonDays: number, previousWindow?: readonly number[]) {
  const average = mean(history.slice(-windowDays));
  const previous = previousWindow && previousWindow.length === windowDays ? mean(previousWindow) : undefined;
  return {
    average,
    forecast: Array.from({ length: horizonDays }, () => average),
    horizonTotal: average * horizonDays,
    growthRate: previous === undefined || previous === 0 ? null : (average - previous) / previous,
  };
}
