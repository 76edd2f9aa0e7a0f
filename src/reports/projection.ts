import { TrackplanConfigError } from '../core/errors';
import type { MetricSpec } from '../core/metrics';
import { addDays, daysBetween, daysFrom, startOfDay, utcDay } from './days';
import { reportClient, reportTable, type ReportTableOption } from './db';
import { checkProjectionBounds, movingAverageForecast } from './projection-math';
import { toDate, type ReportRange, type TimeInput } from './range';
import { revenueSql } from './revenue-sources';

export interface ProjectionOptions extends ReportTableOption {
  /** A `revenueSeries()` metric from `catalog.metrics` (revenue per currency), or an event name (daily counts). */
  series: MetricSpec | string;
  /** Days of history averaged: 3 to 90. */
  windowDays: number;
  /** Days carried forward: 1 to 30. */
  horizonDays: number;
  /** The history is the `windowDays` UTC days ending with the day of `to`, up to `to`. @default now */
  to?: TimeInput;
  /** Only this tenant's events. */
  organizationId?: string;
}

/** Values by key: the event name for counts, the currency for revenue. */
export type ProjectionValues = Record<string, number>;

export type ProjectionResult =
  | {
      status: 'ok';
      series: string;
      kind: 'count' | 'revenue';
      windowDays: number;
      horizonDays: number;
      /** The history window: from the first instant of its first day to `to`. */
      range: ReportRange;
      /** One entry per day of the window, oldest first. */
      history: { date: string; values: ProjectionValues }[];
      /** One entry per day of the horizon: the window's average, carried forward. */
      forecast: { date: string; values: ProjectionValues }[];
      /** The trailing moving average per day. */
      average: ProjectionValues;
      /** The forecast summed over the horizon. */
      horizonTotal: ProjectionValues;
      /** The average against the window before it, as a fraction (0.1 = +10 %); null without a full earlier window or when it averaged zero. */
      growthRate: Record<string, number | null>;
    }
  | {
      status: 'not_enough_data';
      series: string;
      range: ReportRange;
      /** Days of history the window needs (`windowDays`). */
      needDays: number;
      /** Days of history there are: from the day of the series' first event to the day of `to`. */
      haveDays: number;
    };

interface Series {
  name: string;
  kind: 'count' | 'revenue';
  events: string[];
  revenue?: { event: string; amount: string; currency: string | null }[];
}

function seriesOf(series: ProjectionOptions['series']): Series {
  if (typeof series === 'string' && series !== '') return { name: series, kind: 'count', events: [series] };
  if (series && typeof series === 'object' && series.kind === 'revenue')
    return { name: series.name, kind: 'revenue', events: series.events.map((e) => e.event), revenue: series.events };
  throw new TrackplanConfigError(
    `[trackplan] [reports] projection series must be an event name or a revenueSeries() metric from catalog.metrics (got ${series && typeof series === 'object' ? `a ${(series as MetricSpec).kind} metric` : JSON.stringify(series)}).`,
  );
}

/**
 * A trailing moving average carried forward: the mean of the last `windowDays` daily values,
 * projected flat over `horizonDays`, with the growth against the window before. When the series
 * has less history than the window: `{ status: 'not_enough_data', needDays, haveDays }`.
 * Throws a TrackplanConfigError naming the bound when the window or horizon is out of it.
 */
