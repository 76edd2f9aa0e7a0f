import type { RuntimeCatalog } from '../core/types';

/** One event that carries revenue, and the properties its amount and currency are in. */
export interface RevenueSource {
  event: string;
  amount: string;
  currency?: string | null;
}

/** The events of a catalog that declare `revenue`. */
export function revenueSourcesOf(catalog: Pick<RuntimeCatalog, 'events'> | undefined): RevenueSource[] {
  if (!catalog) return [];
  return Object.values(catalog.events)
    .filter((event) => event.revenue)
    .map((event) => ({ event: event.name, amount: event.revenue!.amount, currency: event.revenue!.currency }));
}

/** The currency key of revenue without a declared or recorded currency (ISO 4217's "no currency"). */
export const NO_CURRENCY = 'XXX';

/**
 * SQL pieces that read each row's revenue as `revenueOf()` does (a finite JSON number; the
 * currency upper-cased), through a parameterised mapping joined on the event name: the three
 * arrays go in as parameters `$n`, `$n+1`, `$n+2`.
 */
export function revenueSql(sources: RevenueSource[], alias: string, firstParam: number) {
  const [events, amounts, currencies] = [`$${firstParam}::text[]`, `$${firstParam + 1}::text[]`, `$${firstParam + 2}::text[]`];
  return {
    params: [sources.map((s) => s.event), sources.map((s) => s.amount), sources.map((s) => s.currency ?? '')],
    join: `LEFT JOIN unnest(${events}, ${amounts}, ${currencies}) AS revenue_source(event, amount_key, currency_key) ON revenue_source.event = ${alias}.event_name
      AND jsonb_typeof(${alias}.properties -> revenue_source.amount_key) = 'number'`,
    amount: `(${alias}.properties ->> revenue_source.amount_key)::numeric`,
    currency: `CASE WHEN revenue_source.event IS NULL THEN NULL ELSE coalesce(upper(${alias}.properties ->> nullif(revenue_source.currency_key, '')), '${NO_CURRENCY}') END`,
  };
}
