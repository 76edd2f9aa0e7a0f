/**
 * Catalog funnels and metrics as PostHog insights: an `InsightVizNode` whose source is a
 * `FunnelsQuery`, `TrendsQuery` or `RetentionQuery`, with field names from PostHog's query schema
 * (`frontend/src/queries/schema/schema-general.ts`). PostHog's server rejects unknown keys, so this
 * module emits only the keys listed in test/fixtures/posthog-query-schema.json.
 */

export type StepWhere = Record<string, string | number | boolean | null>;

/** The runtime funnel spec (reports contract): plain data, steps typed against the catalog. */
export interface FunnelLike {
  name: string;
  description?: string;
  steps: readonly { event: string; where?: StepWhere }[];
  windowSeconds: number;
  by: 'user' | 'organization';
  order: 'ordered' | 'strict';
}

/** The runtime metric spec (reports contract), tagged by `kind`; fields read defensively. */
export interface MetricLike {
  kind: string;
  name: string;
  description?: string;
  [field: string]: unknown;
}

/** An event's revenue mapping (`RuntimeEventSpec.revenue`). */
export interface RevenueEvent {
  event: string;
  amount: string;
  currency?: string;
}

export interface ExportOptions {
  /** The catalog's name, the prefix of every insight name (insights are upserted by name). */
  catalogName: string;
  /** PostHog's index of the `organization` group type in the project (0 to 4). */
  organizationGroupIndex: number;
  /** `dateRange.date_from`, a PostHog relative date such as `-30d`. */
  dateFrom: string;
  /** Events that declare `revenue`, for `revenueSeries()`. */
  revenueEvents: readonly RevenueEvent[];
}

export interface InsightBody {
  name: string;
  description: string;
  saved: true;
  query: { kind: 'InsightVizNode'; source: Record<string, unknown> };
}

export type Exported =
  | { key: string; type: 'funnel' | 'metric'; kind: string; insight: InsightBody; notes: string[] }
  | { key: string; type: 'metric'; kind: string; unmapped: string };

type PropertyFilter = { key: string; value?: (string | number)[]; operator: 'exact' | 'is_not_set'; type: 'event' };

/**
 * `where` as PostHog event property filters. Booleans go as `"true"`/`"false"` strings, as
 * PostHog's own filter UI writes them; `null` means "not set".
 */
export function propertyFilters(where: StepWhere | undefined): PropertyFilter[] {
  return Object.entries(where ?? {}).map(([key, value]) =>
    value === null ? { key, operator: 'is_not_set', type: 'event' } : { key, value: [typeof value === 'boolean' ? String(value) : value], operator: 'exact', type: 'event' },
  );
}

function eventsNode(event: string, where?: StepWhere): Record<string, unknown> {
  const properties = propertyFilters(where);
  return { kind: 'EventsNode', event, name: event, ...(properties.length ? { properties } : {}) };
}

const UNITS: [unit: 'day' | 'hour' | 'minute' | 'second', seconds: number][] = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

/** A window in seconds as PostHog's interval + unit, in the largest unit that divides it exactly. */
export function conversionWindow(seconds: number): { funnelWindowInterval: number; funnelWindowIntervalUnit: string } {
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error(`[trackplan] [export] a conversion window must be a whole number of seconds >= 1 (got ${seconds})`);
  const [unit, size] = UNITS.find(([, s]) => seconds % s === 0)!;
  return { funnelWindowInterval: seconds / size, funnelWindowIntervalUnit: unit };
}

function insightName(options: ExportOptions, key: string): string {
  return `${options.catalogName}: ${key}`;
}

function body(options: ExportOptions, key: string, description: string | undefined, source: Record<string, unknown>): InsightBody {
  const origin = `Exported by trackplan from catalog "${options.catalogName}" (${key}); edit the catalog, not this insight.`;
  return { name: insightName(options, key), description: description ? `${description}. ${origin}` : origin, saved: true, query: { kind: 'InsightVizNode', source } };
}

function unitScope(by: unknown, options: ExportOptions): Record<string, unknown> {
  return by === 'organization' ? { aggregation_group_type_index: options.organizationGroupIndex } : {};
}

function funnelSource(options: ExportOptions, series: Record<string, unknown>[], windowSeconds: number, order: string, by: unknown, viz: Record<string, unknown> = { funnelVizType: 'steps' }) {
  return {
    kind: 'FunnelsQuery',
    dateRange: { date_from: options.dateFrom },
    ...unitScope(by, options),
    series,
    funnelsFilter: { ...conversionWindow(windowSeconds), funnelOrderType: order, ...viz },
  };
}

/** A declared funnel as a steps funnel: same steps, filters, window, order and unit. */
export function funnelInsight(key: string, funnel: FunnelLike, options: ExportOptions): Exported {
  const series = funnel.steps.map((step) => eventsNode(step.event, step.where));
  return { key, type: 'funnel', kind: 'funnel', insight: body(options, key, funnel.description, funnelSource(options, series, funnel.windowSeconds, funnel.order, funnel.by)), notes: [] };
}

const DAY = 86_400;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** Seconds from a spec field: `withinSeconds`/`windowSeconds` as numbers, else undefined. */
function secondsOf(metric: MetricLike, ...fields: string[]): number | undefined {
  for (const field of fields) if (num(metric[field]) !== undefined) return metric[field] as number;
  return undefined;
}

/**
 * A metric as the PostHog insight that computes the same figure, or the reason none can.
 * `revenue` -> TrendsQuery, `retention` -> RetentionQuery; the time-to and activation kinds are
 * funnel computations in PostHog, so they become FunnelsQuery insights (time to convert, steps).
 */
