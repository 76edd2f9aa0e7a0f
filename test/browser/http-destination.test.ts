// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createHttpDestination, createTracker, type Message } from '../../src/browser/index';
import { catalog } from '../fixtures/storefront-catalog';

const encode = (message: Message) => (message.type === 'track' ? { name: message.envelope.event, referrer: message.envelope.properties.referrer } : undefined);

describe('createHttpDestination in the browser', () => {
  it('its code loads with import(): events meanwhile are pending, then sent in order with keepalive, in bodies under 64 KB', async () => {
    const sent: { body: string; keepalive?: boolean }[] = [];
    const fetch = async (_url: string, init: { body: string | Uint8Array; keepalive?: boolean }) => (sent.push({ body: String(init.body), keepalive: init.keepalive }), { status: 200, headers: new Headers(), text: async () => '' });
    const mine = createHttpDestination({ name: 'mine', url: 'https://collect.example.com/e', encode, fetch, flushIntervalMs: 60_000 });
    const tracker = createTracker(catalog, { destinations: [mine] });
    for (let i = 0; i < 300; i++) tracker.track('signup_page_viewed', { referrer: `r${i}`.padEnd(200, '.') });
    expect(tracker.stats().destinations.mine).toMatchObject({ routed: 300, delivered: 0, pending: 300 });
    await tracker.flush();
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.every((request) => request.keepalive === true && request.body.length < 64 * 1024)).toBe(true);
    const referrers = sent.flatMap((request) => JSON.parse(request.body).map((e: { referrer: string }) => e.referrer.replace(/\.+$/, '')));
    expect(referrers).toEqual(Array.from({ length: 300 }, (_, i) => `r${i}`));
    expect(tracker.stats().destinations.mine).toEqual({ routed: 300, delivered: 300, dropped: {}, pending: 0 });
  });

  it('checks its options at once, before any code loads', () => {
    expect(() => createHttpDestination({ name: 'mine', url: 'not a url', encode })).toThrow(/\[mine\] url must be an http\(s\) URL/);
  });
});
