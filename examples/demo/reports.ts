/**
 * The demo's reports part: a realistic month of eSIM and BatchTrack activity (thousands of events,
 * several organizations) seeded on PGlite, one funnel table printed, and the dashboards served.
 * Every generated event is checked against its catalog before it is written.
 */
import { PGlite } from '@electric-sql/pglite';
import { activation, defineCatalog, defineFunnel, revenueSeries, timeToFirst, type RuntimeCatalog } from 'trackplan';
import { outboxMigrationSql } from 'trackplan/outbox';
import { funnel, startDashboard, type Dashboard } from 'trackplan/reports';
import { batchtrack, esim } from '../../schema/index';

const DAY = 86_400_000;
const MINUTE = 60_000;

/** The reference catalogs with the demo's funnels and metrics (over whatever the schema declares). */
export const esimReports = defineCatalog({
      ...esim.definition,
      funnels: { purchase: defineFunnel({ description: 'Signup to activated eSIM (the overview funnel)', steps: ['user_signup', 'checkout_started', 'payment_succeeded', 'esim_activated'], window: '14d' }) },
      metrics: { revenue: revenueSeries({ description: 'Payments per currency' }), time_to_payment: timeToFirst('payment_succeeded', { from: 'user_signup' }) },
    });
export const batchtrackReports = defineCatalog({
      ...batchtrack.definition,
      funnels: {
        first_value: defineFunnel({ description: 'First login to first batch', steps: [{ event: 'user_login_succeeded', where: { is_first_login: true } }, 'inventory_item_created', 'recipe_created', 'batch_started'], window: '7d', by: 'user' }),
        org_activation: defineFunnel({ description: 'Organization: first recipe to first completed batch', steps: ['recipe_created', 'batch_started', 'batch_completed'], window: '14d', by: 'organization' }),
      },
      metrics: {
        revenue: revenueSeries(),
        ttfv_first_batch: timeToFirst('batch_started', { from: 'user_login_succeeded' }),
        activation_7d: activation({ from: 'user_login_succeeded', all: ['recipe_created', 'batch_started'], within: '7d' }),
      },
    });

interface Row { event: string; at: number; org: string; user: string; properties: Record<string, unknown> }

