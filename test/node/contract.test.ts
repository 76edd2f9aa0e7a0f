import { describe, expect, it } from 'vitest';
import { createTracker, TrackplanConfigError, type NodeTracker, type NodeTrackerOptions } from '../../src/node/index';
import { createGeneratedClient } from '../../src/client/index';
import { memoryDestination } from '../../src/testing/index';
import { catalog, paid } from '../fixtures/storefront-catalog';
import { compileCatalog } from '../../schema/clients/storefront/index';

const start = { order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' };

describe('node tracker: the shared Tracker contract', () => {
  it('optOut() drops and counts every later message (opted_out) until optIn()', async () => {
    const memory = memoryDestination();
    const tracker = createTracker(catalog, { destinations: [memory] });
    expect(tracker.isOptedOut()).toBe(false);
    tracker.optOut();
    expect(tracker.isOptedOut()).toBe(true);
    tracker.track('order.paid', paid, { distinctId: 'u1' });
    tracker.identify('u1', { role: 'admin' });
    tracker.optIn();
    tracker.track('checkout.start', start, { distinctId: 'u1' });
    await tracker.flush();
    expect(memory.events.map((e) => e.event)).toEqual(['checkout.start']);
    expect(tracker.stats()).toMatchObject({ tracked: 3, dropped: { opted_out: 2 } });
  });

  it('tracker defaults (distinctId, groups) apply under the call and the request context; reset() clears them', async () => {
    const memory = memoryDestination();
    const tracker = createTracker(catalog, { destinations: [memory], distinctId: 'system', groups: { organization: 'org_1' } });
    tracker.track('checkout.start', start);
    tracker.withContext({ distinctId: 'ctx' }, () => tracker.track('checkout.start', start));
    tracker.track('checkout.start', start, { distinctId: 'call', groups: { organization: 'org_2' } });
    tracker.reset();
    tracker.track('checkout.start', start, { distinctId: 'after' });
    await tracker.flush();
    expect(memory.events.map((e) => [e.distinct_id, e.groups])).toEqual([
      ['system', { organization: 'org_1' }],
      ['ctx', { organization: 'org_1' }],
      ['call', { organization: 'org_2' }],
      ['after', {}],
    ]);
  });

  it('group() takes the person from its options, else the context; groupIdentify is the same method (deprecated)', async () => {
    const memory = memoryDestination();
    const tracker = createTracker(catalog, { destinations: [memory] });
    tracker.group('organization', 'org_1', { plan: 'pro' }, { distinctId: 'u1' });
    tracker.withContext({ distinctId: 'u2' }, () => tracker.groupIdentify('organization', 'org_2', { plan: 'trial' }));
    await tracker.flush();
    expect(memory.messages.map((m) => (m.type === 'groupIdentify' ? [m.groupKey, m.distinctId] : null))).toEqual([
      ['org_1', 'u1'],
      ['org_2', 'u2'],
    ]);
  });

  it('withContext is scoped to its tracker: another tracker does not see it', async () => {
    const a = memoryDestination();
    const b = memoryDestination();
    const first = createTracker(catalog, { destinations: [a] });
    const second = createTracker(catalog, { destinations: [b] });
    first.withContext({ distinctId: 'only-first' }, () => {
      first.track('checkout.start', start);
      second.track('checkout.start', start, { distinctId: 'own' });
    });
    await Promise.all([first.flush(), second.flush()]);
    expect(a.events[0].distinct_id).toBe('only-first');
    expect(b.events[0].distinct_id).toBe('own');
  });

  it('bad defaults are configuration errors that name the option', () => {
    expect(() => createTracker(catalog, { distinctId: '' })).toThrow(TrackplanConfigError);
    expect(() => createTracker(catalog, { distinctId: '' })).toThrow(/distinctId/);
    expect(() => createTracker(catalog, { groups: { organization: 1 as never } })).toThrow(/groups/);
  });
});

describe('generated client on Node: init() always returns a promise', () => {
  it('a configuration mistake rejects init() and reaches onError; it does not throw', async () => {
    const client = createGeneratedClient<ReturnType<typeof compileCatalog>, NodeTracker<ReturnType<typeof compileCatalog>>, NodeTrackerOptions>(compileCatalog);
    const errors: unknown[] = [];
    let result: Promise<unknown> | undefined;
    expect(() => (result = client.init({ validation: 'nope' as never, onError: (e) => errors.push(e) }))).not.toThrow();
    await expect(result).rejects.toThrow(/validation must be/);
    expect(errors).toHaveLength(1);
    // After a failure init() tries again.
    const memory = memoryDestination();
    const tracker = await client.init({ destinations: [memory] });
    client.track('checkout.start', start, { distinctId: 'u' });
    client.optOut();
    expect(client.isOptedOut()).toBe(true);
    client.track('checkout.start', start, { distinctId: 'u' });
    await client.flush();
    expect(memory.events).toHaveLength(1);
    expect(tracker.stats().dropped).toEqual({ opted_out: 1 });
  });
});
