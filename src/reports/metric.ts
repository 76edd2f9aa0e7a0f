import { TrackplanConfigError } from '../core/errors';
import type { MetricSpec } from '../core/metrics';
import { numberOrNull, QueryParams, reportClient, reportTable, runQuery } from './db';
import { checkReportOptions, type ReportOptions } from './options';
import { resolveRange, toDate, type ReportRange, type TimeInput } from './range';
import { intervalParam, matchRef, secondsBetween, tenantFilter, unitColumn } from './sql-parts';

export interface MetricOptions extends ReportOptions {
  /** The clock for "has this cohort's window elapsed" (activation, retention). @default now */
  now?: TimeInput;
}

/** What `metric()` returns; see each kind in the README. */
export interface MetricResult {
  range: ReportRange;
  metric: string;
  kind: MetricSpec['kind'];
  /** The headline figure: a share (0..1) for every kind but revenue, where it is the sum (null over several currencies). */
  value: number | null;
  /** Units (or, for revenue, events) that count towards `value`. */
  reached: number;
  /** The denominator: units in the cohort (retention `recurring`: unit-periods; revenue: paying units). */
  cohort: number;
  /** Time metrics and activation: seconds from the start event, over the units that reached it. */
  medianSeconds?: number | null;
  p75Seconds?: number | null;
  meanSeconds?: number | null;
  /** Revenue per currency (ISO code upper-cased; `XXX` when the event has no currency). */
  revenue?: Record<string, number>;
}

/** The currency code for revenue without one (ISO 4217 "no currency"). */
export const NO_CURRENCY = 'XXX';

/**
 * Computes a declared metric on the outbox table (pg or PGlite, one parameterised query). Cohorts
 * start at each unit's first start event ever (scoped to `organizationId`), counted when it falls
 * in `[from, to]`.
 */
export async function metric(db: unknown, spec: MetricSpec, options: MetricOptions): Promise<MetricResult> {
  if (!spec || typeof spec !== 'object' || typeof spec.kind !== 'string' || typeof spec.name !== 'string' || !('by' in spec))
    throw new TrackplanConfigError('[trackplan] [reports] metric() takes a metric from the catalog: metric(db, catalog.metrics.<name>, { from, to }).');
  checkReportOptions('metric', options);
  const client = reportClient(db);
  const { from, to, range } = resolveRange(options);
  const now = options.now === undefined ? new Date() : toDate(options.now, 'now');
  const params = new QueryParams();
  const ctx: Ctx = { params, table: reportTable(options.table), unit: unitColumn(spec.by), organizationId: options.organizationId, from, to, now };
  const text = metricQuery(spec, ctx);
  const rows = await runQuery<Record<string, unknown>>(client, text, params);
  const head = { range, metric: spec.name, kind: spec.kind };
  if (spec.kind === 'revenue') {
    const revenue: Record<string, number> = {};
    let reached = 0;
    let cohort = 0;
    for (const row of rows) {
      if (row.currency !== null && row.currency !== undefined) revenue[String(row.currency)] = numberOrNull(row.amount) ?? 0;
      else cohort = numberOrNull(row.units) ?? 0;
      reached += row.currency === null ? 0 : numberOrNull(row.events) ?? 0;
    }
    const currencies = Object.keys(revenue);
    return { ...head, value: currencies.length === 0 ? 0 : currencies.length === 1 ? revenue[currencies[0]] : null, reached, cohort, revenue };
  }
  const row = rows[0] ?? {};
  const cohort = numberOrNull(row.cohort) ?? 0;
  const reached = numberOrNull(row.reached) ?? 0;
  const result: MetricResult = { ...head, value: cohort === 0 ? 0 : reached / cohort, reached, cohort };
  if (spec.kind !== 'retention') {
    result.medianSeconds = numberOrNull(row.med);
    result.p75Seconds = numberOrNull(row.p75);
    result.meanSeconds = numberOrNull(row.mean);
  }
  return result;
}

interface Ctx {
  params: QueryParams;
  table: string;
  unit: 'user_id' | 'organization_id';
  organizationId: string | undefined;
  from: Date;
  to: Date;
  now: Date;
}

const ts = (ctx: Ctx, date: Date) => `${ctx.params.add(date.toISOString())}::timestamptz`;

/** Each unit's first start event ever (tenant-scoped): `unit, t0, i0`. */
function firstStarts(ctx: Ctx, ref: Parameters<typeof matchRef>[1]): string {
  const { table, unit, params } = ctx;
  return `SELECT DISTINCT ON (e.${unit}) e.${unit} AS unit, e.occurred_at AS t0, e.id AS i0 FROM ${table} e
    WHERE ${matchRef('e', ref, params)} AND e.${unit} IS NOT NULL AND ${tenantFilter('e', ctx.organizationId, params)}
    ORDER BY e.${unit}, e.occurred_at, e.id`;
}

/** The unit's `offset`-th (0-based) matching event after `(t, i)`, optionally within `within` of `t`. */
function nextMatch(ctx: Ctx, ref: Parameters<typeof matchRef>[1], after: { t: string; i: string }, offset: number, withinSeconds: number | null): string {
  const { table, unit, params } = ctx;
  const within = withinSeconds === null ? '' : ` AND e.occurred_at <= ${after.t} + ${intervalParam(withinSeconds, params)}`;
  return `SELECT e.occurred_at AS t FROM ${table} e
      WHERE e.${unit} = c.unit AND ${matchRef('e', ref, params)} AND ${tenantFilter('e', ctx.organizationId, params)}
        AND (e.occurred_at, e.id) > (${after.t}, ${after.i})${within}
      ORDER BY e.occurred_at, e.id ${offset > 0 ? `OFFSET ${offset} ` : ''}LIMIT 1`;
}

