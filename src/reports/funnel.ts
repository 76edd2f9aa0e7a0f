import { TrackplanConfigError } from '../core/errors';
import type { FunnelSpec } from '../core/funnels';
import { numberOrNull, QueryParams, reportClient, reportTable, runQuery } from './db';
import { checkReportOptions, type ReportOptions } from './options';
import { resolveRange, type ReportRange } from './range';
import { comesAfter, intervalParam, matchRef, secondsBetween, tenantFilter, unitColumn } from './sql-parts';

/** One step of a funnel result. */
export interface FunnelStepResult {
  event: string;
  where?: Record<string, string | number | boolean | null>;
  /** Units whose winning path reached this step. */
  count: number;
  /** count / count of step 1 (1 for step 1; 0 when nobody entered). */
  conversion: number;
  /** count / count of the previous step (1 for step 1; 0 when the previous step is 0). */
  conversionFromPrevious: number;
  /** Seconds from the previous step to this one on the winning paths (exact percentile_cont); null for step 1 or when nobody reached it. */
  medianSeconds: number | null;
  p75Seconds: number | null;
  meanSeconds: number | null;
}

export interface FunnelResult {
  range: ReportRange;
  funnel: string;
  steps: FunnelStepResult[];
  /** Seconds from step 1 to the last step, over the units that reached the last step. */
  totalMedianSeconds: number | null;
  totalP75Seconds: number | null;
}

/**
 * Computes a declared funnel on the outbox table, PostHog's `ordered` / `strict` semantics: every
 * step-1 event in `[from, to]` is a candidate entry; each next step is the unit's earliest matching
 * event after the previous step (order `(occurred_at, id)`), at most `window` after step 1
 * (inclusive); per unit the furthest step, reached earliest, wins (ties: the latest entry). Under
 * `strict`, the unit's very next event must be the step. One parameterised query, pg or PGlite.
 */
export async function funnel(db: unknown, spec: FunnelSpec, options: ReportOptions): Promise<FunnelResult> {
  if (!spec || spec.kind !== 'funnel' || !Array.isArray(spec.steps) || spec.steps.length < 2)
    throw new TrackplanConfigError('[trackplan] [reports] funnel() takes a funnel from the catalog: funnel(db, catalog.funnels.<name>, { from, to }).');
  checkReportOptions('funnel', options);
  const client = reportClient(db);
  const { from, to, range } = resolveRange(options);
  const { text, params } = funnelQuery(spec, { from, to, organizationId: options.organizationId, table: reportTable(options.table) });
  const [row] = await runQuery<Record<string, unknown>>(client, text, params);
  return toResult(spec, range, row ?? {});
}

interface QueryInput {
  from: Date;
  to: Date;
  organizationId: string | undefined;
  table: string;
}

/**
 * The funnel's SQL: one LATERAL lookup per step (index-driven), then one row of aggregates. Entries
 * are sorted by unit so consecutive lookups walk the same part of the index.
 */
