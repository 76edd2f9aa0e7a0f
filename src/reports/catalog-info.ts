import { shapeOf } from '../core/catalog';
import type { RuntimeCatalog } from '../core/types';
import { revenueSourcesOf } from './revenue-sources';

/** What a dashboard needs to know of the catalog: its events, funnels, metrics and property names. */
export interface CatalogInfo {
  name: string;
  events: { name: string; description: string; revenue: boolean }[];
  funnels: { name: string; description: string; steps: string[] }[];
  metrics: { name: string; kind: string }[];
  /** Series a projection can follow: revenue metrics first, then event names. */
  series: string[];
  /** Property names the top-values table can group by, the suggested one first. */
  properties: string[];
  /** Every revenue amount is in minor units (its property is named `*minor*` or `*cents*`). */
  revenueInMinorUnits: boolean;
}

// A property that names what was sold: what "top plans" ranks.
const PRODUCT_LIKE = /plan|tier|product|sku|package|item/i;
const NOT_A_DIMENSION = /(^|_)(id|uuid|amount|currency|price|total)$|amount|minor|cents|intent|reference/i;

/** The property names each event declares (zod catalogs keep their schemas; generated clients do not). */
function propertiesOf(catalog: RuntimeCatalog, event: string): string[] {
  const definition = (catalog as { definition?: { events?: Record<string, { properties?: unknown }> } }).definition;
  const schema = definition?.events?.[event]?.properties;
  return schema ? Object.keys(shapeOf(schema) ?? {}) : [];
}

export function catalogInfo(catalog: RuntimeCatalog): CatalogInfo {
  const revenue = revenueSourcesOf(catalog);
  const funnels = Object.values(catalog.funnels ?? {});
  const metrics = Object.values(catalog.metrics ?? {});
  const all = [...new Set(Object.keys(catalog.events).flatMap((event) => propertiesOf(catalog, event)))].sort();
  const sold = revenue.flatMap((r) => propertiesOf(catalog, r.event)).filter((p) => !revenue.some((r) => r.amount === p || r.currency === p));
  const suggested = sold.find((p) => PRODUCT_LIKE.test(p) && !/intent|reference/.test(p)) ?? sold.find((p) => !NOT_A_DIMENSION.test(p)) ?? all.find((p) => !NOT_A_DIMENSION.test(p));
  return {
    name: catalog.name,
    events: Object.values(catalog.events).map((event) => ({ name: event.name, description: event.description, revenue: Boolean(event.revenue) })),
    funnels: funnels.map((funnel) => ({ name: funnel.name, description: funnel.description, steps: funnel.steps.map((step) => step.event) })),
    metrics: metrics.map((metric) => ({ name: metric.name, kind: metric.kind })),
    series: [...metrics.filter((metric) => metric.kind === 'revenue').map((metric) => metric.name), ...Object.keys(catalog.events)],
    properties: suggested ? [suggested, ...all.filter((p) => p !== suggested)] : all,
    revenueInMinorUnits: revenue.length > 0 && revenue.every((r) => /minor|cents/i.test(r.amount)),
  };
}
