/**
 * Catalog funnels and metrics as PostHog insights: an `InsightVizNode` whose source is a
 * `FunnelsQuery`, `TrendsQuery` or `RetentionQuery`, with field names from PostHog's query schema
 * (`frontend/src/queries/schema/schema-general.ts`). PostHog's server rejects unknown keys, so this
 * module emits only the keys listed in test/fixtures/posthog-query-schema.json.
 */

import type { EventRef, WhereValue } from '../../core/event-ref';
import type { FunnelSpec } from '../../core/funnels';
import type { MetricSpec } from '../../core/metrics';

export type StepWhere = Record<string, WhereValue>;

export interface ExportOptions {
  /** The catalog's name, the prefix of every insight name (insights are upserted by name). */
  catalogName: string;
  /** PostHog's index of the `organization` group type in the project (0 to 4). */
  organizationGroupIndex: number;
  /** `dateRange.date_from`, a PostHog relative date such as `-30d`. */
  dateFrom: string;
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

function eventsNode(ref: EventRef, math?: string): Record<string, unknown> {
  const properties = propertyFilters(ref.where);
  return { kind: 'EventsNode', event: ref.event, name: ref.event, ...(math ? { math } : {}), ...(properties.length ? { properties } : {}) };
}

/**
 * The unit's first `from` event as funnel step 1: PostHog's `first_time_for_user` math (with
 * `_with_filters`, the first event matching the step's filters). It is per person, so an
 * organization metric keeps every `from` event as a candidate entry.
 */
function firstFrom(ref: EventRef, by: string, notes: string[]): Record<string, unknown> {
  if (by === 'organization') {
    notes.push(`PostHog's first-time math is per person: for organizations every ${ref.event} is a candidate entry, where trackplan takes each organization's first`);
    return eventsNode(ref);
  }
  return eventsNode(ref, ref.where && Object.keys(ref.where).length ? 'first_time_for_user_with_filters' : 'first_time_for_user');
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
  const own = description?.trim().replace(/\.+$/, '');
  return { name: insightName(options, key), description: own ? `${own}. ${origin}` : origin, saved: true, query: { kind: 'InsightVizNode', source } };
}

function unitScope(by: string, options: ExportOptions): Record<string, unknown> {
  return by === 'organization' ? { aggregation_group_type_index: options.organizationGroupIndex } : {};
}

function funnelSource(options: ExportOptions, series: Record<string, unknown>[], windowSeconds: number, order: string, by: string, viz: Record<string, unknown> = { funnelVizType: 'steps' }) {
  return {
    kind: 'FunnelsQuery',
    dateRange: { date_from: options.dateFrom },
    ...unitScope(by, options),
    series,
    funnelsFilter: { ...conversionWindow(windowSeconds), funnelOrderType: order, ...viz },
  };
}

/** A declared funnel as a steps funnel: same steps, filters, window, order and unit. */
export function funnelInsight(key: string, funnel: FunnelSpec, options: ExportOptions): Exported {
  const series = funnel.steps.map((step) => eventsNode(step));
  return { key, type: 'funnel', kind: 'funnel', insight: body(options, key, funnel.description, funnelSource(options, series, funnel.windowSeconds, funnel.order, funnel.by)), notes: [] };
}

const DAY = 86_400;

/**
 * A metric as the PostHog insight that computes the same figure, or the reason none can.
 * `revenue` -> TrendsQuery, `retention` -> RetentionQuery; time to first/nth use and activation are
 * funnel computations in PostHog, so they become FunnelsQuery insights (time to convert, steps).
 */
export function metricInsight(key: string, metric: MetricSpec, options: ExportOptions): Exported {
  const notes: string[] = [];
  const done = (source: Record<string, unknown>): Exported => ({ key, type: 'metric', kind: metric.kind, insight: body(options, key, metric.description, source), notes });
  switch (metric.kind) {
    case 'time_to_first':
    case 'time_to_nth': {
      const n = metric.kind === 'time_to_nth' ? metric.n : 1;
      let within = metric.withinSeconds;
      if (within === null) {
        within = 90 * DAY;
        notes.push('no `within` declared: PostHog needs a conversion window, so 90 days is used');
      }
      // The n-th use is the n-th step of a funnel that repeats the event: each step consumes one occurrence.
      const series = [firstFrom(metric.from, metric.by, notes), ...Array.from({ length: n }, () => eventsNode(metric.event))];
      notes.push('PostHog reports the average and an approximate median time to convert, without zero-second conversions; trackplan reports exact median and P75');
      return done(funnelSource(options, series, within, 'ordered', metric.by, { funnelVizType: 'time_to_convert', funnelFromStep: 0, funnelToStep: n }));
    }
    case 'activation': {
      if (metric.all.length > 1)
        notes.push(`PostHog cannot anchor step 1 and leave the other steps unordered: the export asks for ${metric.all.map((r) => r.event).join(', ')} in that order, so PostHog's rate is a lower bound of trackplan's`);
      notes.push("the activation rate is the funnel's overall conversion; PostHog also counts units whose window has not elapsed yet, trackplan does not");
      return done(funnelSource(options, [firstFrom(metric.from, metric.by, notes), ...metric.all.map((ref) => eventsNode(ref))], metric.withinSeconds, 'ordered', metric.by));
    }
    case 'retention': {
      const entity = (ref: EventRef) => {
        const properties = propertyFilters(ref.where);
        return { id: ref.event, kind: 'EventsNode', name: ref.event, type: 'events', ...(properties.length ? { properties } : {}) };
      };
      notes.push(`PostHog shows every period from 0 to 7; trackplan's figure is period 1 (the ${metric.period} after the start event)`);
      return done({
        kind: 'RetentionQuery',
        dateRange: { date_from: options.dateFrom },
        ...unitScope(metric.by, options),
        retentionFilter: {
          retentionType: metric.mode === 'recurring' ? 'retention_recurring' : 'retention_first_time',
          period: metric.period === 'week' ? 'Week' : 'Day',
          totalIntervals: 8,
          timeWindowMode: '24_hour_windows',
          targetEntity: entity(metric.start),
          returningEntity: entity(metric.return),
        },
      });
    }
    case 'revenue': {
      // trackplan sends revenue to PostHog as `$revenue` + `currency` on every revenue event.
      const series = metric.events.map(({ event }) => ({ ...eventsNode({ event }), math: 'sum', math_property: '$revenue' }));
      const byCurrency = metric.events.some((e) => e.currency);
      notes.push(`one daily sum of \`$revenue\` per revenue event${byCurrency ? ', broken down by `currency` (PostHog does not convert currencies here)' : ''}`);
      return done({
        kind: 'TrendsQuery',
        dateRange: { date_from: options.dateFrom },
        ...unitScope(metric.by, options),
        interval: 'day',
        series,
        ...(byCurrency ? { breakdownFilter: { breakdown_type: 'event', breakdown: 'currency' } } : {}),
      });
    }
    default:
      return { key, type: 'metric', kind: (metric as { kind: string }).kind, unmapped: `no PostHog insight computes a "${(metric as { kind: string }).kind}" metric` };
  }
}

/** The moving-average variant of a daily trend (`smoothingIntervals`), for projections. */
export function movingAverage(exported: Exported, days: number, options: ExportOptions): Exported | undefined {
  if (!('insight' in exported) || exported.insight.query.source.kind !== 'TrendsQuery' || days <= 1) return undefined;
  const key = `${exported.key}_ma${days}d`;
  const source = { ...exported.insight.query.source, trendsFilter: { smoothingIntervals: days } };
  return { ...exported, key, insight: body(options, key, `${days}-day moving average of ${exported.key}`, source), notes: [...exported.notes, `PostHog floors the moving average: floor(avg over the current and ${days - 1} previous days)`] };
}
