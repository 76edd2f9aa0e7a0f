/**
 * Generated outbox rows with a fixed seed (several tenants, users, revenue in two currencies and
 * some malformed amounts), inserted in bulk, and brute-force reports computed from the same rows
 * in plain JavaScript: the independent implementation the SQL is checked against.
 */
import { freshTable } from '../helpers/outbox-drivers';
import { toSqlDatabase, quoteTable } from '../../src/outbox/sql';
import { migrationStatements } from '../../src/outbox/schema-sql';

export interface SeededEvent {
  id: number;
  event: string;
  occurredAt: Date;
  organizationId: string | null;
  userId: string | null;
  properties: Record<string, unknown>;
}

/** mulberry32: a small deterministic PRNG. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SEEDED_EVENTS = ['user_signup', 'checkout_started', 'payment_succeeded', 'esim_activated', 'app_opened'] as const;
export const PLANS = ['eu_5gb', 'us_10gb', 'asia_3gb', 'world_20gb'];
export const ORGS = ['org_a', 'org_b', 'org_c', null];

/** A revenue-declaring catalog for the seeded events (payment_succeeded: amount + currency; checkout_started: amount only). */
export const seededCatalog = {
  events: {
    user_signup: { name: 'user_signup' },
    checkout_started: { name: 'checkout_started', revenue: { amount: 'amount_minor_units' } },
    payment_succeeded: { name: 'payment_succeeded', revenue: { amount: 'amount_minor_units', currency: 'currency' } },
    esim_activated: { name: 'esim_activated' },
    app_opened: { name: 'app_opened' },
  },
} as never;

/** `count` events spread over `days` days ending at `end`, in a fixed order. */
export function generateEvents(count: number, days: number, end: Date, seed = 14): SeededEvent[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const events: SeededEvent[] = [];
  const span = days * 86_400_000;
  for (let id = 1; id <= count; id++) {
    const event = pick(SEEDED_EVENTS);
    // Whole seconds, and some exactly at midnight UTC (the bucket edges).
    let at = end.getTime() - Math.floor(next() * span / 1000) * 1000;
    if (next() < 0.03) at -= at % 86_400_000;
    const properties: Record<string, unknown> = {};
    if (event !== 'user_signup' && event !== 'app_opened') properties.plan_id = pick(PLANS);
    if (event === 'checkout_started' || event === 'payment_succeeded') {
      const r = next();
      properties.amount_minor_units = r < 0.05 ? '1299' : r < 0.08 ? null : 500 + Math.floor(next() * 3000);
      if (event === 'payment_succeeded') {
        const c = next();
        if (c < 0.6) properties.currency = 'eur';
        else if (c < 0.95) properties.currency = 'USD';
      }
    }
    events.push({ id, event, occurredAt: new Date(at), organizationId: pick(ORGS), userId: `u_${Math.floor(next() * 300)}`, properties });
  }
  return events;
}

/** Creates `table` (the outbox's DDL) and inserts the events with their ids. */
export async function insertEvents(db: unknown, table: string, events: SeededEvent[]): Promise<void> {
  const sql = toSqlDatabase(db);
  for (const statement of migrationStatements(table)) await sql.query(statement);
  for (let start = 0; start < events.length; start += 5000) {
    const chunk = events.slice(start, start + 5000);
    await sql.query(
      `INSERT INTO ${quoteTable(table)} (id, uuid, event_name, occurred_at, organization_id, user_id, schema_version, properties, catalog_name, catalog_version)
       SELECT id, 'u' || id, name, at, org, usr, 1, props, 'seeded', 1
         FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::jsonb[]) AS t(id, name, at, org, usr, props)`,
      [chunk.map((e) => e.id), chunk.map((e) => e.event), chunk.map((e) => e.occurredAt.toISOString()), chunk.map((e) => e.organizationId), chunk.map((e) => e.userId), chunk.map((e) => JSON.stringify(e.properties))],
    );
  }
}

/** The revenue of one event as `revenueOf()` reads it, or undefined. */
export function revenueOfSeeded(e: SeededEvent): { amount: number; currency: string } | undefined {
  const mapping = (seededCatalog as unknown as { events: Record<string, { revenue?: { amount: string; currency?: string } }> }).events[e.event].revenue;
  if (!mapping) return undefined;
  const amount = e.properties[mapping.amount];
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return undefined;
  const currency = mapping.currency ? e.properties[mapping.currency] : undefined;
  return { amount, currency: typeof currency === 'string' ? currency.toUpperCase() : 'XXX' };
}

export const inRange = (e: SeededEvent, from: Date, to: Date, org?: string) => e.occurredAt >= from && e.occurredAt <= to && (org === undefined || e.organizationId === org);

/** A fresh table in the suite's database, seeded with `events` on first use (each test reads it, none writes). */
export function seededTable(suite: { driver: { db: unknown } }, events: SeededEvent[]): { table: string; db(): Promise<unknown> } {
  const table = freshTable();
  let seeded = false;
  return {
    table,
    async db() {
      if (!seeded) await insertEvents(suite.driver.db, table, events);
      seeded = true;
      return suite.driver.db;
    },
  };
}

