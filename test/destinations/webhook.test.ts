import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTracker, verifyWebhookSignature, signWebhookBody, type TrackerStats } from '../../src/node/index';
import { assertBooks } from '../../src/testing/index';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { catalog, paid } from '../fixtures/storefront-catalog';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const fast = { retryBaseMs: 5, retryMaxMs: 100, flushIntervalMs: 20 };
const start = (i: number) => ({ order_id: `o_${i}`, tier: 'pro', subtotal: i, country: 'US' });

/** Every message sent reached the webhook's books, and they balance. */
function books(stats: TrackerStats, sent: number) {
  expect(stats.destinations.webhook.routed).toBe(sent);
  assertBooks(stats);
}

describe('webhook destination: envelope, batching and signature', () => {
  it('posts BatchTrack envelopes with every field present, null when unknown, signed', async () => {
    receiver = await startReceiver();
    const tracker = createTracker(catalog, { webhook: { url: `${receiver.url}/webhook`, secret: 'whsec_1', ...fast }, source: 'billing' });
    tracker.track('order.paid', paid, { distinctId: 'user_1', groups: { organization: 'org_9' }, correlationId: 'req_1', entity: { type: 'order', id: 'o_1' } });
    tracker.track('support.contacted', { topic: 'refund' });
    tracker.identify('user_1', { role: 'admin' });
    await tracker.flush();
    const [first, second] = receiver.webhookEvents();
    expect(first).toMatchObject({
      event_name: 'order.paid', organization_id: 'org_9', user_id: 'user_1', entity_type: 'order', entity_id: 'o_1',
      correlation_id: 'req_1', source: 'billing', schema_version: 2, properties: paid,
    });
    expect(first.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).toMatchObject({ event_name: 'support.contacted', organization_id: null, user_id: null, entity_type: null, entity_id: null, correlation_id: null });
    for (const key of ['event_name', 'occurred_at', 'organization_id', 'groups', 'user_id', 'entity_type', 'entity_id', 'correlation_id', 'source', 'schema_version', 'properties', 'uuid'])
      expect(second).toHaveProperty(key);
    const batch = receiver.webhookBatches[0];
    expect(verifyWebhookSignature(batch.raw, batch.headers['x-trackplan-signature'] as string, 'whsec_1')).toBe(true);
    expect(tracker.stats().dropped).toEqual({ no_destination: 1 }); // identify does not go to webhooks
    await tracker.shutdown(500);
  });

  it('carries every group the event belongs to, not only the organization; {} when none', async () => {
    receiver = await startReceiver();
    const tracker = createTracker(catalog, { webhook: { url: `${receiver.url}/webhook`, ...fast }, groups: { workspace: 'ws_1' } });
    tracker.track('checkout.start', start(1), { groups: { organization: 'org_9', team: 't_1' } });
    await tracker.flush();
    const untracked = createTracker(catalog, { webhook: { url: `${receiver.url}/webhook`, ...fast } });
    untracked.track('checkout.start', start(2));
    await untracked.flush();
    const [grouped, alone] = receiver.webhookEvents();
    expect(grouped.groups).toEqual({ workspace: 'ws_1', organization: 'org_9', team: 't_1' });
    expect(grouped.organization_id).toBe('org_9');
    expect(alone.groups).toEqual({});
  });

  it('takes organization_id from an organization_id property when there is no organization group', async () => {
    receiver = await startReceiver();
    const tracker = createTracker(catalog, { webhook: { url: `${receiver.url}/webhook`, ...fast } });
    tracker.track('checkout.start', start(1), { groups: { team: 't' } });
    await tracker.flush();
    expect(receiver.webhookEvents()[0].organization_id).toBeNull();
  });

  it('batches a burst: 5,000 events in ceil(5000/500) requests', async () => {
    receiver = await startReceiver();
    const tracker = createTracker(catalog, { webhook: { url: `${receiver.url}/webhook`, ...fast } });
    for (let i = 0; i < 5000; i++) tracker.track('checkout.start', start(i));
    await tracker.flush();
    expect(receiver.webhookEvents()).toHaveLength(5000);
    expect(receiver.requests.length).toBe(10);
    books(tracker.stats(), 5000);
  });
});

