import { PGlite } from '@electric-sql/pglite';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { funnel, overview, startDashboard, timeseries, type Dashboard } from '../../src/reports/index';
import { esimReports, seedReportsDemo } from '../../examples/demo/reports';
import { useBrowserAndReceiver } from '../helpers/browser-env';
import { hasChromium } from '../helpers/chromium';

// The demo's month (eSIM in analytics_events), the dashboard from src on a free port.
const env = useBrowserAndReceiver();
const db = new PGlite();
const table = 'analytics_events';
let dashboard: Dashboard;

beforeAll(async () => {
  await seedReportsDemo(db);
  dashboard = await startDashboard({ db, catalog: esimReports, table, port: 0 });
}, 120_000);
afterAll(async () => {
  await dashboard?.close();
  await db.close();
});

/** A raw GET with chosen headers (fetch() would not let us set Host). */
function rawGet(path: string, headers: Record<string, string>): Promise<number> {
  const url = new URL(dashboard.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('trackplan dashboard', () => {
  it('serves only its own loopback Host and origin', async () => {
    const own = `127.0.0.1:${new URL(dashboard.url).port}`;
    expect(await rawGet('/api/catalog', { host: own })).toBe(200);
    expect(await rawGet('/api/catalog', { host: `localhost:${new URL(dashboard.url).port}`, origin: `http://localhost:${new URL(dashboard.url).port}` })).toBe(200);
    // A DNS-rebound name, another site's page, a cross-site fetch: refused.
    expect(await rawGet('/api/catalog', { host: `evil.example:${new URL(dashboard.url).port}` })).toBe(403);
    expect(await rawGet('/api/overview', { host: own, origin: 'http://evil.example' })).toBe(403);
    expect(await rawGet('/api/overview', { host: own, 'sec-fetch-site': 'cross-site' })).toBe(403);
    expect(await rawGet('/', { host: own, 'sec-fetch-site': 'none' })).toBe(200);
    const page = await fetch(dashboard.url);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'.*connect-src 'self'/);
  });

  it.skipIf(!hasChromium)('draws KPIs, funnels, the daily chart and table, a projection and top values from its own server only', async () => {
    const page = await env.browser.newPage({ viewport: { width: 1440, height: 900 } });
    const foreign: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(dashboard.url)) foreign.push(request.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(dashboard.url);
      await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
      // KPI cards: the funnel's steps with their counts and conversion from the previous step.
      const cards = await page.locator('.kpi').evaluateAll((nodes) => nodes.map((n) => ({ event: (n as HTMLElement).dataset.event, value: n.querySelector('.value')!.textContent, ratio: n.querySelector('.ratio')!.textContent })));
      const range = await page.evaluate(() => ({ from: (document.getElementById('from') as HTMLInputElement).value, to: (document.getElementById('to') as HTMLInputElement).value }));
      const from = `${range.from}T00:00:00.000Z`;
      const to = `${range.to}T23:59:59.999Z`;
      const expected = await overview(db, { from, to, funnel: esimReports.funnels.purchase, catalog: esimReports, table });
      expect(cards.slice(0, 4).map((c) => c.event)).toEqual(['user_signup', 'checkout_started', 'payment_succeeded', 'esim_activated']);
      expect(cards.slice(0, 4).map((c) => Number(c.value!.replace(/,/g, '')))).toEqual(cards.slice(0, 4).map((c) => expected.counts[c.event!]));
      const steps = expected.funnel!.steps;
      expect(cards[2].ratio).toContain(`${(steps[2].conversionFromPrevious * 100).toFixed(1).replace(/\.0$/, '')}%`);
      expect(await page.locator('#kpi-revenue .value').innerText()).toMatch(/€[\d,.]+/);
      // One funnel card per declared funnel, with its chart and a row per step.
      expect(await page.locator('.funnel canvas').count()).toBe(Object.keys(esimReports.funnels).length);
      const stepRows = await page.locator('.funnel[data-funnel="purchase"] table tbody tr').allInnerTexts();
      expect(stepRows).toHaveLength(4);
      const reference = await funnel(db, esimReports.funnels.purchase, { from, to, table });
      expect(stepRows[3]).toContain(reference.steps[3].count.toLocaleString('en-US'));
      // The daily table: one row per day of the 30-day range, the chart drawn.
      expect(await page.locator('#timeseries-table tbody tr').count()).toBe(30);
      const series = await timeseries(db, { from, to, events: ['user_signup'], catalog: esimReports, table });
      const newest = series.days.at(-1)!;
      expect(await page.locator('#timeseries-table tbody tr').first().innerText()).toContain(newest.date);
      expect(await page.locator('#timeseries-chart').evaluate((c) => (c as HTMLCanvasElement).width)).toBeGreaterThan(0);
      // Event chips filter the timeseries: app_opened appears as a column when pressed.
      expect(await page.locator('#timeseries-table thead').innerText()).not.toContain('APP_OPENED');
      await page.click('.chip[data-event="app_opened"]');
      await page.waitForSelector('body[data-state="ready"]');
      await page.waitForFunction(() => document.querySelector('#timeseries-table thead')!.textContent!.includes('app_opened'));
      // The 7-day button: seven rows.
      await page.click('.quick button[data-days="7"]');
      await page.waitForFunction(() => document.querySelectorAll('#timeseries-table tbody tr').length === 7 && document.body.dataset.state === 'ready');
      // Projection: a 14-day window has history; a 90-day window says "Not enough data".
      await page.waitForSelector('#projection-stats');
      await page.selectOption('#projection-window', '90');
      await page.waitForSelector('#projection-empty');
      expect(await page.locator('#projection-empty').innerText()).toMatch(/Not enough data: the window needs 90 days of history, there are \d+/);
      await page.selectOption('#projection-window', '14');
      await page.waitForSelector('#projection-stats');
      // Top values: plans by revenue.
      expect(await page.locator('#top-property').inputValue()).toBe('plan_id');
      expect(await page.locator('#top-table tbody tr').first().innerText()).toMatch(/^(eu|us|jp|world)_\w+\t[\d,]+\t€/);
      // The organization picker scopes every figure to one tenant.
      await page.click('.quick button[data-days="30"]');
      await page.waitForSelector('body[data-state="ready"]');
      expect(await page.locator('#org option').allInnerTexts()).toEqual(['All organizations', 'brand_globetalk', 'brand_roamly', 'brand_skyesim']);
      await page.selectOption('#org', 'brand_skyesim');
      const scoped = await overview(db, { from, to, organizationId: 'brand_skyesim', catalog: esimReports, table });
      await page.waitForFunction((n) => document.body.dataset.state === 'ready' && document.querySelector('.kpi[data-event="user_signup"] .value')!.textContent!.replace(/,/g, '') === String(n), scoped.counts.user_signup);
      await page.selectOption('#org', '');
      await page.waitForFunction(() => document.body.dataset.state === 'ready');
      await page.evaluate(() => window.scrollTo(0, 0));
      if (process.env.TRACKPLAN_SCREENSHOT) await page.screenshot({ path: process.env.TRACKPLAN_SCREENSHOT, fullPage: true });
      expect(foreign).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);
});