export async function projection(db: unknown, options: ProjectionOptions): Promise<ProjectionResult> {
  checkProjectionBounds(options?.windowDays, options?.horizonDays);
  const series = seriesOf(options.series);
  const { windowDays, horizonDays } = options;
  const to = options.to === undefined ? new Date() : toDate(options.to, 'to');
  const lastDay = utcDay(to);
  const firstDay = addDays(lastDay, -(windowDays - 1));
  const previousFirstDay = addDays(firstDay, -windowDays);
  const range: ReportRange = { from: startOfDay(firstDay).toISOString(), to: to.toISOString(), clamped: false };
  const sql = reportClient(db);
  const table = reportTable(options.table);

  const scope: unknown[] = [series.events, to];
  let tenant = '';
  if (options.organizationId !== undefined) {
    scope.push(options.organizationId);
    tenant = `AND e.organization_id = $${scope.length}`;
  }
  const [first] = (await sql.query<{ first: string | Date | null }>(`SELECT min(e.occurred_at) AS first FROM ${table} e WHERE e.event_name = ANY($1::text[]) AND e.occurred_at <= $2 ${tenant}`, scope)).rows;
  const firstEventDay = first?.first ? utcDay(new Date(first.first)) : undefined;
  const haveDays = firstEventDay ? daysBetween(firstEventDay, lastDay) + 1 : 0;
  if (haveDays < windowDays) return { status: 'not_enough_data', series: series.name, range, needDays: windowDays, haveDays };

  const byDay = await dailyValues(sql, table, series, startOfDay(previousFirstDay), to, scope.slice(2) as string[]);
  const historyDays = daysFrom(firstDay, lastDay);
  const previousDays = firstEventDay! <= previousFirstDay ? daysFrom(previousFirstDay, addDays(firstDay, -1)) : undefined;
  const keys = series.kind === 'count' ? [series.name] : [...new Set(historyDays.flatMap((day) => Object.keys(byDay.get(day) ?? {})))].sort();
  const valueOn = (day: string, key: string) => byDay.get(day)?.[key] ?? 0;
  const forecastDays = Array.from({ length: horizonDays }, (_, i) => addDays(lastDay, i + 1));
  const average: ProjectionValues = {};
  const horizonTotal: ProjectionValues = {};
  const growthRate: Record<string, number | null> = {};
  for (const key of keys) {
    const result = movingAverageForecast(historyDays.map((day) => valueOn(day, key)), windowDays, horizonDays, previousDays?.map((day) => valueOn(day, key)));
    average[key] = result.average;
    horizonTotal[key] = result.horizonTotal;
    growthRate[key] = result.growthRate;
  }
  return {
    status: 'ok',
    series: series.name,
    kind: series.kind,
    windowDays,
    horizonDays,
    range,
    history: historyDays.map((date) => ({ date, values: Object.fromEntries(keys.map((key) => [key, valueOn(date, key)])) })),
    forecast: forecastDays.map((date) => ({ date, values: { ...average } })),
    average,
    horizonTotal,
    growthRate,
  };
}

/** The series' value per UTC day (and per currency for revenue) from `from` to `to`. */
async function dailyValues(sql: ReturnType<typeof reportClient>, table: string, series: Series, from: Date, to: Date, organization: string[]) {
  const params: unknown[] = [series.events, from, to];
  const tenant = organization.length ? `AND e.organization_id = $${params.push(organization[0])}` : '';
  const byDay = new Map<string, ProjectionValues>();
  if (series.kind === 'count') {
    const { rows } = await sql.query<{ day: string; n: number }>(
      `SELECT to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS n
         FROM ${table} e WHERE e.event_name = ANY($1::text[]) AND e.occurred_at >= $2 AND e.occurred_at <= $3 ${tenant} GROUP BY 1`,
      params,
    );
    for (const row of rows) byDay.set(row.day, { [series.name]: Number(row.n) });
    return byDay;
  }
  const revenue = revenueSql(series.revenue!, 'e', params.length + 1);
  params.push(...revenue.params);
  const { rows } = await sql.query<{ day: string; currency: string; amount: number }>(
    `SELECT to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, ${revenue.currency} AS currency, sum(${revenue.amount})::float8 AS amount
       FROM ${table} e ${revenue.join}
      WHERE e.event_name = ANY($1::text[]) AND e.occurred_at >= $2 AND e.occurred_at <= $3 ${tenant} AND revenue_source.event IS NOT NULL
      GROUP BY 1, 2`,
    params,
  );
  for (const row of rows) byDay.set(row.day, { ...byDay.get(row.day), [row.currency]: Number(row.amount) });
  return byDay;
}
