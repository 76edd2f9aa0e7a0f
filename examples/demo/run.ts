/**
 * `npm run demo`: the local inspector with the five reference catalogs, and one scenario per seed
 * plan with the real clients pointed at it (posthog-js in headless Chromium, posthog-node, the
 * webhook, the outbox on PGlite). Prints a summary table and the inspector URL. No network.
 * `npm run demo -- --keep` leaves the inspector running.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { build } from 'esbuild';
import { createErrorTracker, createTracker, renderSnippets, startInspector, type TrackerStats } from 'trackplan/node';
import { createDispatcher, createOutbox, toSqlDatabase } from 'trackplan/outbox';
import { batchtrack, esim, omoi, storefront, tformance } from '../../schema/index';

const keep = process.argv.includes('--keep');
const port = Number(process.env.TRACKPLAN_DEMO_PORT ?? (keep ? 4400 : 0));
// The inspector answers PostHog's /flags too: Tformance's guided onboarding is on, with its payload.
const inspector = await startInspector({
  catalogs: [storefront, omoi, batchtrack, tformance, esim],
  port,
  flags: { 'onboarding-flow': { value: 'guided', payload: { steps: ['github', 'slack'], skippable: true } } },
});
const posthog = { apiKey: 'phc_demo', host: inspector.url };
const webhook = { url: `${inspector.url}/webhook` };

interface Row { plan: string; tracked: number; posthog: number; webhook: number; violations: number; redactions: number; dropped: string }
const rows: Row[] = [];
function row(plan: string, stats: TrackerStats[], extra: Partial<Row> = {}): void {
  const sum = (pick: (s: TrackerStats) => number) => stats.reduce((total, s) => total + pick(s), 0);
  const dropped: Record<string, number> = {};
  for (const s of stats) {
    for (const [reason, n] of Object.entries(s.dropped)) dropped[reason] = (dropped[reason] ?? 0) + (n ?? 0);
    for (const d of Object.values(s.destinations)) for (const [reason, n] of Object.entries(d.dropped)) dropped[reason] = (dropped[reason] ?? 0) + (n ?? 0);
  }
  rows.push({
    plan,
    tracked: sum((s) => s.tracked),
    posthog: sum((s) => s.destinations.posthog?.delivered ?? 0),
    webhook: sum((s) => s.destinations.webhook?.delivered ?? 0),
    violations: sum((s) => s.violations),
    redactions: sum((s) => s.redactions),
    dropped: Object.entries(dropped).map(([r, n]) => `${r}: ${n}`).join(', ') || '-',
    ...extra,
  });
}

// storefront: the browser funnel in headless Chromium through the snippet, order.paid from Node.
async function storefrontScenario(): Promise<void> {
  const stats: TrackerStats[] = [];
  if (existsSync('/usr/bin/chromium')) {
    const bundle = await build({ entryPoints: ['examples/demo/storefront-page.ts'], bundle: true, format: 'iife', platform: 'browser', write: false, minify: true, alias: { 'trackplan/browser': './dist/browser/index.js' } });
    const page = `<!doctype html><html><head>${renderSnippets({ posthog: { ...posthog, capturePageview: false, capturePageleave: false, options: { opt_out_useragent_filter: true, request_batching: false, advanced_disable_flags: true, disable_session_recording: true } } })}</head><body>storefront<script src="/app.js"></script></body></html>`;
    const server = createServer((req, res) => (req.url === '/app.js' ? res.writeHead(200, { 'content-type': 'application/javascript' }).end(bundle.outputFiles[0].text) : res.writeHead(200, { 'content-type': 'text/html' }).end(page)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    try {
      const tab = await browser.newPage();
      await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await tab.waitForFunction(() => (window as unknown as { demoStats?: unknown }).demoStats, null, { timeout: 20_000 });
      stats.push((await tab.evaluate(() => (window as unknown as { demoStats: TrackerStats }).demoStats)) as TrackerStats);
      const deadline = Date.now() + 20_000;
      while (inspector.events().filter((e) => e.catalog === 'storefront' && e.event.startsWith('design.approved')).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await browser.close();
      server.close();
    }
  } else console.warn('(storefront browser funnel skipped: no /usr/bin/chromium; install it with apt-get install -y chromium)');
  const tracker = createTracker(storefront, { posthog, webhook, source: 'storefront-api' });
  tracker.track('order.paid', { order_id: 'ord_demo_1', amount: 58, currency: 'USD', tier: 'standard', item_count: 2, skus: ['TSHIRT-BLK-XL', 'MUG-WHT'], country: 'US' }, { distinctId: 'user_storefront_1' });
  await tracker.shutdown();
  stats.push(tracker.stats());
  row('storefront (browser funnel + Node)', stats);
}

// omoi: every billing, subscription, payment, workflow and user event, with groups and identify.
async function omoiScenario(): Promise<void> {
  const tracker = createTracker(omoi, { posthog, webhook, source: 'billing-service' });
  const org = { organization: 'org_456' };
  const who = { distinctId: 'user_123', groups: org };
  tracker.identify('user_123', { plan: 'pro', company_size: 'small' });
  tracker.group('organization', 'org_456', { subscription_tier: 'pro', employee_count: 50, industry: 'technology' });
  tracker.track('user_created', { signup_method: 'github', organization_id: 'org_456', referral_source: 'product_hunt' }, who);
  tracker.track('user_signed_in', { method: 'github', organization_id: 'org_456' }, who);
  tracker.track('checkout_completed', { checkout_type: 'subscription', amount_usd: 50, organization_id: 'org_456', tier: 'pro', stripe_session_id: 'cs_test_a1B2' }, who);
  tracker.track('subscription_created', { tier: 'pro', amount_usd: 50, organization_id: 'org_456', stripe_subscription_id: 'sub_1Nx', is_lifetime: false }, who);
  tracker.track('payment_succeeded', { amount_usd: 50, organization_id: 'org_456', payment_type: 'subscription', currency: 'USD' }, who);
  tracker.track('subscription_payment', { amount_usd: 50, currency: 'USD', tier: 'pro', organization_id: 'org_456' }, who);
  tracker.track('subscription_updated', { old_tier: 'pro', new_tier: 'team', old_amount_usd: 50, new_amount_usd: 150, organization_id: 'org_456', change_type: 'upgrade', mrr_change: 100 }, who);
  tracker.track('payment_failed', { amount_usd: 150, organization_id: 'org_456', failure_reason: 'card_declined', attempt_number: 1 }, who);
  tracker.track('subscription_canceled', { tier: 'team', organization_id: 'org_456', at_period_end: true, reason: 'user_requested' }, who);
  tracker.track('workflow_started', { workflow_id: 'wf_789', organization_id: 'org_456', workflow_type: 'code_review' }, who);
  tracker.track('workflow_completed', { workflow_id: 'wf_789', organization_id: 'org_456', duration_seconds: 120.5, tasks_completed: 5, cost_usd: 0.25 }, who);
  tracker.track('feature_used', { feature: 'code_review', language: 'python' }, who);
  // A deliberate bad call: the plan's own example passes customer_email as the user id, and the failure message quotes it.
  tracker.track('workflow_failed', { workflow_id: 'wf_790', organization_id: 'org_456', error_type: 'TimeoutError', error_message: 'timed out for jane@example.com', duration_seconds: '300' as never }, who);
  await tracker.shutdown();
  row('omoi (Node)', [tracker.stats()]);
}

// BatchTrack: domain events through the outbox (embedded PGlite), dispatched to the webhook and PostHog.
async function batchtrackScenario(): Promise<void> {
  const db = new PGlite();
  const outbox = createOutbox(batchtrack, { db, table: 'domain_event', source: 'batchtrack-app', validation: 'throw' }); // refuse a broken row before the insert
  await outbox.migrate();
  const sql = toSqlDatabase(db);
  const org = { organization: 'org_bt_1' };
  let refused = 0;
  await sql.transaction(async (tx) => {
    await outbox.record(tx, 'user_login_succeeded', { is_first_login: true, login_method: 'password', seconds_since_first_login: 0, user_use_index: 1 }, { distinctId: 'user_bt_1', groups: org });
    await outbox.record(tx, 'inventory_item_created', { inventory_item_id: 'inv_1', creation_source: 'custom', is_first_use: true, user_use_index: 1 }, { distinctId: 'user_bt_1', groups: org, entity: { type: 'inventory_item', id: 'inv_1' } });
    await outbox.record(tx, 'recipe_created', { recipe_id: 'rec_1', seconds_since_first_login: 340, user_use_index: 1, org_use_index: 1 }, { distinctId: 'user_bt_1', groups: org, entity: { type: 'recipe', id: 'rec_1' } });
    await outbox.record(tx, 'batch_started', { batch_id: 'b_1', recipe_id: 'rec_1', is_first_use: true }, { distinctId: 'user_bt_1', groups: org, entity: { type: 'batch', id: 'b_1' } });
    await outbox.record(tx, 'batch_completed', { batch_id: 'b_1', recipe_id: 'rec_1', duration_seconds: 5400, yield_quantity: 24 }, { distinctId: 'user_bt_1', groups: org, entity: { type: 'batch', id: 'b_1' } });
    // A deliberate redaction: a phone number typed into a free-text reason.
    await outbox.record(tx, 'batch_cancelled', { batch_id: 'b_2', recipe_id: 'rec_1', reason: 'call +44 20 7946 0958' }, { distinctId: 'user_bt_1', groups: org });
    // A deliberate bad call: refused before the insert, the transaction goes on.
    await outbox.record(tx, 'batch_failed', { batch_id: 'b_3', recipe_id: 'rec_1', failure_reason: 42 as never }, { groups: org }).catch(() => refused++);
  });
  const dispatcher = createDispatcher(outbox, { posthog, webhook });
  const result = await dispatcher.runOnce();
  await dispatcher.shutdown();
  const stats = await outbox.rowStats();
  await db.close();
  const redactions = inspector.events().filter((e) => e.catalog === 'batchtrack' && e.redactions > 0 && e.destination === 'webhook').length;
  rows.push({ plan: 'BatchTrack (outbox on PGlite)', tracked: result.claimed + refused, posthog: result.delivered, webhook: result.delivered, violations: refused, redactions, dropped: refused ? `refused before insert: ${refused}; outbox ${JSON.stringify(stats)}` : JSON.stringify(stats) });
}

let flagBranch = '(not run)';
// Tformance: enriched identify, group identify, front-end events, and rate-limited error tracking.
async function tformanceScenario(): Promise<void> {
  const tracker = createTracker(tformance, { posthog, source: 'tformance-web' });
  tracker.identify('user_tf_1', { role: 'admin', teams_count: 2, signup_source: 'github', has_connected_github: true, has_connected_jira: false, has_connected_slack: true });
  tracker.group('team', 'acme', { plan: 'pro', onboarding_complete: true, repos_tracked: 12, total_prs: 3400, ai_adoption_rate: 37.5 });
  const team = { team_slug: 'acme' };
  const who = { distinctId: 'user_tf_1', groups: { team: 'acme' } };
  // One flag branch: the real posthog-node evaluates the catalog's flags against the inspector.
  const flags = await tracker.flags.evaluate('user_tf_1', { groups: { team: 'acme' } });
  const onboarding = flags.get('onboarding-flow');
  if (onboarding === 'guided') {
    for (const step of flags.payload('onboarding-flow')?.steps ?? []) tracker.track('onboarding_step_completed', { ...team, step }, { ...who, flags });
  } else tracker.track('onboarding_skipped', { ...team, step: 'integrations' }, { ...who, flags });
  const insights = flags.isEnabled('ai-insights-panel');
  if (insights) tracker.track('insight_viewed', { ...team, insight_type: 'ai_adoption' }, { ...who, flags });
  flagBranch = `onboarding-flow = ${onboarding} (${flags.payload('onboarding-flow')?.steps.join(' -> ') ?? 'no steps'}), ai-insights-panel = ${insights}; exposures: ${tracker.stats().flags?.exposures ?? 0}`;
  tracker.track('integration_connected', { ...team, integration: 'github', is_reconnect: false }, who);
  tracker.track('chart_interacted', { ...team, chart_type: 'ai_adoption', action: 'click' }, who);
  tracker.track('sidebar_navigation', { ...team, destination: 'insights' }, who);
  tracker.track('theme_switched', { theme: 'dark' }, who);
  tracker.track('date_filter_changed', { ...team, date_range: '30d', previous_range: '7d' }, who);
  // A deliberate slip: an e-mail in a URL-ish field.
  tracker.track('external_link_clicked', { url_domain: 'docs.example.com', placement: 'footer?ref=jane@example.com' }, who);
  const errors = createErrorTracker(tracker);
  for (let i = 0; i < 15; i++) errors.trackError(new TypeError(`cannot read property of undefined for jane@example.com #${i}`), { route: '/insights/:id', distinctId: 'user_tf_1', properties: team });
  await tracker.shutdown();
  const limited = errors.stats().rateLimited;
  row('Tformance (Node, errors rate-limited)', [tracker.stats()]);
  const last = rows.at(-1)!;
  last.dropped = `${last.dropped === '-' ? '' : `${last.dropped}, `}error_occurred rate-limited (counted, not sent): ${limited}`;
}

// eSIM: the funnel recorded inside business transactions, one of them rolled back.
async function esimScenario(): Promise<void> {
  const db = new PGlite();
  const outbox = createOutbox(esim, { db, table: 'analytics_events', source: 'esim-backend', validation: 'throw' }); // refuse a broken row before the insert
  await outbox.migrate();
  const sql = toSqlDatabase(db);
  const who = { distinctId: 'user_esim_1' };
  await sql.transaction((tx) => outbox.record(tx, 'user_signup', { signup_channel: 'otp_email' }, who));
  const order = { order_id: 'ord_e1', plan_id: 'eu_5gb' };
  await sql.transaction((tx) => outbox.record(tx, 'checkout_started', { ...order, amount_minor_units: 1299, currency: 'EUR', plan_name: 'Europe 5 GB', data_gb: 5, validity_days: 30, destination_country: 'FR' }, who));
  let rolledBack = 0;
  await sql
    .transaction(async (tx) => {
      await outbox.record(tx, 'payment_succeeded', { ...order, amount_minor_units: 1299, currency: 'EUR', payment_provider: 'stripe', payment_intent_id: 'pi_rolled_back' }, who);
      throw new Error('order row failed to update: the payment and its analytics roll back together');
    })
    .catch(() => rolledBack++);
  await sql.transaction((tx) => outbox.record(tx, 'payment_succeeded', { ...order, amount_minor_units: 1299, currency: 'EUR', payment_provider: 'stripe', payment_intent_id: 'pi_3MtwBwLkdIwHu7ix' }, who));
  await sql.transaction((tx) => outbox.record(tx, 'esim_activated', { ...order, provider: 'esim-go', provider_reference: 'ref_for +33 1 23 45 67 89' }, who));
  let refused = 0;
  await sql.transaction((tx) => outbox.record(tx, 'checkout_started', { ...order, amount_minor_units: 12.99 } as never, who)).catch(() => refused++);
  const dispatcher = createDispatcher(outbox, { posthog, webhook });
  const result = await dispatcher.runOnce();
  await dispatcher.shutdown();
  await db.close();
  const redactions = inspector.events().filter((e) => e.catalog === 'esim' && e.redactions > 0 && e.destination === 'webhook').length;
  rows.push({ plan: 'eSIM (outbox in the business transaction)', tracked: result.claimed + rolledBack + refused, posthog: result.delivered, webhook: result.delivered, violations: refused, redactions, dropped: `rolled back (never delivered): ${rolledBack}, refused before insert: ${refused}` });
}

const started = Date.now();
await storefrontScenario();
await omoiScenario();
await batchtrackScenario();
await tformanceScenario();
await esimScenario();

const received = inspector.events();
const table = [
  '| plan | tracked | delivered to PostHog | delivered to webhook | violations | redactions | dropped, with reasons |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map((r) => `| ${r.plan} | ${r.tracked} | ${r.posthog} | ${r.webhook} | ${r.violations} | ${r.redactions} | ${r.dropped} |`),
];
console.log(`\n${table.join('\n')}\n`);
console.log(`inspector received ${received.length} events: ${received.filter((e) => e.status === 'valid').length} valid against their catalog, ${received.filter((e) => e.status === 'invalid').length} invalid (reported, delivered under validation: 'report'), ${received.filter((e) => e.redactions).length} with redactions`);
for (const e of received.filter((x) => x.status === "invalid")) console.log(`  invalid: ${e.destination} ${e.event}: ${e.violations.join("; ")}`);
console.log(`Tformance flag branch: ${flagBranch}; ${received.filter((e) => e.exposure).length} exposures and ${received.filter((e) => e.catalog === 'tformance' && e.flags?.['onboarding-flow']).length} events with flag values reached the inspector`);
console.log(`no e-mail, phone or card number reached the inspector: ${!/jane@example\.com|7946 0958|23 45 67 89/.test(JSON.stringify(received.map((e) => e.payload)))}`);
console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s; inspector: ${inspector.url}${keep ? ' (running; Ctrl-C to stop)' : ''}`);
if (!keep) {
  await inspector.close();
  process.exit(0);
}