describe('webhook destination: faults, nothing lost', () => {
  it('500 then 200: delivered once retried', async () => {
    receiver = await startReceiver();
    receiver.setFault((_r, i) => (i === 0 ? 500 : undefined));
    const errors: unknown[] = [];
    const tracker = createTracker(catalog, { webhook: { url: `${receiver.url}/webhook`, ...fast }, onError: (e) => errors.push(e) });
    for (let i = 0; i < 3; i++) tracker.track('checkout.start', start(i));
    await tracker.flush();
    expect(receiver.webhookEvents()).toHaveLength(3);
    expect(receiver.requests).toHaveLength(2);
    expect(String(errors[0])).toMatch(/HTTP 500/);
    books(tracker.stats(), 3);
  });

  it('429 with Retry-After: waits about that long before the retry', async () => {
    receiver = await startReceiver();
    receiver.setFault((_r, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : undefined));
    const tracker = createTracker(catalog, { webhook: { url: `${receiver.url}/webhook`, ...fast, retryMaxMs: 5000 } });
    tracker.track('checkout.start', start(1));
    await tracker.flush();
    const [first, second] = receiver.requests;
    expect(second.at - first.at).toBeGreaterThanOrEqual(950);
    expect(receiver.webhookEvents()).toHaveLength(1);
    books(tracker.stats(), 1);
  });

  it('connection refused, then the receiver comes up on that port: delivered', async () => {
    const port = await freePort();
    const tracker = createTracker(catalog, { webhook: { url: `http://127.0.0.1:${port}/webhook`, ...fast, retryBaseMs: 50, retryMaxMs: 200, maxAttempts: 50 } });
    const errors: unknown[] = [];
    const withErrors = createTracker(catalog, { webhook: { url: `http://127.0.0.1:${port}/webhook`, ...fast, retryBaseMs: 50, retryMaxMs: 200, maxAttempts: 50 }, onError: (e) => errors.push(e) });
    tracker.track('checkout.start', start(1));
    withErrors.track('checkout.start', start(2));
    const flushed = Promise.all([tracker.flush(), withErrors.flush()]);
    // The first failed attempt is reported (once for the outage); the receiver comes up after it.
    await waitUntil(() => errors.length >= 1, 5000);
    receiver = await startReceiver({ port });
    await flushed;
    expect(receiver.webhookEvents().map((e) => e.properties.order_id).sort()).toEqual(['o_1', 'o_2']);
    books(tracker.stats(), 1);
  });

  it('a receiver that does not answer: the request times out and is retried', async () => {
    receiver = await startReceiver();
    receiver.setFault((_r, i) => (i === 0 ? 'hang' : undefined));
    const tracker = createTracker(catalog, { webhook: { url: `${receiver.url}/webhook`, ...fast, timeoutMs: 200 } });
    tracker.track('checkout.start', start(1));
    await tracker.flush();
    expect(receiver.webhookEvents()).toHaveLength(1);
    expect(tracker.stats().destinations.webhook).toMatchObject({ delivered: 1, pending: 0 });
  });

  it('400: dropped at once without retry, counted and reported', async () => {
    receiver = await startReceiver();
    receiver.setFault(() => 400);
    const errors: unknown[] = [];
    const tracker = createTracker(catalog, { webhook: { url: `${receiver.url}/webhook`, ...fast }, onError: (e) => errors.push(e) });
    tracker.track('checkout.start', start(1));
    await tracker.flush();
    expect(receiver.requests).toHaveLength(1);
    expect(tracker.stats().destinations.webhook.dropped).toEqual({ http_400: 1 });
    expect(errors).toHaveLength(1);
  });

  it('overflow drops the oldest and counts it', async () => {
    receiver = await startReceiver();
    const tracker = createTracker(catalog, { webhook: { url: `${receiver.url}/webhook`, ...fast, maxQueueBytes: 2000 } });
    for (let i = 0; i < 100; i++) tracker.track('checkout.start', start(i));
    await tracker.flush();
    const stats = tracker.stats();
    const arrived = receiver.webhookEvents().map((e) => e.properties.order_id);
    expect(stats.destinations.webhook.dropped.queue_overflow).toBeGreaterThan(0);
    expect(arrived.length + stats.destinations.webhook.dropped.queue_overflow!).toBe(100);
    expect(arrived).toContain('o_99'); // the newest survive
    books(stats, 100);
  });

  it('overflow drops whole oldest batches, each reported through onError; compressed batches count their compressed bytes', async () => {
    receiver = await startReceiver();
    const errors: unknown[] = [];
    const bound = 20_000;
    const tracker = createTracker(catalog, { webhook: { url: `${receiver.url}/webhook`, ...fast, maxQueueBytes: bound }, onError: (e) => errors.push(e) });
    for (let i = 0; i < 1000; i++) tracker.track('checkout.start', start(i));
    const queued = tracker.stats().destinations.webhook;
    await tracker.flush();
    const stats = tracker.stats();
    const arrived = receiver.webhookEvents();
    const rawBytes = receiver.webhookBatches.reduce((sum, batch) => sum + batch.raw.length, 0);
    const overflow = stats.destinations.webhook.dropped.queue_overflow ?? 0;
    expect(overflow).toBeGreaterThan(0);
    expect(arrived.length + overflow).toBe(1000);
    expect(arrived.map((e) => e.properties.order_id)).toContain('o_999');
    // Held compressed: more arrived than the bound could hold as raw JSON.
    expect(queued.pending).toBe(arrived.length);
    expect(rawBytes).toBeGreaterThan(2 * bound);
    // One report per dropped batch, not one per event, and never fewer reports than drops of batches.
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThan(overflow);
    expect(String(errors[0])).toMatch(/queue over 20000 bytes/);
    books(stats, 1000);
  });

  it('a batch held compressed through retries arrives as the same plain JSON body, signed', async () => {
    receiver = await startReceiver();
    receiver.setFault((_r, i) => (i < 2 ? 503 : undefined));
    const tracker = createTracker(catalog, { webhook: { url: `${receiver.url}/webhook`, secret: 'whsec_2', ...fast } });
    for (let i = 0; i < 50; i++) tracker.track('checkout.start', start(i));
    await tracker.flush();
    const [first, second, third] = receiver.requests;
    expect(receiver.requests).toHaveLength(3);
    expect(second.body.equals(first.body)).toBe(true);
    expect(third.body.equals(first.body)).toBe(true);
    const batch = receiver.webhookBatches[0];
    expect(batch.headers['content-encoding']).toBeUndefined();
    expect(batch.headers['content-type']).toBe('application/json');
    expect(batch.events.map((e) => e.properties.order_id)).toEqual(Array.from({ length: 50 }, (_, i) => `o_${i}`));
    expect(verifyWebhookSignature(batch.raw, batch.headers['x-trackplan-signature'] as string, 'whsec_2')).toBe(true);
    books(tracker.stats(), 50);
  });

  it('the default 64 MiB bound holds a 200,000-event burst whose JSON is larger than 64 MiB; all of it arrives', async () => {
    receiver = await startReceiver();
    const tracker = createTracker(catalog, { webhook: { url: `${receiver.url}/webhook`, ...fast } });
    const skus = ['TSHIRT-BLK-XL', 'TSHIRT-WHT-M', 'HOODIE-GRY-L', 'CAP-NVY', 'SOCKS-RED-3PK'];
    const burst = 200_000;
    for (let i = 0; i < burst; i++) tracker.track('order.paid', { ...paid, order_id: `ord_${i}`, skus }, { distinctId: `user_${i % 1000}` });
    // Nothing could leave during the loop: the whole burst is held, nothing dropped.
    expect(tracker.stats().destinations.webhook).toMatchObject({ routed: burst, pending: burst, dropped: {} });
    await tracker.flush();
    const rawBytes = receiver.webhookBatches.reduce((sum, batch) => sum + batch.raw.length, 0);
    expect(rawBytes).toBeGreaterThan(64 * 1024 * 1024);
    expect(receiver.webhookBatches.reduce((sum, batch) => sum + batch.events.length, 0)).toBe(burst);
    expect(tracker.stats().destinations.webhook).toMatchObject({ routed: burst, delivered: burst, pending: 0, dropped: {} });
  }, 120_000);

  it('shutdown(100) against a receiver that never answers resolves in time and counts shutdown_timeout', async () => {
    receiver = await startReceiver();
    receiver.setFault(() => 'hang');
    const tracker = createTracker(catalog, { webhook: { url: `${receiver.url}/webhook`, ...fast } });
    for (let i = 0; i < 10; i++) tracker.track('checkout.start', start(i));
    const started = Date.now();
    await tracker.shutdown(100);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(tracker.stats().destinations.webhook).toMatchObject({ routed: 10, delivered: 0, pending: 0, dropped: { shutdown_timeout: 10 } });
  });
});