export function metricInsight(key: string, metric: MetricLike, options: ExportOptions): Exported {
  const notes: string[] = [];
  const by = metric.by;
  switch (metric.kind) {
    case 'timeToFirst':
    case 'timeToNth': {
      const from = str(metric.from);
      const event = str(metric.event);
      const n = metric.kind === 'timeToNth' ? num(metric.n) : 1;
      if (!from || !event || !n || !Number.isInteger(n) || n < 1) return { key, type: 'metric', kind: metric.kind, unmapped: `the spec lacks from/event/n (got ${JSON.stringify({ from, event, n })})` };
      let within = secondsOf(metric, 'withinSeconds', 'windowSeconds');
      if (within === undefined) {
        // PostHog needs a conversion window; trackplan's unbounded time-to is cut at 90 days there.
        within = 90 * DAY;
        notes.push('no `within` declared: PostHog needs a conversion window, so 90 days is used');
      }
      const where = metric.where as StepWhere | undefined;
      const series = [eventsNode(from), ...Array.from({ length: n }, () => eventsNode(event, where))];
      notes.push('PostHog reports the average and a median time to convert (approximate, zero-second conversions excluded); trackplan reports exact median and P75');
      const source = funnelSource(options, series, within, 'ordered', by, { funnelVizType: 'time_to_convert', funnelFromStep: 0, funnelToStep: n });
      return { key, type: 'metric', kind: metric.kind, insight: body(options, key, metric.description, source), notes };
    }
    case 'activation': {
      const from = str(metric.from);
      const all = Array.isArray(metric.all) ? metric.all.filter((e): e is string => typeof e === 'string') : [];
      const within = secondsOf(metric, 'withinSeconds', 'windowSeconds');
      if (!from || !all.length || within === undefined) return { key, type: 'metric', kind: metric.kind, unmapped: 'the spec lacks from, all or within' };
      if (all.length > 1) notes.push(`PostHog cannot anchor step 1 and leave the rest unordered: the export asks for ${all.join(', ')} in that order, so PostHog's rate is a lower bound of trackplan's`);
      notes.push("the activation rate is the funnel's overall conversion; PostHog also counts cohorts whose window has not elapsed yet");
      const source = funnelSource(options, [eventsNode(from), ...all.map((event) => eventsNode(event))], within, 'ordered', by);
      return { key, type: 'metric', kind: metric.kind, insight: body(options, key, metric.description, source), notes };
    }
    case 'retention': {
      const start = str(metric.start);
      const returning = str(metric.return);
      const period = metric.period === 'week' ? 'Week' : metric.period === 'day' ? 'Day' : undefined;
      if (!start || !returning || !period) return { key, type: 'metric', kind: metric.kind, unmapped: 'the spec lacks start, return or a day/week period' };
      const entity = (event: string) => ({ id: event, kind: 'EventsNode', name: event, type: 'events' });
      const source = {
        kind: 'RetentionQuery',
        dateRange: { date_from: options.dateFrom },
        ...unitScope(by, options),
        retentionFilter: {
          retentionType: metric.mode === 'recurring' ? 'retention_recurring' : 'retention_first_time',
          period,
          totalIntervals: 8,
          timeWindowMode: '24_hour_windows',
          targetEntity: entity(start),
          returningEntity: entity(returning),
        },
      };
      return { key, type: 'metric', kind: metric.kind, insight: body(options, key, metric.description, source), notes };
    }
    case 'revenue':
    case 'revenueSeries': {
      if (!options.revenueEvents.length) return { key, type: 'metric', kind: metric.kind, unmapped: 'no event in the catalog declares `revenue`' };
      // trackplan sends revenue to PostHog as `$revenue` + `currency` on every revenue event.
      const series = options.revenueEvents.map(({ event }) => ({ ...eventsNode(event), math: 'sum', math_property: '$revenue' }));
      const smoothing = num(metric.movingAverageDays) ?? num(metric.smoothingDays) ?? num(metric.windowDays);
      const source = {
        kind: 'TrendsQuery',
        dateRange: { date_from: options.dateFrom },
        interval: 'day',
        series,
        ...(smoothing && smoothing > 1 ? { trendsFilter: { smoothingIntervals: Math.round(smoothing) } } : {}),
        ...(options.revenueEvents.some((e) => e.currency) ? { breakdownFilter: { breakdown_type: 'event', breakdown: 'currency' } } : {}),
      };
      notes.push('one daily sum of `$revenue` per revenue event, broken down by `currency` (PostHog does not convert currencies here)');
      return { key, type: 'metric', kind: metric.kind, insight: body(options, key, metric.description, source), notes };
    }
    default:
      return { key, type: 'metric', kind: metric.kind, unmapped: `no PostHog insight computes a "${metric.kind}" metric` };
  }
}

/** The moving-average variant of a daily trend (`smoothingIntervals`), for projections. */
export function movingAverage(exported: Exported, days: number, options: ExportOptions): Exported | undefined {
  if (!('insight' in exported) || exported.insight.query.source.kind !== 'TrendsQuery' || days <= 1) return undefined;
  const key = `${exported.key}_ma${days}d`;
  const source = { ...exported.insight.query.source, trendsFilter: { smoothingIntervals: days } };
  return { ...exported, key, insight: body(options, key, `${days}-day moving average of ${exported.key}`, source), notes: [...exported.notes, `PostHog floors the moving average: floor(avg over the current and ${days - 1} previous days)`] };
}