const timeAggregates = (seconds: string) =>
  `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${seconds}) AS med, percentile_cont(0.75) WITHIN GROUP (ORDER BY ${seconds}) AS p75, avg(${seconds}) AS mean`;

function metricQuery(spec: MetricSpec, ctx: Ctx): string {
  const inRange = (column: string) => `${column} >= ${ts(ctx, ctx.from)} AND ${column} <= ${ts(ctx, ctx.to)}`;
  switch (spec.kind) {
    case 'time_to_first':
    case 'time_to_nth': {
      const offset = spec.kind === 'time_to_nth' ? spec.n - 1 : 0;
      return `WITH firsts AS (${firstStarts(ctx, spec.from)}),
        cohort AS (SELECT * FROM firsts WHERE ${inRange('t0')}),
        per_unit AS (
          SELECT c.unit, c.t0, x.t FROM cohort c
          LEFT JOIN LATERAL (${nextMatch(ctx, spec.event, { t: 'c.t0', i: 'c.i0' }, offset, spec.withinSeconds)}) x ON true)
        SELECT count(*) AS cohort, count(t) AS reached, ${timeAggregates(secondsBetween('t', 't0'))} FROM per_unit`;
    }
    case 'activation': {
      const window = intervalParam(spec.withinSeconds, ctx.params);
      const laterals = spec.all
        .map((ref, k) => `LEFT JOIN LATERAL (${nextMatch(ctx, ref, { t: 'c.t0', i: 'c.i0' }, 0, spec.withinSeconds)}) a${k} ON true`)
        .join('\n          ');
      const times = spec.all.map((_, k) => `a${k}.t`);
      return `WITH firsts AS (${firstStarts(ctx, spec.from)}),
        cohort AS (SELECT * FROM firsts WHERE ${inRange('t0')} AND t0 + ${window} <= ${ts(ctx, ctx.now)}),
        per_unit AS (
          SELECT c.unit, c.t0, CASE WHEN ${times.map((t) => `${t} IS NOT NULL`).join(' AND ')} THEN GREATEST(${times.join(', ')}) END AS t
          FROM cohort c
          ${laterals})
        SELECT count(*) AS cohort, count(t) AS reached, ${timeAggregates(secondsBetween('t', 't0'))} FROM per_unit`;
    }
    case 'retention': {
      const { table, unit, params } = ctx;
      const period = intervalParam(spec.periodSeconds, params);
      const returned = (start: string) => `EXISTS (SELECT 1 FROM ${table} e
            WHERE e.${unit} = c.unit AND ${matchRef('e', spec.return, params)} AND ${tenantFilter('e', ctx.organizationId, params)}
              AND e.occurred_at >= ${start} + ${period} AND e.occurred_at < ${start} + 2 * ${period})`;
      if (spec.mode === 'first_time') {
        return `WITH firsts AS (${firstStarts(ctx, spec.start)}),
          c AS (SELECT * FROM firsts WHERE ${inRange('t0')} AND t0 + 2 * ${period} <= ${ts(ctx, ctx.now)})
          SELECT count(*) AS cohort, count(*) FILTER (WHERE ${returned('c.t0')}) AS reached FROM c`;
      }
      const periodSeconds = params.add(spec.periodSeconds);
      // recurring: periods of 24-hour windows anchored at the unit's first start ever; one entry per
      // period holding a start event in range.
      return `WITH firsts AS (${firstStarts(ctx, spec.start)}),
        entries AS (
          SELECT DISTINCT f.unit, f.t0 + floor(extract(epoch FROM (e.occurred_at - f.t0)) / ${periodSeconds}::float8) * ${period} AS p0
          FROM firsts f JOIN ${table} e ON e.${unit} = f.unit
          WHERE ${matchRef('e', spec.start, params)} AND ${tenantFilter('e', ctx.organizationId, params)} AND ${inRange('e.occurred_at')}),
        c AS (SELECT * FROM entries WHERE p0 + 2 * ${period} <= ${ts(ctx, ctx.now)})
        SELECT count(*) AS cohort, count(*) FILTER (WHERE ${returned('c.p0')}) AS reached FROM c`;
    }
    case 'revenue': {
      const { table, unit, params } = ctx;
      const rows = spec.events
        .map((event) => {
          const amountKey = params.add(event.amount);
          const currency = event.currency === null ? 'NULL' : `CASE WHEN jsonb_typeof(e.properties -> ${params.add(event.currency)}) = 'string' THEN upper(e.properties ->> ${params.add(event.currency)}) END`;
          return `SELECT e.${unit} AS unit, (e.properties ->> ${amountKey})::numeric AS amount, COALESCE(${currency}, ${params.add(NO_CURRENCY)}) AS currency
            FROM ${table} e
            WHERE e.event_name = ${params.add(event.event)} AND jsonb_typeof(e.properties -> ${amountKey}) = 'number'
              AND ${tenantFilter('e', ctx.organizationId, params)} AND ${inRange('e.occurred_at')}`;
        })
        .join('\n UNION ALL ');
      return `WITH r AS (${rows})
        SELECT currency, sum(amount)::float8 AS amount, count(*) AS events, NULL::bigint AS units FROM r GROUP BY currency
        UNION ALL SELECT NULL, NULL, NULL, count(DISTINCT unit) FROM r`;
    }
  }
}
