/**
 * The dashboard's first meaningful paint against 1,000,000 events: the eSIM catalog's events
 * (about 50,000 users and 20 organizations over 60 days) generated in SQL, the dashboard served
 * from dist/, and Chromium timing how long after navigation every panel is drawn (the page marks
 * `trackplan:dashboard-ready` once KPIs, funnel, daily chart and table, projection and top values
 * are on screen). Not a test: `npm run build && node bench/dashboard.mjs [--events 1000000]`.
 * On PGlite by default; TRACKPLAN_BENCH_DATABASE_URL=postgres://… measures PostgreSQL too
 * (TRACKPLAN_BENCH_SKIP_PGLITE=1: PostgreSQL only).
 */
import { PGlite } from '@electric-sql/pglite';
import { chromium } from 'playwright-core';
import { outboxMigrationSql } from '../dist/outbox/index.js';
import { startDashboard } from '../dist/reports/index.js';
import * as z from 'zod';
import { defineCatalog, defineEvent, defineFunnel, revenueSeries } from '../dist/index.js';

const argv = process.argv.slice(2);
const events = Number(argv[argv.indexOf('--events') + 1] || 1_000_000) || 1_000_000;
const loads = 3;
const table = 'analytics_events';
// The eSIM plan's events (schema/esim.ts, trimmed to what the reports read).
const order = { order_id: z.string(), plan_id: z.string() };
const catalog = defineCatalog({
  name: 'esim',
  version: 1,
  events: {
    app_opened: defineEvent({ description: 'The app was opened', properties: z.object({}) }),
    user_signup: defineEvent({ description: 'A user signed up', properties: z.object({ signup_channel: z.string() }) }),
    checkout_started: defineEvent({ description: 'Checkout started', properties: z.object({ ...order, amount_minor_units: z.number(), currency: z.string() }) }),
    payment_succeeded: defineEvent({ description: 'A payment succeeded', revenue: { amount: 'amount_minor_units', currency: 'currency' }, properties: z.object({ ...order, amount_minor_units: z.number(), currency: z.string(), payment_provider: z.string(), payment_intent_id: z.string() }) }),
    esim_activated: defineEvent({ description: 'An eSIM was activated', properties: z.object({ ...order, provider: z.string(), provider_reference: z.string() }) }),
  },
  funnels: { purchase: defineFunnel({ description: 'Signup to activated eSIM', steps: ['user_signup', 'checkout_started', 'payment_succeeded', 'esim_activated'], window: '14d' }) },
  metrics: { revenue: revenueSeries() },
});

/** One million rows in one INSERT … SELECT: a user's events follow the funnel's order in time. */
async function seed(query) {
  const [createTable, ...indexes] = outboxMigrationSql(table).split(';\n').map((s) => s.trim()).filter(Boolean);
  await query(createTable);
  await query(
    `INSERT INTO ${table} (uuid, event_name, occurred_at, organization_id, user_id, schema_version, properties, catalog_name, catalog_version, is_processed)
     SELECT 'e' || g, step.name,
            now() - ((g % 50000) * 60 / 50000.0) * interval '1 day' + (g / 50000) * interval '37 minutes',
            'org_' || lpad(((g % 50000) % 20)::text, 2, '0'), 'u_' || (g % 50000), 1,
            CASE WHEN step.name IN ('checkout_started', 'payment_succeeded')
                 THEN jsonb_build_object('order_id', 'o' || g, 'plan_id', 'plan_' || (g % 5), 'amount_minor_units', 999 + (g % 5) * 500, 'currency', 'EUR', 'payment_provider', 'stripe', 'payment_intent_id', 'pi_' || g)
                 WHEN step.name = 'esim_activated' THEN jsonb_build_object('order_id', 'o' || g, 'plan_id', 'plan_' || (g % 5), 'provider', 'esim-go', 'provider_reference', 'r' || g)
                 WHEN step.name = 'user_signup' THEN '{"signup_channel":"otp_email"}'::jsonb
                 ELSE '{}'::jsonb END,
            'esim', 1, true
       FROM generate_series(0, $1::int - 1) AS g
       CROSS JOIN LATERAL (SELECT CASE
         WHEN g / 50000 = 0 THEN 'user_signup'
         WHEN g / 50000 = 1 AND (g % 50000) % 3 <> 0 THEN 'checkout_started'
         WHEN g / 50000 = 2 AND (g % 50000) % 4 <> 0 THEN 'payment_succeeded'
         WHEN g / 50000 = 3 AND (g % 50000) % 5 <> 0 THEN 'esim_activated'
         ELSE 'app_opened' END AS name) AS step`,
    [events],
  );
  for (const statement of indexes) await query(statement);
  await query(`ANALYZE ${table}`);
}

async function measure(label, db) {
  const started = performance.now();
  await seed((text, params) => db.query(text, params));
  const seededSeconds = (performance.now() - started) / 1000;
  const dashboard = await startDashboard({ db, catalog, table, port: 0 });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  const runs = [];
  try {
    for (let i = 0; i < loads; i++) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(dashboard.url);
      await page.waitForSelector('body[data-state="ready"]', { timeout: 300_000 });
      runs.push(await page.evaluate(() => ({
        firstContentfulPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
        ready: performance.getEntriesByName('trackplan:dashboard-ready')[0].startTime,
      })));
      await page.close();
    }
    const api = {};
    const range = `start_date=${new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10)}T00:00:00Z&end_date=${new Date().toISOString()}`;
    for (const path of [`overview?${range}&funnel=purchase&top_property=plan_id&top_by=revenue`, `timeseries?${range}&event_types=user_signup&event_types=checkout_started&event_types=payment_succeeded&event_types=esim_activated`, `funnels/purchase?${range}`, 'projections?series=revenue&window_days=14&horizon_days=7', 'organizations']) {
      const t = performance.now();
      const response = await fetch(`${dashboard.url}/api/${path}`);
      await response.arrayBuffer();
      api[path.split('?')[0]] = Math.round(performance.now() - t);
    }
    const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows;
    const sorted = runs.map((r) => r.ready).sort((a, b) => a - b);
    console.log(JSON.stringify({ driver: label, events: n, seededSeconds: Math.round(seededSeconds), firstMeaningfulPaintMs: { cold: Math.round(runs[0].ready), median: Math.round(sorted[Math.floor(sorted.length / 2)]), runs: runs.map((r) => Math.round(r.ready)) }, firstContentfulPaintMs: Math.round(runs[0].firstContentfulPaint ?? -1), apiMs: api }));
  } finally {
    await browser.close();
    await dashboard.close();
  }
}

if (!process.env.TRACKPLAN_BENCH_SKIP_PGLITE) {
  const pglite = new PGlite();
  await measure('PGlite', pglite);
  await pglite.close();
}
if (process.env.TRACKPLAN_BENCH_DATABASE_URL) {
  const pg = (await import('pg')).default;
  const pool = new pg.Pool({ connectionString: process.env.TRACKPLAN_BENCH_DATABASE_URL, max: 6 });
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await measure('PostgreSQL', pool);
  await pool.query(`DROP TABLE IF EXISTS ${table}`);
  await pool.end();
}
