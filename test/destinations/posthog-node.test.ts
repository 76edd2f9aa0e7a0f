import { afterEach, describe, expect, it } from 'vitest';
import { PostHog } from 'posthog-node';
import { createTracker } from '../../src/node/index';
import { assertBooks } from '../../src/testing/index';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { decodePostHogBody } from '../../src/node/posthog-wire';
import { catalog, paid } from '../fixtures/storefront-catalog';

let receiver: Receiver;
afterEach(async () => {
  await receiver?.close();
});

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
    const overflow = stats.dropped.queue_overflow ?? 0;
    expect(overflow).toBeGreaterThan(0);
    expect(receiver.events.length + overflow).toBe(1000);
    expect(receiver.events.length).toBe(held);
    // Compressed: far more than the bound holds as JSON (each event is over 200 bytes of it).
    expect(held).toBeGreaterThan(bound / 200);
    expect(receiver.events.map((e) => e.properties.order_id)).toContain('o_999');
    expect(String(errors[0])).toMatch(/queue over 20000 bytes/);
    assertBooks(tracker.stats());
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
    // Two failed attempts, one outage: reported once, as retrying, nothing lost.
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ name: 'DeliveryError', destination: 'posthog', reason: 'http_503', retrying: true, count: 1 });
    assertBooks(tracker.stats());

    receiver.setFault(() => 500);
    const lost = createTracker(catalog, { posthog: { apiKey: 'phc_test', host: receiver.url, transport, ...fast, maxAttempts: 3 } });
    lost.track('checkout.start', { order_id: 'o_2', tier: 'pro', subtotal: 1, country: 'US' });
    await lost.flush();
    const stats = lost.stats().destinations.posthog;
    expect(stats).toMatchObject({ routed: 1, delivered: 0, pending: 0, dropped: { retries_exhausted: 1 } });
    await Promise.all([tracker.shutdown(500), lost.shutdown(500)]);
  });

  it('against a slow and failing server, the books match what arrived: nothing counted dropped arrives, everything counted delivered does', async () => {
    receiver = await startReceiver();
    const timeoutMs = 300;
    const uuidOf = (i: number) => `01900000-0000-7000-8000-${String(i).padStart(12, '0')}`;
    // A request holding one of these always fails (5xx, nothing kept): its events can only be dropped.
    const doomed = new Set([3, 28, 53, 78].map(uuidOf));
    // Every other request: first slow (kept at once, answered after the timeout), then 503, then accepted.
    const tries = new Map<string, number>();
    receiver.setFault((request) => {
      const uuids = decodePostHogBody(request.body, request.headers['content-type'], request.path).map((e) => String(e.uuid));
      if (uuids.some((uuid) => doomed.has(uuid))) return 500;
      const key = uuids.join();
      const attempt = (tries.get(key) ?? 0) + 1;
      tries.set(key, attempt);
      return attempt === 1 ? { answerAfterMs: timeoutMs * 4 } : attempt === 2 ? 503 : undefined;
    });
    // Each message's own outcome, from the public debug log.
    const outcomes = new Map<string, 'delivered' | 'dropped'>();
    const debug = (line: string) => {
      const settled = /^\[trackplan\] track \S+ (\S+): (\d) delivered, (\d) dropped$/.exec(line);
      if (settled) outcomes.set(settled[1], settled[2] === '1' ? 'delivered' : 'dropped');
    };
    const tracker = createTracker(catalog, {
      posthog: { apiKey: 'phc_test', host: receiver.url, transport, windowSize: 10, batchSize: 10, timeoutMs, maxAttempts: 6, retryBaseMs: 5, retryMaxMs: 20, flushIntervalMs: 10 },
      debug,
      onError: () => {},
    });
    const total = 100;
    for (let i = 0; i < total; i++) tracker.track('checkout.start', { order_id: `o_${i}`, tier: 'pro', subtotal: i, country: 'US' }, { distinctId: 'u', uuid: uuidOf(i) });
    await tracker.flush();
    await tracker.shutdown(2000);

    const arrived = new Set(receiver.events.map((e) => String(e.uuid)));
    const delivered = [...outcomes].filter(([, o]) => o === 'delivered').map(([uuid]) => uuid);
    const dropped = [...outcomes].filter(([, o]) => o === 'dropped').map(([uuid]) => uuid);
    const stats = tracker.stats().destinations.posthog;
    const droppedCount = Object.values(stats.dropped).reduce((a, b) => (a ?? 0) + (b ?? 0), 0)!;
    expect({ routed: stats.routed, settled: stats.delivered + droppedCount, pending: stats.pending, outcomes: outcomes.size }).toEqual({ routed: total, settled: total, pending: 0, outcomes: total });
    expect({ delivered: stats.delivered, dropped: droppedCount }).toEqual({ delivered: delivered.length, dropped: dropped.length });
    const countedDelivered = new Set(delivered);
    expect({
      droppedButArrived: dropped.filter((uuid) => arrived.has(uuid)).length,
      deliveredButMissing: delivered.filter((uuid) => !arrived.has(uuid)).length,
      arrivedNotCountedDelivered: [...arrived].filter((uuid) => !countedDelivered.has(uuid)).length,
    }).toEqual({ droppedButArrived: 0, deliveredButMissing: 0, arrivedNotCountedDelivered: 0 });
    // Both ways: the doomed requests were dropped, the slow-then-failing ones got through.
    for (const uuid of doomed) expect(outcomes.get(uuid)).toBe('dropped');
    expect(delivered.length).toBeGreaterThan(total / 2);
    expect(stats.dropped).toEqual({ retries_exhausted: dropped.length });
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

describe('PostHog destination through posthog-node: one owner per request', () => {
  it('a window refused as too large (413) is dropped whole, not split and sent by posthog-node behind the books', async () => {
    receiver = await startReceiver();
    receiver.setFault((request) => (decodePostHogBody(request.body, request.headers['content-type'], request.path).length > 5 ? 413 : undefined));
    const tracker = createTracker(catalog, { posthog: { apiKey: 'phc_test', host: receiver.url, windowSize: 20, ...fast }, onError: () => {} });
    for (let i = 0; i < 20; i++) tracker.track('checkout.start', { order_id: `o_${i}`, tier: 'pro', subtotal: i, country: 'US' }, { distinctId: 'u' });
    await tracker.flush();
    await tracker.shutdown(1000);
    expect({ arrived: receiver.events.length, ...tracker.stats().destinations.posthog }).toEqual({ arrived: 0, routed: 20, delivered: 0, dropped: { http_413: 20 }, pending: 0 });
  });

  it("refuses posthog-node settings that would give retries, timeouts or windows a second owner, and passes the others on", async () => {
    for (const key of ['fetchRetryCount', 'requestTimeout', 'fetch', 'maxQueueSize'])
      expect(() => createTracker(catalog, { posthog: { apiKey: 'phc_x', options: { [key]: 1 } } })).toThrowError(new RegExp(`options\\.${key} is trackplan's to set.*use the posthog`));
    receiver = await startReceiver();
    for (const options of [{}, { disableGeoip: false }]) {
      const tracker = createTracker(catalog, { posthog: { apiKey: 'phc_test', host: receiver.url, options } });
      tracker.track('checkout.start', { order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' }, { distinctId: 'u' });
      await tracker.shutdown(1000);
    }
    expect(receiver.events.map((e) => e.properties.$geoip_disable)).toEqual([true, undefined]);
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
