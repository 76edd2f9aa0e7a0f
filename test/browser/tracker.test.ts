// @vitest-environment happy-dom
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTracker, type Violation } from '../../src/browser/index';
import { assertBooks, memoryDestination, webhookHandlers } from '../../src/testing/index';
import { catalog, paid } from '../fixtures/storefront-catalog';

type Win = Window & { dataLayer?: IArguments[]; gtag?: unknown };
const win = window as Win;
const gtagCalls = () => (win.dataLayer ?? []).map((entry) => Array.from(entry));

// Webhook receivers for the tests where the receiving end is not the point (msw, in process).
const hooks = { t: webhookHandlers({ url: 'https://hooks.example.com/t' }), lazy: webhookHandlers({ url: 'https://hooks.example.com/lazy' }) };
const server = setupServer(...hooks.t.handlers, ...hooks.lazy.handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

beforeEach(() => {
  hooks.t.clear();
  hooks.lazy.clear();
  delete win.dataLayer;
  delete win.gtag;
  localStorage.clear();
});
afterEach(() => vi.restoreAllMocks());

describe('browser tracker: the same rules as on Node', () => {
  it('tracks with the browser distinct id, validates, guards and never throws', async () => {
    const memory = memoryDestination();
    const violations: Violation[] = [];
    const tracker = createTracker(catalog, { destinations: [memory], onViolation: (v) => violations.push(v) });
    tracker.track('signup_page_viewed', { referrer: 'pricing' });
    tracker.track('support.contacted', { topic: 'mail me at jane@example.com' });
    expect(() => tracker.track('nope' as never, null as never)).not.toThrow();
    await tracker.flush();
    expect(memory.events.map((e) => e.event)).toEqual(['signup_page_viewed', 'support.contacted']);
    expect(memory.events[0].distinct_id).toBe(tracker.getDistinctId());
    expect(memory.events[1].properties.topic).toBe('mail me at [redacted:email]');
    expect(tracker.stats()).toMatchObject({ tracked: 3, dropped: { unknown_event: 1 }, redactions: 1 });
    expect(violations.map((v) => v.kind)).toEqual(['pii', 'unknown_event']);
  });

  it('identify switches the distinct id, reset makes a new anonymous one', async () => {
    const memory = memoryDestination();
    const tracker = createTracker(catalog, { destinations: [memory] });
    const anonymous = tracker.getDistinctId();
    tracker.identify('user_123', { role: 'admin' });
    expect(tracker.getDistinctId()).toBe('user_123');
    tracker.reset();
    expect(tracker.getDistinctId()).not.toBe('user_123');
    expect(tracker.getDistinctId()).not.toBe(anonymous);
  });
});

describe('GA4 through gtag', () => {
  it('maps names, applies limits and reports every change; revenue as value + currency', async () => {
    const violations: Violation[] = [];
    const tracker = createTracker(catalog, { ga4: { measurementId: 'G-TEST123' }, onViolation: (v) => violations.push(v) });
    tracker.track('order.paid', paid, { uuid: 'u-1' });
    tracker.track('checkout.start', { order_id: 'o_1', tier: 'pro', subtotal: 10, country: 'US' }, { uuid: 'u-2' });
    tracker.track('support.contacted', { topic: 'x'.repeat(150) }, { uuid: 'u-3' });
    await tracker.flush();
    const events = gtagCalls().filter((c) => c[0] === 'event');
    // order.paid is routed to posthog and webhook only: GA4 never sees it.
    expect(events.map((c) => c[1])).toEqual(['checkout_start', 'support_contacted']);
    expect(events[0][2]).toMatchObject({ order_id: 'o_1', tier: 'pro', subtotal: 10, country: 'US', event_id: 'u-2' });
    expect((events[1][2] as { topic: string }).topic).toHaveLength(100);
    expect(violations.filter((v) => v.kind === 'destination_rewrite').map((v) => v.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/name_mapped/), expect.stringMatching(/value_truncated/)]),
    );
  });

  it('identify sets user_id and user_properties; consent mode v2 follows setConsent', async () => {
    const tracker = createTracker(catalog, { ga4: { measurementId: 'G-TEST123' }, consent: 'pending' });
    tracker.setConsent('granted');
    tracker.identify('user_9', { role: 'member', teams_count: 2 });
    await tracker.flush();
    const calls = gtagCalls();
    expect(calls).toContainEqual(['consent', 'update', { ad_storage: 'granted', analytics_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' }]);
    expect(calls).toContainEqual(['set', { user_id: 'user_9' }]);
    expect(calls).toContainEqual(['set', 'user_properties', { role: 'member', teams_count: 2 }]);
    tracker.setConsent('denied');
    expect(gtagCalls().at(-1)).toEqual(['consent', 'update', { ad_storage: 'denied', analytics_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' }]);
  });

  it('refuses a malformed measurement id at start-up', () => {
    expect(() => createTracker(catalog, { ga4: { measurementId: 'UA-1' } })).toThrowError(/\[ga4\] measurementId must be a GA4 measurement id like "G-/);
  });
});

describe('consent', () => {
  it('pending holds everything in memory; granted releases it in order', async () => {
    const memory = memoryDestination();
    const tracker = createTracker(catalog, { destinations: [memory], consent: 'pending' });
    tracker.track('signup_page_viewed', { referrer: 'a' });
    tracker.track('signup_page_viewed', { referrer: 'b' });
    await Promise.resolve();
    expect(memory.events).toHaveLength(0);
    tracker.setConsent('granted');
    await tracker.flush();
    await vi.waitFor(() => expect(memory.events.map((e) => e.properties.referrer)).toEqual(['a', 'b']));
    assertBooks(tracker.stats());
  });

  it('denied drops and counts; the pending queue is bounded and counts its overflow', async () => {
    const memory = memoryDestination();
    const denied = createTracker(catalog, { destinations: [memory], consent: 'denied' });
    denied.track('signup_page_viewed');
    expect(denied.stats().dropped).toEqual({ consent_denied: 1 });

    const bounded = createTracker(catalog, { destinations: [memory], consent: 'pending', maxHeld: 2 });
    for (const referrer of ['a', 'b', 'c']) bounded.track('signup_page_viewed', { referrer });
    expect(bounded.stats().dropped).toEqual({ consent_queue_overflow: 1 });
    bounded.setConsent('denied');
    expect(bounded.stats().dropped).toEqual({ consent_queue_overflow: 1, consent_denied: 2 });
    expect(memory.events).toHaveLength(0);
  });
});

describe('webhook from the page', () => {
  it('sends queued events by sendBeacon when the page hides', async () => {
    const beacons: string[] = [];
    Object.defineProperty(navigator, 'sendBeacon', { configurable: true, value: (_url: string, body: Blob) => (void body.text().then((t) => beacons.push(t)), true) });
    const tracker = createTracker(catalog, { webhook: { url: 'https://hooks.example.com/t', flushIntervalMs: 60_000 } });
    tracker.track('signup_page_viewed', { referrer: 'pricing' });
    window.dispatchEvent(new Event('pagehide'));
    await vi.waitFor(() => expect(beacons).toHaveLength(1));
    expect(JSON.parse(beacons[0]).events[0]).toMatchObject({ event_name: 'signup_page_viewed', properties: { referrer: 'pricing' } });
    expect(tracker.stats().destinations.webhook).toMatchObject({ routed: 1, delivered: 1, pending: 0 });
  });

  it('keeps what the beacon refused for the next page load, which sends it', async () => {
    Object.defineProperty(navigator, 'sendBeacon', { configurable: true, value: () => false });
    const first = createTracker(catalog, { webhook: { url: 'https://hooks.example.com/t', flushIntervalMs: 60_000 } });
    first.track('signup_page_viewed', { referrer: 'kept' });
    window.dispatchEvent(new Event('pagehide'));
    expect(first.stats().destinations.webhook.dropped).toEqual({ handed_to_next_page: 1 });
    expect(localStorage.getItem('trackplan:webhook:https://hooks.example.com/t')).toContain('kept');

    const next = createTracker(catalog, { webhook: { url: 'https://hooks.example.com/t', flushIntervalMs: 10 } });
    await next.flush();
    expect(hooks.t.events.map((e) => e.properties.referrer)).toEqual(['kept']);
    expect(next.stats().destinations.webhook).toMatchObject({ routed: 1, delivered: 1 });
    assertBooks(next.stats());
  });

  it('its module loads with import(): events routed meanwhile are held as pending (at most 1000) and delivered in order once it arrives', async () => {
    const tracker = createTracker(catalog, { webhook: { url: 'https://hooks.example.com/lazy', flushIntervalMs: 60_000, batchSize: 500 } });
    for (let i = 0; i < 1005; i++) tracker.track('signup_page_viewed', { referrer: `r${i}` });
    // Before the module arrives: counted, the oldest beyond 1000 dropped, the rest pending.
    expect(tracker.stats().destinations.webhook).toMatchObject({ routed: 1005, delivered: 0, pending: 1000, dropped: { webhook_loading_overflow: 5 } });
    assertBooks(tracker.stats());
    await tracker.flush(); // waits for the module, then for delivery
    const sent = hooks.lazy.events.map((e) => e.properties.referrer);
    expect(sent).toEqual(Array.from({ length: 1000 }, (_, i) => `r${i + 5}`));
    expect(tracker.stats().destinations.webhook).toMatchObject({ routed: 1005, delivered: 1000, pending: 0, dropped: { webhook_loading_overflow: 5 } });
  });

  it('once the module is there, the page hiding still sends what is queued by sendBeacon', async () => {
    const beacons: string[] = [];
    Object.defineProperty(navigator, 'sendBeacon', { configurable: true, value: (_url: string, body: Blob) => (void body.text().then((t) => beacons.push(t)), true) });
    const tracker = createTracker(catalog, { webhook: { url: 'https://hooks.example.com/loaded', flushIntervalMs: 60_000 } });
    await tracker.flush(); // nothing to send: only the module loads
    tracker.track('signup_page_viewed', { referrer: 'after-load' });
    window.dispatchEvent(new Event('pagehide'));
    await vi.waitFor(() => expect(beacons.join()).toContain('after-load'));
    expect(tracker.stats().destinations.webhook).toMatchObject({ routed: 1, delivered: 1, pending: 0 });
  });

  it('a full storage quota drops the oldest until the rest fits, counted', async () => {
    Object.defineProperty(navigator, 'sendBeacon', { configurable: true, value: () => false });
    // A storage that holds at most 3 events, as a nearly full quota would.
    const items = new Map<string, string>();
    const tight = {
      getItem: (key: string) => items.get(key) ?? null,
      removeItem: (key: string) => void items.delete(key),
      setItem: (key: string, value: string) => {
        if ((JSON.parse(value) as unknown[]).length > 3) throw new DOMException('full', 'QuotaExceededError');
        items.set(key, value);
      },
    };
    const real = Object.getOwnPropertyDescriptor(window, 'localStorage');
    Object.defineProperty(window, 'localStorage', { configurable: true, value: tight });
    const tracker = createTracker(catalog, { webhook: { url: 'https://hooks.example.com/q', flushIntervalMs: 60_000 } });
    for (let i = 0; i < 8; i++) tracker.track('signup_page_viewed', { referrer: `r${i}` });
    window.dispatchEvent(new Event('pagehide'));
    const webhook = tracker.stats().destinations.webhook;
    expect(webhook.dropped.storage_quota).toBeGreaterThanOrEqual(5);
    expect(webhook.dropped.storage_quota! + webhook.dropped.handed_to_next_page!).toBe(8);
    expect(JSON.parse(items.get('trackplan:webhook:https://hooks.example.com/q')!)).toHaveLength(3);
    assertBooks(tracker.stats());
    if (real) Object.defineProperty(window, 'localStorage', real);
  });
});

describe('browser tracker: the shared Tracker contract', () => {
  it('group() puts later events in the group; reset() forgets the identity and the groups', async () => {
    const memory = memoryDestination();
    const tracker = createTracker(catalog, { destinations: [memory] });
    tracker.identify('user_1');
    tracker.group('organization', 'org_1', { plan: 'pro' });
    tracker.track('signup_page_viewed', {});
    tracker.reset();
    tracker.track('signup_page_viewed', {});
    await tracker.flush();
    const [inGroup, afterReset] = memory.events;
    expect(inGroup).toMatchObject({ distinct_id: 'user_1', groups: { organization: 'org_1' } });
    expect(afterReset.groups).toEqual({});
    expect(afterReset.distinct_id).not.toBe('user_1');
  });

  it('optOut() denies consent on every destination and drops later messages (opted_out), across page loads until optIn()', async () => {
    const memory = memoryDestination();
    const consent: string[] = [];
    const watched = { ...memory, setConsent: (state: string) => void consent.push(state) };
    const tracker = createTracker(catalog, { destinations: [watched] });
    tracker.optOut();
    tracker.track('signup_page_viewed', {});
    expect(tracker.isOptedOut()).toBe(true);
    expect(consent).toContain('denied');
    // The next page load: the opt-out holds.
    const next = createTracker(catalog, { destinations: [memoryDestination()] });
    expect(next.isOptedOut()).toBe(true);
    next.optIn();
    expect(createTracker(catalog, {}).isOptedOut()).toBe(false);
    tracker.optIn();
    tracker.track('signup_page_viewed', {});
    await tracker.flush();
    expect(consent.at(-1)).toBe('granted');
    expect(memory.events).toHaveLength(1);
    expect(tracker.stats().dropped).toEqual({ opted_out: 1 });
  });
});

describe('browser tracker: a throwing onError never reaches the page', () => {
  it('setConsent with a bad state reports it, and a throwing onError is contained', () => {
    const seen: unknown[] = [];
    const tracker = createTracker(catalog, {
      destinations: [memoryDestination()],
      onError: (error) => {
        seen.push(error);
        throw new Error('the app handler itself fails');
      },
    });
    expect(() => tracker.setConsent('maybe' as never)).not.toThrow();
    expect(String(seen[0])).toContain("setConsent: expected 'granted', 'denied' or 'pending'");
  });
});
