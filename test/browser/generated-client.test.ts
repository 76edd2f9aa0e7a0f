// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
// `trackplan/client` under the `browser` export condition: the call queue, with the tracker runtime
// behind import() (test/e2e/generated-client.e2e.test.ts runs the built one in Chromium).
import { createGeneratedClient } from '../../src/client/browser';
import { compileCatalog } from '../../schema/clients/storefront/index';
import type { BrowserTracker, BrowserTrackerOptions, GeneratedClient } from '../../src/browser/index';
import { memoryDestination } from '../../src/testing/index';

type Catalog = ReturnType<typeof compileCatalog>;
const newClient = (): GeneratedClient<Catalog, BrowserTracker<Catalog>, BrowserTrackerOptions> => createGeneratedClient(compileCatalog);
const order = { order_id: 'ord_1', tier: 'pro', subtotal: 58, country: 'US' };

beforeEach(() => localStorage.clear());

describe('generated client in the browser: the runtime loads at init()', () => {
  it('queues calls (at most 1000) until the runtime arrives; the overflow is counted and reported, the rest delivered', async () => {
    const client = newClient();
    const memory = memoryDestination();
    const errors: unknown[] = [];
    const before = Date.now();
    for (let i = 0; i < 1005; i++) client.track('checkout.start', { ...order, order_id: `ord_${i}` });
    expect(client.stats()).toMatchObject({ tracked: 1005, queued: 1000, dropped: { client_queue_overflow: 5 } });

    const ready = client.init({ destinations: [memory], onError: (e) => errors.push(e) });
    // The runtime is still on its way: nothing has run yet, and the overflow already reached onError.
    expect(client.stats().queued).toBe(1000);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/5 call\(s\).*client_queue_overflow/);

    await client.flush(); // waits for the runtime, then for delivery
    expect(memory.events).toHaveLength(1000);
    expect(memory.events[0].properties.order_id).toBe('ord_5'); // the oldest were the ones dropped
    // A queued event keeps the time it was tracked, not the time the runtime arrived.
    expect(Date.parse(memory.events[0].timestamp)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(memory.events[0].timestamp)).toBeGreaterThanOrEqual(before - 1000);
    const stats = client.stats();
    expect(stats).toMatchObject({ tracked: 1005, queued: 0, dropped: { client_queue_overflow: 5 } });
    expect(stats.destinations.memory).toMatchObject({ routed: 1000, delivered: 1000, pending: 0 });

    const tracker = await ready;
    expect(typeof tracker.getDistinctId()).toBe('string');
    expect(await client.init()).toBe(tracker); // a second init() is the same tracker
    client.track('checkout.start', order); // now straight to the tracker
    await client.flush();
    expect(memory.events).toHaveLength(1001);
    expect(errors).toHaveLength(1);
    // The same options again are fine; different ones are reported, and the first tracker is kept.
    const sameOptions = client.init({ destinations: [memory], onError: (e) => errors.push(e) });
    expect(errors).toHaveLength(1);
    expect(await client.init({ destinations: [memory], consent: 'denied', onError: (e) => errors.push(e) })).toBe(tracker);
    expect(await sameOptions).toBe(tracker);
    expect(errors).toHaveLength(2);
    expect(String(errors[1])).toMatch(/init\(\) was called again with different options/);
  });

  it('identify, group and track keep their order across the wait', async () => {
    const client = newClient();
    const memory = memoryDestination();
    client.identify('user_9', { role: 'admin' });
    client.group('organization', 'org_1', { plan: 'pro' });
    client.track('checkout.start', order);
    void client.init({ destinations: [memory] });
    await client.flush();
    expect(memory.messages.map((m) => m.type)).toEqual(['identify', 'groupIdentify', 'track']);
    expect(memory.events[0].distinct_id).toBe('user_9');
  });

  it('a configuration mistake rejects init() and reaches onError; the queued calls wait for the next init()', async () => {
    const client = newClient();
    const memory = memoryDestination();
    const errors: unknown[] = [];
    client.track('checkout.start', order);
    await expect(client.init({ consent: 'maybe' as never, onError: (e) => errors.push(e) })).rejects.toThrow(/consent must be/);
    expect(errors).toHaveLength(1);
    expect(client.stats()).toMatchObject({ tracked: 1, queued: 1 });
    await client.flush(); // no tracker: nothing to wait for
    await client.init({ destinations: [memory] });
    await client.flush();
    expect(memory.events.map((e) => e.event)).toEqual(['checkout.start']);
  });

  it('shutdown() right after init() waits for the runtime and delivers what was queued', async () => {
    const client = newClient();
    const memory = memoryDestination();
    client.track('checkout.start', order);
    void client.init({ destinations: [memory] });
    await client.shutdown(5000);
    expect(memory.events).toHaveLength(1);
    client.track('checkout.start', order);
    expect(client.stats()).toMatchObject({ tracked: 2, queued: 0, dropped: { shutdown: 1 } });
  });

  it('shutdown() without init() counts what waited as dropped, never silently', async () => {
    const client = newClient();
    client.track('checkout.start', order);
    client.track('checkout.start', order);
    await client.shutdown();
    client.track('checkout.start', order);
    expect(client.stats()).toMatchObject({ tracked: 3, queued: 0, dropped: { shutdown: 3 } });
  });
});