export function funnelQuery(spec: FunnelSpec, input: QueryInput): { text: string; params: QueryParams } {
  const params = new QueryParams();
  const unit = unitColumn(spec.by);
  const n = spec.steps.length;
  const table = input.table;
  const window = intervalParam(spec.windowSeconds, params);
  const tenant = (alias: string) => tenantFilter(alias, input.organizationId, params);

  const s1 = `SELECT e.${unit} AS unit, e.occurred_at AS t1, e.id AS i1 FROM ${table} e
    WHERE ${matchRef('e', spec.steps[0], params)} AND e.${unit} IS NOT NULL AND ${tenant('e')}
      AND e.occurred_at >= ${params.add(input.from.toISOString())}::timestamptz AND e.occurred_at <= ${params.add(input.to.toISOString())}::timestamptz
    ORDER BY e.${unit}, e.occurred_at, e.id`;

  const laterals: string[] = [];
  for (let k = 2; k <= n; k++) {
    const prev = comesAfter('e', `s${k - 1}.t${k - 1}`, `s${k - 1}.i${k - 1}`);
    const step = spec.steps[k - 1];
    if (spec.order === 'strict') {
      // The unit's very next event, whatever it is; kept only if it is the step, inside the window.
      laterals.push(`LEFT JOIN LATERAL (
        SELECT nx.occurred_at AS t${k}, nx.id AS i${k} FROM (
          SELECT e.occurred_at, e.id, e.event_name, e.properties FROM ${table} e
          WHERE e.${unit} = s1.unit AND ${tenant('e')} AND ${prev}
          ORDER BY e.occurred_at, e.id LIMIT 1) nx
        WHERE ${matchRef('nx', step, params)} AND nx.occurred_at <= s1.t1 + ${window}) s${k} ON true`);
    } else {
      laterals.push(`LEFT JOIN LATERAL (
        SELECT e.occurred_at AS t${k}, e.id AS i${k} FROM ${table} e
        WHERE e.${unit} = s1.unit AND ${matchRef('e', step, params)} AND ${tenant('e')}
          AND ${prev} AND e.occurred_at <= s1.t1 + ${window}
        ORDER BY e.occurred_at, e.id LIMIT 1) s${k} ON true`);
    }
  }
  const ks = Array.from({ length: n }, (_, i) => i + 1);
  const reached = ks.slice(1).map((k) => `(s${k}.t${k} IS NOT NULL)::int`).join(' + ');
  const lastT = `COALESCE(${ks.slice().reverse().map((k) => `t${k}`).join(', ')})`;
  const lastI = `COALESCE(${ks.slice().reverse().map((k) => `i${k}`).join(', ')})`;
  const aggregates = [`count(*) AS c1`];
  for (const k of ks.slice(1)) {
    const between = secondsBetween(`t${k}`, `t${k - 1}`);
    aggregates.push(
      `count(*) FILTER (WHERE steps >= ${k}) AS c${k}`,
      `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${between}) AS med${k}`,
      `percentile_cont(0.75) WITHIN GROUP (ORDER BY ${between}) AS p75_${k}`,
      `avg(${between}) AS mean${k}`,
    );
  }
  const total = secondsBetween(`t${n}`, 't1');
  aggregates.push(`percentile_cont(0.5) WITHIN GROUP (ORDER BY ${total}) AS total_med`, `percentile_cont(0.75) WITHIN GROUP (ORDER BY ${total}) AS total_p75`);

  // The winning path per unit: furthest step, reached earliest (time, then id), ties: the latest
  // entry. DISTINCT ON sorts the chain once; a min() over an array key per unit avoided that sort
  // but built the array (numeric epoch extracts) for every entry, which cost more (EXPLAIN, 1M events).
  const text = `WITH s1 AS (${s1}),
  chain AS (
    SELECT s1.unit, s1.t1, s1.i1, ${ks.slice(1).map((k) => `s${k}.t${k}, s${k}.i${k}`).join(', ')}, 1 + ${reached} AS steps
    FROM s1
    ${laterals.join('\n    ')}
  ),
  per_unit AS (
    SELECT DISTINCT ON (unit) steps, ${ks.map((k) => `t${k}`).join(', ')} FROM chain
    ORDER BY unit, steps DESC, ${lastT}, ${lastI}, t1 DESC, i1 DESC
  )
  SELECT ${aggregates.join(',\n    ')}
  FROM per_unit`;
  return { text, params };
}

function toResult(spec: FunnelSpec, range: ReportRange, row: Record<string, unknown>): FunnelResult {
  const counts = spec.steps.map((_, i) => numberOrNull(row[`c${i + 1}`]) ?? 0);
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const steps = spec.steps.map((step, i): FunnelStepResult => {
    const k = i + 1;
    return {
      event: step.event,
      ...(step.where ? { where: { ...step.where } } : {}),
      count: counts[i],
      conversion: i === 0 ? 1 : ratio(counts[i], counts[0]),
      conversionFromPrevious: i === 0 ? 1 : ratio(counts[i], counts[i - 1]),
      medianSeconds: i === 0 ? null : numberOrNull(row[`med${k}`]),
      p75Seconds: i === 0 ? null : numberOrNull(row[`p75_${k}`]),
      meanSeconds: i === 0 ? null : numberOrNull(row[`mean${k}`]),
    };
  });
  return { range, funnel: spec.name, steps, totalMedianSeconds: numberOrNull(row.total_med), totalP75Seconds: numberOrNull(row.total_p75) };
}
