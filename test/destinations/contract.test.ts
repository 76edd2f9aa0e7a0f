// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createTracker as createBrowserTracker } from '../../src/browser/index';
import { createTracker, isTrackplanError, type Destination, type Message, type TrackerStats } from '../../src/node/index';
import { memoryDestination, assertBooks } from '../../src/testing/index';
import { catalog } from '../fixtures/storefront-catalog';

/**
 * The contract a destination you write follows: `{ name, send }`, the rest optional. The router keeps
 * its books from what `send` returns, resolves, throws or rejects, and guards every hook.
 */

const start = (i: number) => ({ order_id: `o_${i}`, tier: 'pro', subtotal: i, country: 'US' });

const books = (stats: TrackerStats) => assertBooks(stats);

async function until(predicate: () => boolean, what: string, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('a destination you write: { name, send }', () => {
  it('a send that returns nothing counts delivered; without flush or shutdown, both are no-ops, with no error', async () => {
    const got: Message[] = [];
    const errors: unknown[] = [];
    const mine: Destination = { name: 'console', send: (message) => void got.push(message) };
    const tracker = createTracker(catalog, { destinations: [mine], onError: (e) => errors.push(e) });
    tracker.track('checkout.start', start(1), { distinctId: 'u_1' });
    tracker.identify('u_1', { role: 'admin' });
    await tracker.flush();
    await tracker.shutdown(100);
    expect(got.map((m) => m.type)).toEqual(['track', 'identify']);
    expect(tracker.stats().destinations.console).toEqual({ routed: 2, delivered: 2, dropped: {}, pending: 0 });
    expect(errors).toEqual([]);
  });

  it('outcomes, returned or resolved, do the books: { delivered: false, reason } counts that reason', async () => {
    let n = 0;
    const mine: Destination = {
      name: 'picky',
      send: (message) => {
        n++;
        if (n === 1) return { delivered: true };
        if (n === 2) return { delivered: false, reason: 'rate_limited' };
        return Promise.resolve(message.type === 'track' ? { delivered: false as const, reason: 'not_today' } : undefined);
      },
    };
    const tracker = createTracker(catalog, { destinations: [mine] });
    for (let i = 0; i < 4; i++) tracker.track('checkout.start', start(i));
    tracker.identify('u_1', {});
    await tracker.flush();
    expect(tracker.stats().destinations.picky).toEqual({ routed: 5, delivered: 2, dropped: { rate_limited: 1, not_today: 2 }, pending: 0 });
  });

  it('a send that throws or rejects drops the message as destination_error and reports it; track() never throws', async () => {
    const errors: unknown[] = [];
    const boom = new Error('boom');
    let calls = 0;
    const mine: Destination = {
      name: 'flaky',
      send: () => {
        calls++;
        if (calls === 1) throw boom;
        return Promise.reject(new Error('rejected'));
      },
    };
    const tracker = createTracker(catalog, { destinations: [mine], onError: (e) => errors.push(e) });
    expect(() => tracker.track('checkout.start', start(1))).not.toThrow();
    tracker.track('checkout.start', start(2));
    await tracker.flush();
    expect(tracker.stats().destinations.flaky).toEqual({ routed: 2, delivered: 0, dropped: { destination_error: 2 }, pending: 0 });
    expect(errors.map((e) => String((e as Error).message ?? e))).toEqual([expect.stringContaining('boom'), expect.stringContaining('rejected')]);
  });

  it('an outcome it cannot read is a destination_error that says what to return', async () => {
    const errors: unknown[] = [];
    const mine = { name: 'odd', send: () => 42 } as unknown as Destination;
    const tracker = createTracker(catalog, { destinations: [mine], onError: (e) => errors.push(e) });
    tracker.track('checkout.start', start(1));
    await tracker.flush();
    expect(tracker.stats().destinations.odd.dropped).toEqual({ destination_error: 1 });
    expect(String(errors[0])).toMatch(/\[odd\] 1 message\(s\) dropped \(destination_error\): send\(\) returned 42; return nothing or \{ delivered: true \}/);
  });

  it('an asynchronous send is pending until it settles; flush() waits for it and for the destination\'s own flush', async () => {
    const resolvers: (() => void)[] = [];
    const flushed: string[] = [];
    const mine: Destination = {
      name: 'slow',
      send: () => new Promise<void>((resolve) => resolvers.push(resolve)),
      flush: async () => void flushed.push('flush'),
    };
    const tracker = createTracker(catalog, { destinations: [mine] });
    tracker.track('checkout.start', start(1));
    tracker.track('checkout.start', start(2));
    expect(tracker.stats().destinations.slow).toMatchObject({ routed: 2, delivered: 0, pending: 2 });
    let done = false;
    const flushing = tracker.flush().then(() => (done = true));
    await until(() => flushed.length === 1, 'the destination flush');
    expect(done).toBe(false);
    for (const resolve of resolvers) resolve();
    await flushing;
    expect(tracker.stats().destinations.slow).toEqual({ routed: 2, delivered: 2, dropped: {}, pending: 0 });
  });

  it('shutdown() never hangs on a send that never settles: at the deadline it is dropped as shutdown_timeout, once', async () => {
    const errors: unknown[] = [];
    const mine: Destination = { name: 'stuck', send: () => new Promise(() => {}), shutdown: () => new Promise(() => {}) };
    const tracker = createTracker(catalog, { destinations: [mine], onError: (e) => errors.push(e) });
    tracker.track('checkout.start', start(1));
    tracker.track('checkout.start', start(2));
    const started = Date.now();
    await tracker.shutdown(100);
    expect(Date.now() - started).toBeLessThan(2000);
    const stats = tracker.stats();
    expect(stats.destinations.stuck).toEqual({ routed: 2, delivered: 0, dropped: { shutdown_timeout: 2 }, pending: 0 });
    books(stats);
    expect(errors).toHaveLength(1);
  });

  it('a flush or shutdown hook that throws or rejects is reported, never thrown into the app', async () => {
    const errors: unknown[] = [];
    const mine: Destination = {
      name: 'grumpy',
      send: () => undefined,
      flush: () => {
        throw new Error('flush failed');
      },
      shutdown: () => Promise.reject(new Error('shutdown failed')),
    };
    const tracker = createTracker(catalog, { destinations: [mine], onError: (e) => errors.push(e) });
    tracker.track('checkout.start', start(1));
    await expect(tracker.flush()).resolves.toBeUndefined();
    await expect(tracker.shutdown(100)).resolves.toBeUndefined();
    expect(errors.map(String)).toEqual([expect.stringContaining('flush failed'), expect.stringContaining('shutdown failed')]);
    expect(tracker.stats().destinations.grumpy.delivered).toBe(1);
  });

  it('accepts narrows the message types it is given', async () => {
    const got: string[] = [];
    const tracker = createTracker(catalog, { destinations: [{ name: 'events-only', accepts: ['track'], send: (m) => void got.push(m.type) }] });
    tracker.identify('u_1', {});
    tracker.track('checkout.start', start(1));
    await tracker.flush();
    expect(got).toEqual(['track']);
  });

  it('a malformed entry is refused when the tracker is made, naming it; a well-formed one is taken', () => {
    const refuse = (entry: unknown) => {
      try {
        createTracker(catalog, { destinations: [memoryDestination(), entry as Destination] });
      } catch (error) {
        expect(isTrackplanError(error)).toBe(true);
        return String((error as Error).message);
      }
      throw new Error('not refused');
    };
    expect(refuse({ send: () => {} })).toMatch(/destinations\[1\] must be a destination.*name must be a non-empty string/);
    expect(refuse({ name: 'x' })).toMatch(/destinations\[1\].*no send\(message\) function/);
    expect(refuse({ name: 'x', send: () => {}, flush: 'soon' })).toMatch(/flush must be a function/);
    expect(refuse(null)).toMatch(/destinations\[1\].*got null/);
    expect(() => createTracker(catalog, { destinations: [{ name: 'x', send: () => {} }] })).not.toThrow();
  });
});

describe('browser hooks: setConsent and reset go through the router guard', () => {
  it('a throwing or rejecting setConsent/reset is reported, never thrown; the other destinations still hear it', async () => {
    const errors: unknown[] = [];
    const heard: string[] = [];
    const throwing: Destination = {
      name: 'throwing',
      send: () => undefined,
      setConsent: () => {
        throw new Error('consent hook threw');
      },
      reset: () => {
        throw new Error('reset hook threw');
      },
    };
    const rejecting: Destination = {
      name: 'rejecting',
      send: () => undefined,
      setConsent: async () => {
        throw new Error('consent hook rejected');
      },
      reset: async () => {
        throw new Error('reset hook rejected');
      },
    };
    const listening: Destination = { name: 'listening', send: () => undefined, setConsent: (state) => void heard.push(state), reset: () => void heard.push('reset') };
    const tracker = createBrowserTracker(catalog, { destinations: [throwing, rejecting, listening], onError: (e) => errors.push(e) });
    expect(() => tracker.setConsent('denied')).not.toThrow();
    expect(() => tracker.reset()).not.toThrow();
    expect(() => tracker.optIn()).not.toThrow();
    await until(() => errors.length === 6, 'six hook errors');
    expect(heard).toEqual(['denied', 'reset', 'granted']);
    const reported = (text: string) => errors.filter((e) => String(e).includes(text)).length;
    expect([reported('consent hook threw'), reported('consent hook rejected'), reported('reset hook threw'), reported('reset hook rejected')]).toEqual([2, 2, 1, 1]);
  });
});
