import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTracker } from '../../src/node/index';
import { assertBooks, posthogHandlers, webhookHandlers } from '../../src/testing/index';
import { catalog, paid } from '../fixtures/storefront-catalog';

const host = 'https://posthog.msw.test';
const hookUrl = 'https://hooks.msw.test/events';
const ph = posthogHandlers({ host, catalog });
const hook = webhookHandlers({ url: hookUrl, secret: 'whsec_right', catalog });
const server = setupServer(...ph.handlers, ...hook.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  ph.clear();
  hook.clear();
});
afterAll(() => server.close());

describe('posthogHandlers with the real posthog-node client', () => {
  it.each(['client', 'direct'] as const)('captures and decodes what the %s transport sends (gzip), typed by the catalog', async (transport) => {
    const tracker = createTracker(catalog, { posthog: { apiKey: 'phc_msw', host, transport } });
    tracker.track('order.paid', paid, { distinctId: 'user_1', groups: { organization: 'org_1' } });
    tracker.identify('user_1', { role: 'admin' });
    await tracker.flush();
    assertBooks(tracker);
    expect(tracker.stats().destinations.posthog).toMatchObject({ routed: 2, delivered: 2, pending: 0 });
    // posthog-node gzips its bodies: the handler saw compressed bytes and decoded them.
    expect(ph.requests.some((r) => r.body[0] === 0x1f && r.body[1] === 0x8b)).toBe(true);
    const [order] = ph.eventsNamed('order.paid');
    expect(order).toMatchObject({ distinct_id: 'user_1', properties: { amount: 49.99, skus: paid.skus, $groups: { organization: 'org_1' } } });
    const amount: number = order.properties.amount; // typed by the catalog
    expect(amount).toBe(49.99);
    expect(ph.events.map((e) => e.event)).toEqual(['order.paid', '$identify']);
    expect(ph.rejected).toEqual([]);
  });

  it('refuses, with a reason, a body it cannot decode', async () => {
    const response = await fetch(`${host}/batch/`, { method: 'POST', body: '{not json' });
    expect(response.status).toBe(400);
    expect(ph.rejected[0]).toMatchObject({ status: 400, reason: expect.stringMatching(/^could not decode the body/) });
  });

  it('decodes base64 and form-encoded (data=) bodies, as PostHog does', async () => {
    const event = { event: 'signup_page_viewed', properties: { distinct_id: 'u', referrer: 'x' } };
    const base64 = Buffer.from(JSON.stringify([event])).toString('base64');
    await fetch(`${host}/e/?compression=base64`, { method: 'POST', body: base64 });
    await fetch(`${host}/e/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `data=${encodeURIComponent(base64)}` });
    expect(ph.eventsNamed('signup_page_viewed')).toEqual([event, event]);
  });

  it('eventsNamed refuses a name the catalog does not have, at run time as well as in types', () => {
    // @ts-expect-error not an event of the catalog
    expect(() => ph.eventsNamed('order.payed')).toThrow('[trackplan] [testing] "order.payed" is not an event of catalog "storefront".');
  });
});

describe('webhookHandlers with the webhook destination', () => {
  it('captures signed batches, checks the signature, and types the envelopes', async () => {
    const tracker = createTracker(catalog, { webhook: { url: hookUrl, secret: 'whsec_right', flushIntervalMs: 10 } });
    tracker.track('order.paid', paid, { distinctId: 'user_1', groups: { organization: 'org_1' } });
    tracker.track('signup_page_viewed', { referrer: 'ad' });
    await tracker.flush();
    assertBooks(tracker);
    expect(hook.rejected).toEqual([]);
    const [order] = hook.eventsNamed('order.paid');
    expect(order).toMatchObject({ event_name: 'order.paid', user_id: 'user_1', organization_id: 'org_1', properties: paid });
    const currency: string = order.properties.currency;
    expect(currency).toBe('usd');
    expect(hook.requests[0].headers['x-trackplan-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('reports a signature made with another secret (401), and the tracker counts those events as dropped', async () => {
    const errors: unknown[] = [];
    const tracker = createTracker(catalog, { webhook: { url: hookUrl, secret: 'whsec_wrong', flushIntervalMs: 10 }, onError: (e) => errors.push(e) });
    tracker.track('signup_page_viewed', { referrer: 'ad' });
    await tracker.flush();
    expect(hook.events).toEqual([]);
    expect(hook.rejected).toEqual([{ url: hookUrl, status: 401, reason: 'X-Trackplan-Signature does not match the body with this secret (wrong secret, or the body was changed)' }]);
    expect(tracker.stats().destinations.webhook).toMatchObject({ routed: 1, delivered: 0, dropped: { http_401: 1 } });
    expect(String(errors[0])).toMatch(/HTTP 401/);
  });

  it('reports a request without a signature', async () => {
    const tracker = createTracker(catalog, { webhook: { url: hookUrl, flushIntervalMs: 10 } });
    tracker.track('signup_page_viewed', {});
    await tracker.flush();
    expect(hook.rejected.map((r) => r.reason)).toEqual(['no X-Trackplan-Signature header: configure the webhook secret on the tracker']);
  });

  it('waitFor rejects at its deadline saying what arrived and what was rejected', async () => {
    const tracker = createTracker(catalog, { webhook: { url: hookUrl, secret: 'whsec_wrong', flushIntervalMs: 10 } });
    tracker.track('signup_page_viewed', {});
    await expect(hook.waitFor((events) => events.length > 0, 300)).rejects.toThrow(/timed out after 300 ms waiting for the webhook events at https:\/\/hooks.msw.test\/events; received 0: \[\]; rejected: .*401/);
    await tracker.shutdown(100);
  });
});
