import { afterEach, describe, expect, it } from 'vitest';
import { PostHog } from 'posthog-node';
import { createTracker, type TrackerStats } from '../../src/node/index';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { catalog, paid } from '../fixtures/storefront-catalog';

let receiver: Receiver;
afterEach(async () => {
  await receiver?.close();
});

function books(stats: TrackerStats) {
  for (const d of Object.values(stats.destinations)) {
    const dropped = Object.values(d.dropped).reduce((a, b) => a + b, 0);
    expect(d.routed).toBe(d.delivered + dropped + d.pending);
  }
}

const fast = { retryBaseMs: 5, retryMaxMs: 50 };

describe.each(['client', 'direct'] as const)('PostHog destination (%s transport) against a real receiver', (transport) => {
  it('delivers capture with uuid, timestamp, $groups and revenue; identify, alias and group identify', async () => {
    receiver = await startReceiver();
    const tracker = createTracker(catalog, { posthog: { apiKey: 'phc_test', host: receiver.url, transport, ...fast } });
    tracker.track('order.paid', paid, { distinctId: 'user_123', groups: { organization: 'org_456' }, uuid: '01900000-0000-7000-8000-000000000001', timestamp: '2026-11-22T10:00:00.000Z' });
    tracker.identify('user_123', { role: 'admin' }, { setOnce: { teams_count: 1 } });
    tracker.alias('user_123', 'anon_abc');
    tracker.groupIdentify('organization', 'org_456', { plan: 'pro' });
    await tracker.flush();
    const byEvent = Object.fromEntries(receiver.events.map((e) => [e.event, e]));
    expect(byEvent['order.paid']).toMatchObject({
      distinct_id: 'user_123',
      uuid: '01900000-0000-7000-8000-000000000001',
      timestamp: '2026-11-22T10:00:00.000Z',
      properties: { ...paid, $groups: { organization: 'org_456' }, $revenue: 49.99, currency: 'USD', schema_version: 2 },
    });
    expect(byEvent.$identify).toMatchObject({ distinct_id: 'user_123', properties: { $set: { role: 'admin' }, $set_once: { teams_count: 1 } } });
    expect(byEvent.$create_alias).toMatchObject({ properties: { alias: 'anon_abc' } });
    expect(byEvent.$groupidentify).toMatchObject({ properties: { $group_type: 'organization', $group_key: 'org_456', $group_set: { plan: 'pro' } } });
    expect(tracker.stats().destinations.posthog).toEqual({ routed: 4, delivered: 4, dropped: {}, pending: 0 });
    await tracker.shutdown(1000);
  });

  it('a burst of 20,000 arrives whole (posthog-node alone keeps at most its queue size)', async () => {
    receiver = await startReceiver();
    const tracker = createTracker(catalog, { posthog: { apiKey: 'phc_test', host: receiver.url, transport } });
    for (let i = 0; i < 20_000; i++) tracker.track('checkout.start', { order_id: `o_${i}`, tier: 'pro', subtotal: i, country: 'US' }, { distinctId: `u_${i % 50}` });
    await tracker.flush();
    expect(receiver.events).toHaveLength(20_000);
    expect(new Set(receiver.events.map((e) => e.uuid)).size).toBe(20_000);
    expect(tracker.stats().destinations.posthog).toMatchObject({ routed: 20_000, delivered: 20_000, pending: 0 });
    await tracker.shutdown(1000);
  });

  it('holds a burst compressed within its bound; past the bound drops the oldest, counted and reported', async () => {
    receiver = await startReceiver();
    const errors: unknown[] = [];
    const bound = 20_000;
    const tracker = createTracker(catalog, { posthog: { apiKey: 'phc_test', host: receiver.url, transport, maxQueueBytes: bound, flushIntervalMs: 20 }, onError: (e) => errors.push(e) });
    for (let i = 0; i < 1000; i++) tracker.track('checkout.start', { order_id: `o_${i}`, tier: 'pro', subtotal: i, country: 'US' }, { distinctId: `u_${i % 50}` });
    const held = tracker.stats().destinations.posthog.pending;
    await tracker.flush();
    const stats = tracker.stats().destinations.posthog;
    const overflow = stats.dropped.queue_overflow;
    expect(overflow).toBeGreaterThan(0);
    expect(receiver.events.length + overflow).toBe(1000);
    expect(receiver.events.length).toBe(held);
    // Compressed: far more than the bound holds as JSON (each event is over 200 bytes of it).
    expect(held).toBeGreaterThan(bound / 200);
    expect(receiver.events.map((e) => e.properties.order_id)).toContain('o_999');
    expect(String(errors[0])).toMatch(/queue over 20000 bytes/);
    books(tracker.stats());
    await tracker.shutdown(1000);
  });

  it('retries 503 with backoff and counts what never got through, keeping the books', async () => {
    receiver = await startReceiver();
    const errors: unknown[] = [];
    receiver.setFault((_req, i) => (i < 2 ? 503 : undefined));
    const tracker = createTracker(catalog, { posthog: { apiKey: 'phc_test', host: receiver.url, transport, ...fast }, onError: (e) => errors.push(e) });
    tracker.track('checkout.start', { order_id: 'o_1', tier: 'pro', subtotal: 1, country: 'US' });
    await tracker.flush();
    expect(receiver.events).toHaveLength(1);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    books(tracker.stats());

    receiver.setFault(() => 500);
    const lost = createTracker(catalog, { posthog: { apiKey: 'phc_test', host: receiver.url, transport, ...fast, maxAttempts: 3 } });
    lost.track('checkout.start', { order_id: 'o_2', tier: 'pro', subtotal: 1, country: 'US' });
    await lost.flush();
    const stats = lost.stats().destinations.posthog;
    expect(stats).toMatchObject({ routed: 1, delivered: 0, pending: 0, dropped: { retries_exhausted: 1 } });
    await Promise.all([tracker.shutdown(500), lost.shutdown(500)]);
  });

  it('a serverless function that returns right after track() + flush() loses nothing', async () => {
    receiver = await startReceiver();
    const handler = async (orderId: string) => {
      const tracker = createTracker(catalog, { posthog: { apiKey: 'phc_test', host: receiver.url, transport } });
      tracker.track('order.paid', { ...paid, order_id: orderId }, { distinctId: 'user_1' });
      await tracker.flush();
      return tracker.stats();
    };
    const results = await Promise.all(['a', 'b', 'c'].map(handler));
    // Nothing waits after the handlers returned: everything must already be here.
    expect(receiver.events.map((e) => e.properties.order_id).sort()).toEqual(['a', 'b', 'c']);
    for (const stats of results) expect(stats.destinations.posthog).toMatchObject({ delivered: 1, pending: 0 });
  });
});

describe('PostHog destination with your own posthog-node client', () => {
  it('feeds the given client and does not shut it down', async () => {
    receiver = await startReceiver();
    const client = new PostHog('phc_test', { host: receiver.url, flushAt: 1000, flushInterval: 0 });
    const tracker = createTracker(catalog, { posthog: { client } });
    tracker.track('checkout.start', { order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' }, { distinctId: 'u' });
    await tracker.shutdown(2000);
    expect(receiver.events.map((e) => e.event)).toEqual(['checkout.start']);
    client.capture({ distinctId: 'u', event: 'still_alive' });
    await client.flush();
    expect(receiver.events.map((e) => e.event)).toContain('still_alive');
    await client.shutdown();
  });

  it('refuses a PostHog configuration without a key, saying what to do', () => {
    expect(() => createTracker(catalog, { posthog: {} })).toThrowError(/apiKey is required/);
    expect(() => createTracker(catalog, { posthog: { apiKey: 'phc_x', host: 'ftp://x' } })).toThrowError(/http\(s\) URL/);
  });
});
