import { afterEach, describe, expect, it } from 'vitest';
import { DeliveryError as RootDeliveryError, isTrackplanError } from '../../src/index';
import { DeliveryError as BrowserDeliveryError } from '../../src/browser/index';
import { createTracker, DeliveryError } from '../../src/node/index';
import { memoryDestination } from '../../src/testing/index';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { catalog } from '../fixtures/storefront-catalog';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const fast = { retryBaseMs: 5, retryMaxMs: 20, flushIntervalMs: 10, maxAttempts: 20 };
const start = (i: number) => ({ order_id: `o_${i}`, tier: 'pro', subtotal: i, country: 'US' });

describe('DeliveryError: what onError receives for delivery problems', () => {
  it('is exported once from the root, trackplan/node and trackplan/browser', () => {
    expect(DeliveryError).toBe(RootDeliveryError);
    expect(BrowserDeliveryError).toBe(RootDeliveryError);
  });

  it('an outage that recovers is reported once, retrying, and nothing is lost; the next outage is reported again', async () => {
    receiver = await startReceiver();
    const failures = 5;
    let failuresLeft = failures;
    receiver.setFault(() => (failuresLeft-- > 0 ? 503 : undefined));
    const errors: unknown[] = [];
    const tracker = createTracker(catalog, { webhook: { url: `${receiver.url}/webhook`, ...fast }, onError: (e) => errors.push(e) });
    for (let i = 0; i < 3; i++) tracker.track('checkout.start', start(i));
    await tracker.flush();

    expect(receiver.requests).toHaveLength(failures + 1); // five failed attempts, then the delivery
    expect(receiver.webhookEvents()).toHaveLength(3);
    expect(errors).toHaveLength(1);
    const [error] = errors as DeliveryError[];
    expect(error).toBeInstanceOf(DeliveryError);
    expect(isTrackplanError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'DeliveryError', destination: 'webhook', reason: 'http_503', count: 3, retrying: true });
    expect(error.message).toMatch(/^\[trackplan\] \[webhook\] delivery failing \(http_503\), retrying 3 message\(s\); nothing lost yet: .*HTTP 503/);
    expect(String((error.cause as Error).message)).toMatch(/answered HTTP 503/);
    expect(errors.filter((e) => !(e as DeliveryError).retrying)).toHaveLength(0);
    expect(tracker.stats().destinations.webhook).toEqual({ routed: 3, delivered: 3, dropped: {}, pending: 0 });

    // Delivered again: a new outage is news, and is reported (once) again.
    failuresLeft = 2;
    tracker.track('checkout.start', start(3));
    await tracker.flush();
    expect(errors).toHaveLength(2);
    expect(errors[1]).toMatchObject({ retrying: true, reason: 'http_503', count: 1 });
    expect(tracker.stats().destinations.webhook).toMatchObject({ routed: 4, delivered: 4, dropped: {} });
    await tracker.shutdown(500);
  });

  it('a loss is a DeliveryError with retrying: false, the count and reason it is counted under, and the cause', async () => {
    receiver = await startReceiver();
    receiver.setFault(() => 400);
    const errors: unknown[] = [];
    const tracker = createTracker(catalog, { webhook: { url: `${receiver.url}/webhook`, ...fast }, onError: (e) => errors.push(e) });
    for (let i = 0; i < 4; i++) tracker.track('checkout.start', start(i));
    await tracker.flush();
    expect(tracker.stats().destinations.webhook.dropped).toEqual({ http_400: 4 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(DeliveryError);
    expect(errors[0]).toMatchObject({ destination: 'webhook', reason: 'http_400', count: 4, retrying: false });
    expect((errors[0] as Error).message).toMatch(/^\[trackplan\] \[webhook\] 4 message\(s\) dropped \(http_400\): .*answered HTTP 400/);
    expect(((errors[0] as Error).cause as Error).message).toMatch(/answered HTTP 400/);
  });

  it('retries that run out: one retrying report, then the loss (retries_exhausted)', async () => {
    receiver = await startReceiver();
    receiver.setFault(() => 500);
    const errors: DeliveryError[] = [];
    const tracker = createTracker(catalog, { webhook: { url: `${receiver.url}/webhook`, ...fast, maxAttempts: 4 }, onError: (e) => errors.push(e as DeliveryError) });
    tracker.track('checkout.start', start(1));
    await tracker.flush();
    expect(receiver.requests).toHaveLength(4);
    expect(errors.map((e) => [e.retrying, e.reason, e.count])).toEqual([
      [true, 'http_500', 1],
      [false, 'retries_exhausted', 1],
    ]);
    expect(tracker.stats().destinations.webhook.dropped).toEqual({ retries_exhausted: 1 });
  });

  it('a destination that throws: a DeliveryError (destination_error) whose cause is what it threw', async () => {
    const errors: unknown[] = [];
    const boom = new Error('boom');
    const tracker = createTracker(catalog, {
      onError: (e) => errors.push(e),
      destinations: [() => ({ name: 'bad', send() { throw boom; }, pending: () => 0, flush: async () => {}, shutdown: async () => {} })],
    });
    tracker.track('checkout.start', start(1));
    await tracker.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ name: 'DeliveryError', destination: 'bad', reason: 'destination_error', count: 1, retrying: false, cause: boom });
  });

  it('a destination dropping without an error counts it and stays quiet, as before', async () => {
    const errors: unknown[] = [];
    const tracker = createTracker(catalog, { destinations: [memoryDestination({ fail: () => 'unsupported' })], onError: (e) => errors.push(e) });
    tracker.track('checkout.start', start(1));
    await tracker.flush();
    expect(tracker.stats().destinations.memory.dropped).toEqual({ unsupported: 1 });
    expect(errors).toEqual([]);
  });
});
