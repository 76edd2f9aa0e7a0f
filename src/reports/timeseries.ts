import type { RuntimeCatalog } from '../core/types';
import { daysFrom, utcDay } from './days';
import { reportClient, reportTable, type ReportTableOption } from './db';
import { resolveRange, type ReportRange, type TimeInput } from './range';
import { revenueSourcesOf, revenueSql } from './revenue-sources';

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
 * Events per UTC day and event name, plus revenue per day and currency. One scan of the range:
 * rows are grouped by day, event and currency in SQL.
 */
export async function timeseries(db: unknown, options: TimeseriesOptions): Promise<TimeseriesResult> {
  const { from, to, range } = resolveRange(options);
  const sql = reportClient(db);
  const table = reportTable(options.table);
  const sources = revenueSourcesOf(options.catalog);
  const revenue = revenueSql(sources, 'e', 3);
  const params: unknown[] = [from, to, ...revenue.params];
  const filters: string[] = [];
  if (options.events) {
    params.push([...options.events]);
    filters.push(`(e.event_name = ANY($${params.length}::text[]) OR e.event_name = ANY($3::text[]))`);
  }
  if (options.organizationId !== undefined) {
    params.push(options.organizationId);
    filters.push(`e.organization_id = $${params.length}`);
  }
  const { rows } = await sql.query<{ day: string; event_name: string; currency: string | null; n: number; amount: number | null }>(
    `SELECT to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, e.event_name, ${revenue.currency} AS currency,
            count(*)::int AS n, sum(${revenue.amount})::float8 AS amount
       FROM ${table} e ${revenue.join}
      WHERE e.occurred_at >= $1 AND e.occurred_at <= $2 ${filters.map((f) => `AND ${f}`).join(' ')}
      GROUP BY 1, 2, 3`,
    params,
  );
  const counted = options.events ? new Set(options.events) : undefined;
  const days = new Map(daysFrom(utcDay(from), utcDay(to)).map((date) => [date, { date, counts: zeros(options.events), revenue: {} } as TimeseriesDay]));
  for (const row of rows) {
    const day = days.get(row.day);
    if (!day) continue;
    if (!counted || counted.has(row.event_name)) day.counts[row.event_name] = (day.counts[row.event_name] ?? 0) + Number(row.n);
    if (row.currency !== null && row.amount !== null) day.revenue[row.currency] = (day.revenue[row.currency] ?? 0) + Number(row.amount);
  }
  return { range, days: [...days.values()] };
}
