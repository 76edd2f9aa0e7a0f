import { describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../src/node/index';
import { assertBooks, memoryDestination } from '../../src/testing/index';
import { catalog, paid } from '../fixtures/storefront-catalog';

function setup(options: Parameters<typeof createTracker>[1] = {}) {
  const posthog = memoryDestination({ name: 'posthog' });
  const webhook = memoryDestination({ name: 'webhook', accepts: ['track'] });
  const violations: import('../../src/node/index').Violation[] = [];
  const errors: unknown[] = [];
  const tracker = createTracker(catalog, {
    destinations: [posthog, webhook],
    onViolation: (v) => violations.push(v),
    onError: (e) => errors.push(e),
    ...options,
  });
  return { tracker, posthog, webhook, violations, errors };
}

describe('node tracker: envelope and routing', () => {
  it('builds one envelope with one uuid for every destination', async () => {
    const { tracker, posthog, webhook } = setup({ source: 'billing-service' });
    tracker.track('order.paid', paid, { distinctId: 'user_123', groups: { organization: 'org_456' }, correlationId: 'req_1', entity: { type: 'order', id: 'o_1' } });
    await tracker.flush();
    expect(posthog.events).toHaveLength(1);
    const [event] = posthog.events;
    expect(webhook.events[0]).toBe(event);
    expect(event).toMatchObject({
      event: 'order.paid',
      distinct_id: 'user_123',
      groups: { organization: 'org_456' },
      schema_version: 2,
      catalog: { name: 'storefront', version: 3 },
      source: 'billing-service',
      correlation_id: 'req_1',
      entity: { type: 'order', id: 'o_1' },
      library: { name: 'trackplan' },
      revenue: { amount: 49.99, currency: 'USD' },
      properties: paid,
    });
    expect(event.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(event.timestamp).toISOString()).toBe(event.timestamp);
  });

  it('reuses a given uuid and timestamp, and sends each event only where it is routed', async () => {
    const ga4 = memoryDestination({ name: 'ga4' });
    const { tracker, posthog } = setup({ destinations: [memoryDestination({ name: 'posthog' }), ga4] });
    tracker.track('order.paid', paid, { uuid: '0190a7e8-0000-7000-8000-000000000001', timestamp: 1732212345678 });
    tracker.track('checkout.start', { order_id: 'o', tier: 'pro', subtotal: 10, country: 'US' });
    await tracker.flush();
    expect(ga4.events.map((e) => e.event)).toEqual(['checkout.start']);
    void posthog;
    const stats = tracker.stats();
    expect(stats.destinations.posthog.routed).toBe(2);
    expect(stats.destinations.ga4.routed).toBe(1);
    assertBooks(stats);
  });

  it('routes identify, alias and group only to destinations that accept them', async () => {
    const { tracker, posthog, webhook } = setup();
    tracker.identify('user_123', { role: 'admin' }, { setOnce: { teams_count: 1 } });
    tracker.alias('user_123', 'anon_abc');
    tracker.groupIdentify('organization', 'org_456', { plan: 'pro' });
    await tracker.flush();
    expect(posthog.messages.map((m) => m.type)).toEqual(['identify', 'alias', 'groupIdentify']);
    expect(posthog.messages[0]).toMatchObject({ distinctId: 'user_123', set: { role: 'admin' }, setOnce: { teams_count: 1 } });
    expect(webhook.messages).toHaveLength(0);
    expect(tracker.stats().tracked).toBe(3);
  });
});

describe('node tracker: validation modes', () => {
  it('report: delivers an invalid event, removes unknown properties and reports both', async () => {
    const { tracker, posthog, violations } = setup();
    tracker.track('order.paid', { ...paid, amount: 'lots', coupon: 'X' } as never, { distinctId: 'u' });
    await tracker.flush();
    expect(posthog.events).toHaveLength(1);
    expect(posthog.events[0].properties).not.toHaveProperty('coupon');
    expect(violations.map((v) => [v.kind, v.path])).toEqual(
      expect.arrayContaining([
        ['invalid_properties', 'amount'],
        ['unknown_properties', 'coupon'],
      ]),
    );
    expect(tracker.stats().violations).toBeGreaterThanOrEqual(2);
  });

  it('drop: an invalid event is not delivered and is counted as invalid', async () => {
    const { tracker, posthog } = setup({ validation: 'drop' });
    tracker.track('order.paid', { ...paid, item_count: 1.5 });
    tracker.track('order.paid', paid);
    await tracker.flush();
    expect(posthog.events).toHaveLength(1);
    expect(tracker.stats()).toMatchObject({ tracked: 2, dropped: { invalid: 1 } });
  });

  it('throw: throws a CatalogViolationError naming the event and property', () => {
    const { tracker } = setup({ validation: 'throw' });
    expect(() => tracker.track('order.paid', { ...paid, item_count: 'two' } as never)).toThrowError(/order\.paid.*item_count|item_count/);
    expect(() => tracker.track('nope' as never, {} as never)).toThrowError(/not an event/);
    expect(() => tracker.track('order.paid', paid)).not.toThrow();
  });

  it('never delivers an unknown event name: dropped as unknown_event and reported', async () => {
    const { tracker, posthog, violations } = setup();
    tracker.track('order.refunded' as never, {} as never);
    await tracker.flush();
    expect(posthog.events).toHaveLength(0);
    expect(tracker.stats().dropped).toEqual({ unknown_event: 1 });
    expect(violations[0]).toMatchObject({ kind: 'unknown_event', event: 'order.refunded', action: 'dropped' });
  });

  it('validates traits against the person schema and group properties against the group schema', async () => {
    const { tracker, violations } = setup({ validation: 'drop' });
    tracker.identify('u1', { role: 'owner' } as never);
    tracker.groupIdentify('organization', 'org_1', { plan: 'enterprise' } as never);
    tracker.groupIdentify('team' as never, 't1', {} as never);
    await tracker.flush();
    expect(tracker.stats().dropped).toEqual({ invalid: 3 });
    expect(violations.map((v) => v.kind)).toEqual(['invalid_traits', 'invalid_group_properties', 'unknown_group_type']);
  });
});

describe('node tracker: never throws into the host', () => {
  const hostile: unknown[] = [
    null,
    undefined,
    'a string',
    42,
    [1, 2],
    Object.defineProperty({}, 'order_id', { enumerable: true, get() { throw new Error('getter'); } }),
    (() => { const o: Record<string, unknown> = { ...paid }; o.self = o; return o; })(),
    new Proxy({}, { ownKeys() { throw new Error('proxy'); } }),
  ];
  it.each(hostile.map((value, i) => [i, value]))('input #%s', async (_i, value) => {
    const { tracker } = setup();
    expect(() => tracker.track('order.paid', value as never, value as never)).not.toThrow();
    expect(() => tracker.identify(value as never, value as never)).not.toThrow();
    expect(() => tracker.alias(value as never, value as never)).not.toThrow();
    expect(() => tracker.groupIdentify(value as never, value as never, value as never)).not.toThrow();
    await tracker.flush();
    const stats = tracker.stats();
    expect(stats.tracked).toBe(4);
    assertBooks(stats);
  });

  it('a throwing onViolation or onError callback does not reach the caller', async () => {
    const { tracker } = setup({ onViolation: () => { throw new Error('x'); }, onError: () => { throw new Error('y'); } });
    expect(() => tracker.track('order.paid', { nope: true } as never)).not.toThrow();
    await tracker.flush();
  });

  it('a destination that throws or rejects is counted, reported and isolated', async () => {
    const errors: unknown[] = [];
    const good = memoryDestination({ name: 'good' });
    const tracker = createTracker(catalog, {
      onError: (e) => errors.push(e),
      destinations: [
        () => ({ name: 'bad', send() { throw new Error('boom'); }, pending: () => 0, flush: async () => {}, shutdown: async () => {} }),
        good,
      ],
    });
    tracker.track('checkout.start', { order_id: 'o', tier: 't', subtotal: 1, country: 'US' });
    await tracker.flush();
    expect(good.events).toHaveLength(1);
    expect(tracker.stats().destinations.bad).toMatchObject({ routed: 1, delivered: 0, dropped: { destination_error: 1 } });
    expect(errors).toHaveLength(1);
  });
});

describe('node tracker: accounting', () => {
  it('counts every message once and keeps both identities', async () => {
    const failing = memoryDestination({ name: 'posthog', fail: (m) => (m.type === 'track' && m.envelope.properties.tier === 'x' ? 'http_400' : undefined) });
    const tracker = createTracker(catalog, { destinations: [failing], validation: 'drop' });
    tracker.track('checkout.start', { order_id: 'o', tier: 'x', subtotal: 1, country: 'US' });
    tracker.track('checkout.start', { order_id: 'o', tier: 'y', subtotal: 1, country: 'US' });
    tracker.track('checkout.start', { order_id: 'o' } as never);
    tracker.track('unknown' as never, {} as never);
    tracker.identify('u', {});
    await tracker.flush();
    const stats = tracker.stats();
    expect(stats.tracked).toBe(5);
    const topDropped = Object.values(stats.dropped).reduce((a, b) => (a ?? 0) + (b ?? 0), 0)!;
    const routedMessages = 3; // two tracks and the identify reached the router
    expect(topDropped + routedMessages).toBe(stats.tracked);
    expect(stats.destinations.posthog).toEqual({ routed: 3, delivered: 2, dropped: { http_400: 1 }, pending: 0 });
    assertBooks(stats);
  });

  it('with no destination it still validates and counts, and debug says why', async () => {
    const lines: string[] = [];
    const tracker = createTracker(catalog, { debug: (line) => lines.push(line) });
    tracker.track('order.paid', paid);
    await tracker.flush();
    expect(tracker.stats().dropped).toEqual({ no_destination: 1 });
    expect(lines.join('\n')).toMatch(/no destination is configured/);
  });

  it('disabled: validates, counts as disabled, sends nothing', async () => {
    const { tracker, posthog, violations } = setup({ disabled: true });
    tracker.track('order.paid', { ...paid, extra: 1 } as never);
    await tracker.flush();
    expect(posthog.events).toHaveLength(0);
    expect(tracker.stats().dropped).toEqual({ disabled: 1 });
    expect(violations).toHaveLength(1);
  });

  it('after shutdown, messages are counted as dropped (shutdown), not lost', async () => {
    const { tracker } = setup();
    await tracker.shutdown(100);
    tracker.track('order.paid', paid);
    expect(tracker.stats().dropped).toEqual({ shutdown: 1 });
  });
});

describe('node tracker: request context and serverless', () => {
  it('withContext supplies distinct id, groups and correlation id; call options win', async () => {
    const { tracker, posthog } = setup();
    await tracker.withContext({ distinctId: 'user_ctx', groups: { organization: 'org_ctx' }, correlationId: 'req_9' }, async () => {
      await Promise.resolve();
      tracker.track('order.paid', paid);
      tracker.track('order.paid', paid, { distinctId: 'user_call' });
    });
    tracker.track('order.paid', paid);
    await tracker.flush();
    expect(posthog.events.map((e) => [e.distinct_id, e.groups.organization, e.correlation_id])).toEqual([
      ['user_ctx', 'org_ctx', 'req_9'],
      ['user_call', 'org_ctx', 'req_9'],
      [null, undefined, null],
    ]);
  });

  it('hands every delivery promise to waitUntil', async () => {
    const waitUntil = vi.fn();
    const { tracker } = setup({ waitUntil });
    tracker.track('order.paid', paid);
    tracker.identify('u', {});
    expect(waitUntil).toHaveBeenCalledTimes(2);
    await Promise.all(waitUntil.mock.calls.map(([p]) => p));
  });

  it('refuses a bad configuration at start-up with a message that says what to fix', () => {
    expect(() => createTracker(catalog, { validation: 'loud' as never })).toThrowError(/validation must be 'report', 'drop' or 'throw'/);
    expect(() => createTracker(catalog, { guards: { pii: 'maybe' as never } })).toThrowError(/guards\.pii/);
    expect(() => createTracker({} as never)).toThrowError(/defineCatalog/);
  });
});