/** mulberry32: the same month every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLANS = [
  { plan_id: 'eu_5gb', plan_name: 'Europe 5 GB', amount_minor_units: 1299, currency: 'EUR', data_gb: 5, validity_days: 30, destination_country: 'FR' },
  { plan_id: 'eu_20gb', plan_name: 'Europe 20 GB', amount_minor_units: 2999, currency: 'EUR', data_gb: 20, validity_days: 30, destination_country: 'DE' },
  { plan_id: 'us_10gb', plan_name: 'USA 10 GB', amount_minor_units: 1999, currency: 'EUR', data_gb: 10, validity_days: 30, destination_country: 'US' },
  { plan_id: 'jp_7gb', plan_name: 'Japan 7 GB', amount_minor_units: 1599, currency: 'EUR', data_gb: 7, validity_days: 15, destination_country: 'JP' },
  { plan_id: 'world_3gb', plan_name: 'World 3 GB', amount_minor_units: 2499, currency: 'EUR', data_gb: 3, validity_days: 30, destination_country: 'GB' },
];

function esimMonth(start: number, next: () => number): Row[] {
  const rows: Row[] = [];
  const brands = ['brand_roamly', 'brand_skyesim', 'brand_globetalk'];
  let n = 0;
  for (let day = 0; day < 30; day++) {
    // Growing signups with a weekend dip.
    const weekday = new Date(start + day * DAY).getUTCDay();
    const signups = Math.round((28 + day * 0.9) * (weekday === 0 || weekday === 6 ? 0.7 : 1) * (0.85 + next() * 0.3));
    for (let i = 0; i < signups; i++) {
      const user = `esim_user_${++n}`;
      const org = brands[Math.floor(next() ** 1.6 * brands.length)];
      let at = start + day * DAY + Math.floor(next() * DAY);
      rows.push({ event: 'app_opened', at: at - 2 * MINUTE, org, user, properties: {} });
      rows.push({ event: 'user_signup', at, org, user, properties: { signup_channel: next() < 0.7 ? 'otp_email' : 'otp_sms' } });
      for (let k = Math.floor(next() * 4); k > 0; k--) rows.push({ event: 'app_opened', at: at + Math.floor(next() * 5 * DAY), org, user, properties: {} });
      if (next() > 0.64) continue;
      const plan = PLANS[Math.floor(next() ** 1.4 * PLANS.length)];
      const order = { order_id: `ord_${n}`, plan_id: plan.plan_id };
      at += Math.floor((next() ** 3) * 2 * DAY) + 5 * MINUTE;
      rows.push({ event: 'checkout_started', at, org, user, properties: { ...order, amount_minor_units: plan.amount_minor_units, currency: plan.currency, plan_name: plan.plan_name, data_gb: plan.data_gb, validity_days: plan.validity_days, destination_country: plan.destination_country } });
      if (next() > 0.78) continue;
      at += MINUTE + Math.floor(next() * 20 * MINUTE);
      rows.push({ event: 'payment_succeeded', at, org, user, properties: { ...order, amount_minor_units: plan.amount_minor_units, currency: plan.currency, payment_provider: 'stripe', payment_intent_id: `pi_${n}` } });
      if (next() > 0.93) continue;
      at += 2 * MINUTE + Math.floor(next() * 60 * MINUTE);
      rows.push({ event: 'esim_activated', at, org, user, properties: { ...order, provider: 'esim-go', provider_reference: `ref_${n}` } });
    }
  }
  return rows;
}

function batchtrackMonth(start: number, next: () => number): Row[] {
  const rows: Row[] = [];
  const orgs = ['bakery_north', 'brewery_co', 'candle_works', 'soap_lab', 'jam_house'];
  let n = 0;
  for (let day = 0; day < 30; day++) {
    const newUsers = Math.round(12 + day * 0.4 + next() * 6);
    for (let i = 0; i < newUsers; i++) {
      const user = `bt_user_${++n}`;
      const org = orgs[Math.floor(next() * orgs.length)];
      let at = start + day * DAY + Math.floor(next() * DAY);
      const login = (first: boolean, when: number) => rows.push({ event: 'user_login_succeeded', at: when, org, user, properties: { is_first_login: first, login_method: next() < 0.8 ? 'password' : 'google' } });
      login(true, at);
      for (let k = Math.floor(next() * 6); k > 0; k--) login(false, at + Math.floor(next() * 10 * DAY) + MINUTE);
      if (next() < 0.25) rows.push({ event: 'purchase_completed', at: at + 30 * MINUTE, org, user, properties: { tier: ['hobby', 'pro', 'team'][Math.floor(next() * 3)], amount: [19, 49, 99][Math.floor(next() * 3)], currency: 'USD' } });
      if (next() > 0.82) continue;
      at += Math.floor(next() ** 2 * 6 * 3600_000) + MINUTE;
      rows.push({ event: 'inventory_item_created', at, org, user, properties: { inventory_item_id: `inv_${n}`, creation_source: next() < 0.6 ? 'global' : 'custom', is_first_use: true, user_use_index: 1 } });
      if (next() > 0.74) continue;
      at += Math.floor(next() ** 2 * 2 * DAY) + MINUTE;
      rows.push({ event: 'recipe_created', at, org, user, properties: { recipe_id: `rec_${n}`, seconds_since_first_login: 0, user_use_index: 1 } });
      if (next() > 0.7) continue;
      for (let b = 1 + Math.floor(next() * 4); b > 0; b--) {
        at += Math.floor(next() ** 2 * 3 * DAY) + 10 * MINUTE;
        const batch = { batch_id: `b_${n}_${b}`, recipe_id: `rec_${n}` };
        rows.push({ event: 'batch_started', at, org, user, properties: { ...batch } });
        const end = next();
        if (end < 0.85) rows.push({ event: 'batch_completed', at: at + 90 * MINUTE, org, user, properties: { ...batch, duration_seconds: 5400, yield_quantity: 12 + Math.floor(next() * 36) } });
        else if (end < 0.95) rows.push({ event: 'batch_cancelled', at: at + 20 * MINUTE, org, user, properties: { ...batch, reason: 'ingredients_short' } });
        else rows.push({ event: 'batch_failed', at: at + 40 * MINUTE, org, user, properties: { ...batch, failure_reason: 'temperature' } });
      }
    }
  }
  return rows;
}

/** Writes the rows (only those before `now`, checked against the catalog) in time order: ids follow record order. */
async function seed(db: PGlite, table: string, catalog: RuntimeCatalog, rows: Row[], now: number): Promise<number> {
  await db.exec(outboxMigrationSql(table));
  const kept = rows.filter((row) => row.at <= now).sort((a, b) => a.at - b.at);
  for (const row of kept) {
    const result = catalog.events[row.event].validate(row.properties);
    if (result.issues.length || result.unknownKeys.length) throw new Error(`demo data: ${row.event} does not fit the ${catalog.name} catalog: ${JSON.stringify(result)}`);
  }
  for (let i = 0; i < kept.length; i += 2000) {
    const chunk = kept.slice(i, i + 2000);
    await db.query(
      `INSERT INTO ${table} (uuid, event_name, occurred_at, organization_id, user_id, schema_version, properties, catalog_name, catalog_version, is_processed)
       SELECT gen_random_uuid()::text, name, at, org, usr, 1, props, $7, 1, true
         FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::jsonb[], $6::int[]) AS t(name, at, org, usr, props, ord) ORDER BY ord`,
      [chunk.map((r) => r.event), chunk.map((r) => new Date(r.at).toISOString()), chunk.map((r) => r.org), chunk.map((r) => r.user), chunk.map((r) => JSON.stringify(r.properties)), chunk.map((_, k) => k), catalog.name],
    );
  }
  return kept.length;
}

