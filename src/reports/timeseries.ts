import type { RuntimeCatalog } from '../core/types';
import { daysFrom, utcDay } from './days';
import { reportClient, reportTable, type ReportTableOption } from './db';
import { resolveRange, type ReportRange, type TimeInput } from './range';
import { revenueSourcesOf, revenueSql, utcDaySql } from './revenue-sources';

export interface TimeseriesOptions extends ReportTableOption {
  /** Count only these events (default: every event). Revenue is summed from every revenue event either way. */
  events?: readonly string[];
  /** @default 30 days before `to` */
  from?: TimeInput;
  /** Inclusive. @default now */
  to?: TimeInput;
  /** Buckets are UTC days. */
  bucket?: 'day';
  /** Only this tenant's events. */
  organizationId?: string;
  /** The catalog whose events declare `revenue` (without it, `revenue` stays empty). */
  catalog?: Pick<RuntimeCatalog, 'events'>;
}

export interface TimeseriesDay {
  /** The UTC day, 'YYYY-MM-DD'. */
  date: string;
  counts: Record<string, number>;
  revenue: Record<string, number>;
}

export interface TimeseriesResult {
  range: ReportRange;
  /** Every day of the range, oldest first, present even when nothing happened. */
  days: TimeseriesDay[];
}

/** A zero count for each requested event, so a quiet day still names them. */
function zeros(events: readonly string[] | undefined): Record<string, number> {
  return Object.fromEntries((events ?? []).map((event) => [event, 0]));
}

/**
 * Events per UTC day and event name (one GROUP BY over the range), plus revenue per day and
 * currency (read from the revenue events only). Both are grouped in SQL; the days are filled in here.
 */
export async function timeseries(db: unknown, options: TimeseriesOptions): Promise<TimeseriesResult> {
  const { from, to, range } = resolveRange(options);
  const sql = reportClient(db);
  const table = reportTable(options.table);
  const sources = revenueSourcesOf(options.catalog);
  const scope: unknown[] = [from, to];
  const tenant = options.organizationId === undefined ? '' : `AND e.organization_id = $${scope.push(options.organizationId)}`;
  const day = utcDaySql('e');
  // Counts and revenue apart: the count is a plain GROUP BY, revenue reads only the revenue events.
  const countParams = [...scope];
  const eventFilter = options.events ? `AND e.event_name = ANY($${countParams.push([...options.events])}::text[])` : '';
  const counts = sql.query<{ day: string; event_name: string; n: number }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, event_name, n FROM (
       SELECT ${day} AS day, e.event_name, count(*)::int AS n
         FROM ${table} e WHERE e.occurred_at >= $1 AND e.occurred_at <= $2 ${tenant} ${eventFilter}
        GROUP BY 1, 2) AS g`,
    countParams,
  );
  const revenue = revenueSql(sources, 'e', scope.length + 1, 'INNER');
  const amounts = sources.length
    ? sql.query<{ day: string; currency: string; amount: number }>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, currency, amount FROM (
           SELECT ${day} AS day, ${revenue.currency} AS currency, sum(${revenue.amount})::float8 AS amount
             FROM ${table} e ${revenue.join}
            WHERE e.occurred_at >= $1 AND e.occurred_at <= $2 ${tenant} AND e.event_name = ANY($${scope.length + 1}::text[])
            GROUP BY 1, 2) AS g`,
        [...scope, ...revenue.params],
      )
    : Promise.resolve({ rows: [] });
  const counted = options.events ? new Set(options.events) : undefined;
  const days = new Map(daysFrom(utcDay(from), utcDay(to)).map((date) => [date, { date, counts: zeros(options.events), revenue: {} } as TimeseriesDay]));
  for (const row of (await counts).rows) {
    const day = days.get(row.day);
    if (day && (!counted || counted.has(row.event_name))) day.counts[row.event_name] = (day.counts[row.event_name] ?? 0) + Number(row.n);
  }
  for (const row of (await amounts).rows) {
    const day = days.get(row.day);
    if (day && row.amount !== null) day.revenue[row.currency] = (day.revenue[row.currency] ?? 0) + Number(row.amount);
  }
  return { range, days: [...days.values()] };
}
