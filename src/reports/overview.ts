import { TrackplanConfigError } from '../core/errors';
import type { FunnelSpec } from '../core/funnels';
import type { RuntimeCatalog } from '../core/types';
import { reportClient, reportTable, type ReportTableOption } from './db';
import { resolveRange, type ReportRange, type TimeInput } from './range';
import { revenueSourcesOf, revenueSql } from './revenue-sources';
import { funnelForOverview, type OverviewFunnel } from './overview-funnel';

export interface OverviewTopOptions {
  /** The property whose values are ranked (eSIM: `plan_id`). */
  property: string;
  /** `'revenue'` ranks by revenue (revenue events only), `'count'` by events carrying the property. @default 'revenue' */
  by?: 'revenue' | 'count';
  /** @default 10 */
  limit?: number;
}

export interface OverviewOptions extends ReportTableOption {
  /** @default 30 days before `to` */
  from?: TimeInput;
  /** Inclusive. @default now */
  to?: TimeInput;
  /** Count only these events (default: every event); also what `top` looks at. */
  events?: readonly string[];
  /** Only this tenant's events. */
  organizationId?: string;
  /** A funnel from `catalog.funnels`: its steps' conversion for the range. */
  funnel?: FunnelSpec;
  /** The top values of one property. */
  top?: OverviewTopOptions;
  /** The catalog whose events declare `revenue` (without it, revenue is empty and `top` ranks by count). */
  catalog?: Pick<RuntimeCatalog, 'events'>;
}

export interface OverviewTopRow {
  /** The property's value (JSON: string, number, boolean). */
  value: unknown;
  /** Events in the range carrying this value. */
  count: number;
  /** Their revenue per currency. */
  revenue: Record<string, number>;
}

export interface OverviewResult {
  range: ReportRange;
  /** Events per name in the range. */
  counts: Record<string, number>;
  /** Revenue per currency in the range. */
  revenue: Record<string, number>;
  funnel?: OverviewFunnel;
  top?: { property: string; by: 'revenue' | 'count'; rows: OverviewTopRow[] };
}

const PROPERTY = /^[^\u0000]{1,200}$/;

/**
 * The eSIM overview: counts per event, revenue per currency, a funnel's conversion between steps,
 * and the top values of a property by revenue or count, for one range (and tenant).
 */
export async function overview(db: unknown, options: OverviewOptions): Promise<OverviewResult> {
  const { from, to, range } = resolveRange(options ?? {});
  const top = options.top && checkTop(options.top);
  const sql = reportClient(db);
  const table = reportTable(options.table);
  const sources = revenueSourcesOf(options.catalog);
  const revenue = revenueSql(sources, 'e', 3);
  const params: unknown[] = [from, to, ...revenue.params];
  const filters: string[] = [];
  if (options.events) filters.push(`e.event_name = ANY($${params.push([...options.events])}::text[])`);
  if (options.organizationId !== undefined) filters.push(`e.organization_id = $${params.push(options.organizationId)}`);
  const where = `e.occurred_at >= $1 AND e.occurred_at <= $2 ${filters.map((f) => `AND ${f}`).join(' ')}`;

  const totals = sql.query<{ event_name: string; currency: string | null; n: number; amount: number | null }>(
    `SELECT e.event_name, ${revenue.currency} AS currency, count(*)::int AS n, sum(${revenue.amount})::float8 AS amount
       FROM ${table} e ${revenue.join} WHERE ${where} GROUP BY 1, 2`,
    params,
  );
  const topRows = top ? topValues(sql, table, where, [...params], revenue, top) : undefined;
  const funnel = options.funnel ? funnelForOverview(db, options.funnel, { from, to, organizationId: options.organizationId, table: options.table }) : undefined;

  const counts: Record<string, number> = {};
  const revenueTotals: Record<string, number> = {};
  for (const row of (await totals).rows) {
    counts[row.event_name] = (counts[row.event_name] ?? 0) + Number(row.n);
    if (row.currency !== null && row.amount !== null) revenueTotals[row.currency] = (revenueTotals[row.currency] ?? 0) + Number(row.amount);
  }
  return {
    range,
    counts,
    revenue: revenueTotals,
    ...(funnel ? { funnel: await funnel } : {}),
    ...(top ? { top: { property: top.property, by: top.by, rows: await topRows! } } : {}),
  };
}

function checkTop(top: OverviewTopOptions): Required<OverviewTopOptions> {
  if (!top || typeof top.property !== 'string' || !PROPERTY.test(top.property))
    throw new TrackplanConfigError(`[trackplan] [reports] overview top.property must be a property name (got ${JSON.stringify(top?.property)}).`);
  const by = top.by ?? 'revenue';
  if (by !== 'revenue' && by !== 'count') throw new TrackplanConfigError(`[trackplan] [reports] overview top.by must be 'revenue' or 'count' (got ${JSON.stringify(top.by)}).`);
  const limit = top.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new TrackplanConfigError(`[trackplan] [reports] overview top.limit must be a whole number from 1 to 1000 (got ${JSON.stringify(top.limit)}).`);
  return { property: top.property, by, limit };
}

/**
 * The top values, ranked in SQL so a property with many values sends back only `limit` rows. By
 * revenue, the amounts of different currencies are added as plain numbers for the ranking only.
 */
async function topValues(sql: ReturnType<typeof reportClient>, table: string, where: string, params: unknown[], revenue: ReturnType<typeof revenueSql>, top: Required<OverviewTopOptions>): Promise<OverviewTopRow[]> {
  const property = `$${params.push(top.property)}`;
  const limit = `$${params.push(top.limit)}`;
  const onlyRevenue = top.by === 'revenue' ? 'AND revenue_source.event IS NOT NULL' : '';
  const { rows } = await sql.query<{ value: unknown; n: number; revenue: Record<string, number> | string | null }>(
    `WITH grouped AS (
       SELECT e.properties -> ${property}::text AS value, ${revenue.currency} AS currency, count(*) AS n, sum(${revenue.amount}) AS amount
         FROM ${table} e ${revenue.join}
        WHERE ${where} AND e.properties ? ${property}::text ${onlyRevenue}
        GROUP BY 1, 2)
     SELECT value, sum(n)::int AS n, coalesce(sum(amount), 0) AS rank_amount,
            jsonb_object_agg(currency, amount::float8) FILTER (WHERE currency IS NOT NULL AND amount IS NOT NULL) AS revenue
       FROM grouped GROUP BY value
      ORDER BY ${top.by === 'revenue' ? 'rank_amount DESC, n DESC' : 'n DESC, rank_amount DESC'}, value::text
      LIMIT ${limit}::int`,
    params,
  );
  return rows.map((row) => ({ value: row.value, count: Number(row.n), revenue: typeof row.revenue === 'string' ? JSON.parse(row.revenue) : (row.revenue ?? {}) }));
}