/** The month before `now`: eSIM in `analytics_events`, BatchTrack in `domain_event`. Returns the row counts. */
export async function seedReportsDemo(db: PGlite, now = Date.now()): Promise<{ esim: number; batchtrack: number }> {
  const start = now - 30 * DAY;
  return {
    esim: await seed(db, 'analytics_events', esim, esimMonth(start, random(3)), now),
    batchtrack: await seed(db, 'domain_event', batchtrack, batchtrackMonth(start, random(14)), now),
  };
}

const percent = (x: number) => `${(x * 100).toFixed(1)} %`;
const minutes = (s: number | null) => (s === null ? '-' : s < 3600 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

/**
 * Seeds the month, prints the eSIM purchase funnel, and starts the eSIM and BatchTrack dashboards.
 * With `keep` they stay up (Ctrl-C to stop); otherwise they are closed before returning.
 */
export async function reportsDemo(options: { keep: boolean; port?: number }): Promise<{ lines: string[]; close(): Promise<void> }> {
  const now = Date.now();
  const start = now - 30 * DAY;
  const db = new PGlite();
  const { esim: esimCount, batchtrack: btCount } = await seedReportsDemo(db, now);
  const purchase = esimReports.funnels.purchase;
  const result = await funnel(db, purchase, { from: start, to: now, table: 'analytics_events' });
  const lines = [
    `reports: seeded ${esimCount} eSIM and ${btCount} BatchTrack events over 30 days (3 eSIM brands, 5 BatchTrack organizations) on PGlite`,
    '',
    `eSIM funnel "${purchase.name}" (${purchase.description}; window ${purchase.window}), last 30 days:`,
    '| step | users | conversion | from previous | median time | p75 time |',
    '| --- | --- | --- | --- | --- | --- |',
    ...result.steps.map((s, i) => `| ${i + 1}. ${s.event} | ${s.count} | ${percent(s.conversion)} | ${i ? percent(s.conversionFromPrevious) : '-'} | ${minutes(s.medianSeconds)} | ${minutes(s.p75Seconds)} |`),
    '',
  ];
  const dashboards: Dashboard[] = [
    await startDashboard({ db, catalog: esimReports, table: 'analytics_events', port: options.keep ? (options.port ?? 4500) : 0 }),
    await startDashboard({ db, catalog: batchtrackReports, table: 'domain_event', port: options.keep ? (options.port ?? 4500) + 1 : 0 }),
  ];
  lines.push(`dashboards: eSIM ${dashboards[0].url} · BatchTrack ${dashboards[1].url}${options.keep ? ' (running)' : ''}`);
  return {
    lines,
    async close() {
      for (const dashboard of dashboards) await dashboard.close();
      await db.close();
    },
  };
}