describe('verifyWebhookSignature', () => {
  const body = '{"events":[]}';
  it('accepts a fresh signature and rejects everything else', () => {
    const header = signWebhookBody(body, 's3cret');
    expect(verifyWebhookSignature(body, header, 's3cret')).toBe(true);
    expect(verifyWebhookSignature(body + ' ', header, 's3cret')).toBe(false);
    expect(verifyWebhookSignature(body, header, 'other')).toBe(false);
    expect(verifyWebhookSignature(body, signWebhookBody(body, 's3cret', Math.floor(Date.now() / 1000) - 3600), 's3cret')).toBe(false);
    expect(verifyWebhookSignature(body, signWebhookBody(body, 's3cret', Math.floor(Date.now() / 1000) - 3600), 's3cret', 7200)).toBe(true);
    for (const bad of [undefined, null, '', 'garbage', 't=1', 'v1=abc', `t=x,v1=${'0'.repeat(64)}`]) expect(verifyWebhookSignature(body, bad, 's3cret')).toBe(false);
  });
  it('refuses a header over 8 KB unread, and still verifies a valid one up to 8 KB', () => {
    const header = signWebhookBody(body, 's3cret');
    // Unknown parts are ignored, so padding keeps a header valid: only its length decides.
    const padded = (length: number) => `${header},pad=${'x'.repeat(length - header.length - 5)}`;
    expect(padded(8 * 1024)).toHaveLength(8 * 1024);
    expect(verifyWebhookSignature(body, padded(8 * 1024), 's3cret')).toBe(true);
    expect(verifyWebhookSignature(body, padded(8 * 1024 + 1), 's3cret')).toBe(false);

    const huge = `${header},${'v1=,'.repeat(2_500_000)}`; // 10 MB of parts to split and match
    const started = performance.now();
    expect(verifyWebhookSignature(body, huge, 's3cret')).toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
  });
  it('refuses a configuration mistake at start-up', () => {
    expect(() => createTracker(catalog, { webhook: { url: 'not a url' } })).toThrowError(/webhook\] url must be an http\(s\) URL/);
    expect(() => createTracker(catalog, { webhook: { url: 'http://x', secret: '' } })).toThrowError(/secret/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntil(predicate: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
