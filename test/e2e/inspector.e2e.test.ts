import { PostHog } from 'posthog-node';
import { describe, expect, it } from 'vitest';
import { catalog as omoi } from '../../schema/omoi';
import { catalog as storefront } from '../../schema/storefront';
import { catalog as flagshop } from '../fixtures/flags-catalog';
import { createTracker, signWebhookBody, startInspector } from '../../src/node/index';
import { useBrowserAndReceiver } from '../helpers/browser-env';
import { hasChromium } from '../helpers/chromium';

// The receiver serves pages from another origin (an app in development on another port).
const env = useBrowserAndReceiver();

describe('trackplan inspector', () => {
  it('checks what the real clients send against the catalogs, and verifies webhook signatures', async () => {
    const inspector = await startInspector({ catalogs: [storefront, omoi], port: 0, secret: 'whsec_i', keep: 50 });
    try {
      const tracker = createTracker(omoi, { posthog: { apiKey: 'phc_i', host: inspector.url }, webhook: { url: `${inspector.url}/webhook`, secret: 'whsec_i' } });
      tracker.track('user_signed_in', { method: 'github', organization_id: 'org_1' }, { distinctId: 'u_1' });
      tracker.track('payment_failed', { amount_usd: 1, organization_id: 'org_1', failure_reason: 'card_declined', attempt_number: 'one' as never }, { distinctId: 'u_1' });
      await tracker.shutdown(2000);
      const raw = new PostHog('phc_i', { host: inspector.url, flushAt: 1 });
      raw.capture({ distinctId: 'u_2', event: 'not_in_any_catalog' });
      await raw.shutdown();
      const events = inspector.events();
      expect(events.filter((e) => e.event === 'user_signed_in').map((e) => [e.destination, e.status])).toEqual(expect.arrayContaining([['posthog', 'valid'], ['webhook', 'valid']]));
      expect(events.find((e) => e.event === 'payment_failed')).toMatchObject({ status: 'invalid', violations: [expect.stringMatching(/attempt_number/)] });
      expect(events.find((e) => e.event === 'not_in_any_catalog')).toMatchObject({ status: 'unknown' });
      const body = '{"events":[]}';
      const bad = await fetch(`${inspector.url}/webhook`, { method: 'POST', body, headers: { 'x-trackplan-signature': signWebhookBody(body, 'wrong') } });
      expect(bad.status).toBe(401);
    } finally {
      await inspector.close();
    }
  });

  it.skipIf(!hasChromium)('shows events live in its page: table, counts, filter, raw payload', async () => {
    const inspector = await startInspector({ catalogs: [storefront], port: 0 });
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      await page.goto(inspector.url);
      const tracker = createTracker(storefront, { posthog: { apiKey: 'phc_i', host: inspector.url, transport: 'direct' }, webhook: { url: `${inspector.url}/webhook` } });
      tracker.track('checkout.start', { order_id: 'ord_1', tier: 'pro', subtotal: 58, country: 'US' }, { distinctId: 'user_live' });
      tracker.track('design.approved', { order_id: 'ord_1', tier: 'pro', subtotal: 58, country: 'US', design_id: 'mail jane@example.com', revisions: 1 }, { distinctId: 'user_live' });
      await tracker.shutdown(2000);
      // Streamed, not reloaded: the rows arrive over server-sent events.
      await page.waitForFunction(() => document.querySelectorAll('tr.event').length >= 4, null, { timeout: 10_000 });
      expect(await page.locator('tr.event[data-event="design.approved"] td.redacted').count()).toBe(2);
      expect(await page.locator('#counts').innerText()).toContain('checkout.start');
      await page.fill('#name', 'design');
      expect(await page.locator('tr.event').count()).toBe(2);
      await page.locator('tr.event').first().click();
      expect(await page.locator('tr.raw pre').innerText()).toContain('[redacted:email]');
      await page.fill('#name', '');
      if (process.env.TRACKPLAN_SCREENSHOT) await page.screenshot({ path: process.env.TRACKPLAN_SCREENSHOT, fullPage: true });
    } finally {
      await page.close();
      await inspector.close();
    }
  });

  it.skipIf(!hasChromium)('shows flag exposures, and the flag values each event carries', async () => {
    const inspector = await startInspector({ catalogs: [flagshop], port: 0, flags: { 'new-onboarding': 'test' } });
    const page = await env.browser.newPage({ viewport: { width: 1280, height: 720 } });
    try {
      await page.goto(inspector.url);
      const tracker = createTracker(flagshop, { posthog: { apiKey: 'phc_i', host: inspector.url, transport: 'direct' }, webhook: { url: `${inspector.url}/webhook` } });
      const flags = await tracker.flags.evaluate('user_flags');
      flags.get('new-onboarding');
      flags.get('new-onboarding'); // read twice: still one exposure
      tracker.track('page_viewed', { path: '/with-flags' }, { distinctId: 'user_flags', flags });
      tracker.track('page_viewed', { path: '/plain' }, { distinctId: 'user_flags' });
      await tracker.shutdown(2000);
      // Each event to PostHog and to the webhook: 2 exposures, 4 page views.
      await page.waitForFunction(() => document.querySelectorAll('tr.event').length >= 6, null, { timeout: 10_000 });
      const cells = await page.$$eval('tr.event', (rows) => rows.map((row) => [row.children[3].textContent, row.children[1].textContent, row.children[5].textContent]));
      expect(cells.filter(([, event]) => event === '$feature_flag_called').map(([destination, , shown]) => [destination, shown]).sort()).toEqual([
        ['posthog', 'exposure: new-onboarding = "test"'],
        ['webhook', 'exposure: new-onboarding = "test"'],
      ]);
      const pageViews = cells.filter(([, event]) => event === 'page_viewed').map(([destination, , shown]) => [destination, shown]);
      expect(pageViews.sort()).toEqual([
        ['posthog', ''],
        ['posthog', 'new-onboarding="test" beta-export=false'],
        ['webhook', ''],
        ['webhook', 'new-onboarding="test" beta-export=false'],
      ]);
      expect(await page.locator('#exposures').innerText()).toMatch(/new-onboarding = "test"\s+2/);
      expect(inspector.events().find((e) => e.event === '$feature_flag_called')?.exposure).toEqual({ flag: 'new-onboarding', value: 'test' });
    } finally {
      await page.close();
      await inspector.close();
    }
  });

  it.skipIf(!hasChromium)('counts events named __proto__ and constructor like any other name', async () => {
    const inspector = await startInspector({ catalogs: [storefront], port: 0 });
    const page = await env.browser.newPage();
    try {
      await page.goto(inspector.url);
      const events = ['__proto__', 'constructor', 'constructor', 'checkout.start'].map((name) => ({ event_name: name, user_id: 'u' }));
      expect((await fetch(`${inspector.url}/webhook`, { method: 'POST', body: JSON.stringify({ events }) })).status).toBe(200);
      await page.waitForFunction(() => document.querySelectorAll('tr.event').length >= 4, null, { timeout: 10_000 });
      const counts = await page.$$eval('#counts div', (rows) => rows.map((row) => [row.children[0].textContent, row.children[1].textContent]));
      expect(counts).toEqual([['constructor', '2'], ['__proto__', '1'], ['checkout.start', '1']]);
    } finally {
      await page.close();
      await inspector.close();
    }
  });

  it.skipIf(!hasChromium)('lets a page of another origin send events but not read them; serves its own page on localhost too', async () => {
    const inspector = await startInspector({ catalogs: [storefront], port: 0 });
    const port = new URL(inspector.url).port;
    env.receiver.serve('/app', 'text/html', '<!doctype html><title>app in development</title>');
    const app = await env.browser.newPage();
    const own = await env.browser.newPage();
    try {
      await fetch(`${inspector.url}/webhook`, { method: 'POST', body: JSON.stringify({ events: [{ event_name: 'checkout.start', user_id: 'u', properties: { order_id: 'ord_private' } }] }) });
      await app.goto(`${env.receiver.url}/app`);
      const seen = await app.evaluate(async (target) => {
        const outcome = (promise: Promise<Response>) => promise.then((r) => `status ${r.status}`, (error: Error) => `blocked: ${error.name}`);
        const sent = await outcome(fetch(`${target}/batch/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batch: [{ event: 'checkout.start', distinct_id: 'from_app', properties: { order_id: 'ord_app' } }] }) }));
        // What trackplan's browser webhook does when the page hides: a credentialed, preflighted beacon.
        const beacon = navigator.sendBeacon(`${target}/webhook`, new Blob([JSON.stringify({ events: [{ event_name: 'checkout.start', user_id: 'from_beacon' }] })], { type: 'application/json' }));
        const read = await outcome(fetch(`${target}/api/events`));
        const withCredentials = await outcome(fetch(`${target}/api/events`, { credentials: 'include' }));
        const stream = await new Promise<string>((resolve) => {
          const source = new EventSource(`${target}/api/stream`);
          source.onopen = () => resolve('open');
          source.onerror = () => {
            source.close();
            resolve('error');
          };
        });
        return { sent, beacon, read, withCredentials, stream };
      }, inspector.url);
      expect(seen).toEqual({ sent: 'status 200', beacon: true, read: 'blocked: TypeError', withCredentials: 'blocked: TypeError', stream: 'error' });
      const deadline = Date.now() + 10_000;
      while (inspector.events().length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(inspector.events().map((e) => e.distinctId).sort()).toEqual(['from_app', 'from_beacon', 'u']);
      // Its own page, reached as localhost: lists what was captured.
      await own.goto(`http://localhost:${port}/`);
      await own.waitForFunction(() => document.querySelectorAll('tr.event').length >= 3, null, { timeout: 10_000 });
      expect(await own.locator('#total').innerText()).toBe('3 events');
    } finally {
      await app.close();
      await own.close();
      await inspector.close();
    }
  });
});
