import { PostHog } from 'posthog-node';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { catalog as omoi } from '../../schema/omoi';
import { catalog as storefront } from '../../schema/storefront';
import { createTracker, signWebhookBody, startInspector } from '../../src/node/index';
import { CHROMIUM_ARGS, CHROMIUM_PATH, hasChromium } from '../helpers/chromium';

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
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
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
      await browser.close();
      await inspector.close();
    }
  });
});
