import { describe, expect, it } from 'vitest';
import { assertBooks, createTestTracker } from '../../src/testing/index';
import type { TrackerStats } from '../../src/node/index';
import { catalog, paid } from '../fixtures/storefront-catalog';

describe('createTestTracker (Node runtime by default)', () => {
  it('records the delivered envelopes, and expectTracked finds an event by a part of its properties', async () => {
    const { tracker, events, expectTracked } = createTestTracker(catalog, { source: 'checkout-service' });
    tracker.track('checkout.start', { order_id: 'o_1', tier: 'pro', subtotal: 58, country: 'US' }, { distinctId: 'user_1' });
    tracker.track('signup_page_viewed', { referrer: 'pricing' }, { distinctId: 'user_1' });
    await tracker.flush();
    expect(events.map((e) => e.event)).toEqual(['checkout.start', 'signup_page_viewed']);
    const found = expectTracked('checkout.start', { subtotal: 58 });
    expect(found).toMatchObject({ distinct_id: 'user_1', source: 'checkout-service' });
    expectTracked('signup_page_viewed');
    assertBooks(tracker);
  });

  it('records events the catalog routes to named destinations only (order.paid goes to posthog and webhook), once each', async () => {
    const { tracker, events, messages, expectTracked } = createTestTracker(catalog);
    tracker.track('order.paid', paid, { distinctId: 'user_1' });
    tracker.identify('user_1', { role: 'admin' });
    await tracker.flush();
    expect(events).toHaveLength(1);
    expect(messages.map((m) => m.type)).toEqual(['track', 'identify']);
    expectTracked('order.paid', { amount: 49.99, skus: ['TSHIRT-BLK-XL', 'MUG-WHT'] });
    expect(tracker.stats().dropped).toEqual({});
  });

  it('expectTracked throws a readable plain Error listing what was tracked and why it did not match', () => {
    const { tracker, expectTracked } = createTestTracker(catalog);
    tracker.track('checkout.start', { order_id: 'o_1', tier: 'pro', subtotal: 58, country: 'US' }, { distinctId: 'u' });
    tracker.track('signup_page_viewed', {}, { distinctId: 'u' });
    let error: Error | undefined;
    try {
      expectTracked('checkout.start', { subtotal: 60 });
    } catch (caught) {
      error = caught as Error;
    }
    expect(error?.constructor).toBe(Error);
    expect(error?.message).toBe(
      [
        '[trackplan] [testing] expected "checkout.start" to be tracked with {"subtotal":60}, but it was not.',
        'Tracked (2):',
        '  1. checkout.start {"order_id":"o_1","tier":"pro","subtotal":58,"country":"US"}   <- subtotal: expected 60, got 58',
        '  2. signup_page_viewed {}',
      ].join('\n'),
    );
  });

  it('an event dropped as invalid is not tracked, and the error shows its violation', () => {
    const { tracker, expectTracked, violations } = createTestTracker(catalog, { validation: 'drop' });
    tracker.track('checkout.start', { order_id: 'o_1', tier: 'pro', subtotal: 'lots' as unknown as number, country: 'US' }, { distinctId: 'u' });
    expect(violations).toHaveLength(1);
    expect(() => expectTracked('checkout.start')).toThrow(/Tracked: nothing\.\nViolations of "checkout.start" \(1\):\n {2}- invalid_properties at subtotal: .* \(dropped\)/);
  });

  it('keeps the options the user passed: their onViolation is still called, validation: throw still throws', () => {
    const seen: string[] = [];
    const { tracker, violations } = createTestTracker(catalog, { onViolation: (v) => seen.push(v.kind), validation: 'throw' });
    expect(() => tracker.track('checkout.start', { order_id: 'o_1' } as never, { distinctId: 'u' })).toThrow(/subtotal/);
    expect(seen).toEqual(['invalid_properties', 'invalid_properties', 'invalid_properties']); // tier, subtotal, country
    expect(violations.map((v) => v.kind)).toEqual(seen);
  });

  it('clear() forgets what was recorded', () => {
    const { tracker, events, clear } = createTestTracker(catalog);
    tracker.track('onboarding_completed', undefined, { distinctId: 'u' });
    expect(events).toHaveLength(1);
    clear();
    expect(events).toHaveLength(0);
  });

  it('types expectTracked against the catalog', () => {
    const { expectTracked, tracker } = createTestTracker(catalog);
    tracker.track('onboarding_completed', undefined, { distinctId: 'u' });
    tracker.track('checkout.start', { order_id: 'o_1', tier: 'pro', subtotal: 1, country: 'US' }, { distinctId: 'u' });
    expectTracked('checkout.start', { tier: 'pro' });
    // @ts-expect-error not an event of the catalog
    expect(() => expectTracked('checkout.started')).toThrow(/"checkout.started"/);
    // @ts-expect-error subtotal is a number
    expect(() => expectTracked('checkout.start', { subtotal: '1' })).toThrow();
    // @ts-expect-error checkout.start has no property "amount"
    expect(() => expectTracked('checkout.start', { amount: 1 })).toThrow();
    // @ts-expect-error the Node tracker has no setConsent (that is the browser runtime's)
    void tracker.setConsent;
  });
});

describe('assertBooks', () => {
  const stats = (webhook: Partial<TrackerStats['destinations'][string]>): TrackerStats => ({
    tracked: 3,
    dropped: {},
    violations: 0,
    redactions: 0,
    destinations: {
      posthog: { routed: 3, delivered: 3, dropped: {}, pending: 0 },
      webhook: { routed: 3, delivered: 1, dropped: { http_400: 1 }, pending: 1, ...webhook },
    },
  });

  it('passes when routed == delivered + dropped + pending for every destination', () => {
    expect(() => assertBooks(stats({}))).not.toThrow();
    expect(() => assertBooks({ stats: () => stats({}) })).not.toThrow();
  });

  it('throws a plain Error naming the destination and its numbers when a message is lost or counted twice', () => {
    expect(() => assertBooks(stats({ pending: 0 }))).toThrow(
      '[trackplan] [testing] the books do not balance (routed must equal delivered + dropped + pending): a message was lost or counted twice:\n  "webhook": routed 3 != delivered 1 + dropped 1 (http_400: 1) + pending 0 = 2',
    );
    expect(() => assertBooks(stats({ delivered: 2 }))).toThrow(/"webhook": routed 3 != delivered 2 \+ dropped 1 \(http_400: 1\) \+ pending 1 = 4/);
  });

  it('says what it wanted when given something else', () => {
    expect(() => assertBooks({} as TrackerStats)).toThrow(/expected tracker.stats\(\)/);
  });
});
