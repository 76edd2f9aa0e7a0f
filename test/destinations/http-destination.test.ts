import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpDestination, createTracker, isTrackplanError, type HttpDestinationOptions, type Message } from '../../src/node/index';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { catalog } from '../fixtures/storefront-catalog';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const fast = { retryBaseMs: 5, retryMaxMs: 2000, flushIntervalMs: 20 };
const start = (i: number) => ({ order_id: `o_${i}`, tier: 'pro', subtotal: i, country: 'US' });
const encode = (message: Message) => (message.type === 'track' ? { name: message.envelope.event, id: message.uuid, order: message.envelope.properties.order_id } : undefined);
const bodies = (r: Receiver, path: string) => r.requests.filter((q) => q.path === path).map((q) => JSON.parse(q.body.toString('utf8')));

describe('createHttpDestination', () => {
  it('posts batches as a JSON array by default, with its headers; a custom body and signed headers get the batch text', async () => {
    receiver = await startReceiver();
    const plain = createHttpDestination({ name: 'plain', url: `${receiver.url}/plain`, encode, headers: { authorization: 'Bearer t' }, ...fast });
    const wrapped = createHttpDestination({
      name: 'wrapped',
      url: `${receiver.url}/wrapped`,
      encode,
      body: (events) => `{"key":"k","items":[${events}]}`,
      headers: (body) => ({ 'x-sig': createHmac('sha256', 's').update(body).digest('hex') }),
      ...fast,
    });
    const tracker = createTracker(catalog, { destinations: [plain, wrapped] });
    for (let i = 0; i < 3; i++) tracker.track('checkout.start', start(i));
    await tracker.flush();
    expect(bodies(receiver, '/plain')).toEqual([[0, 1, 2].map((i) => ({ name: 'checkout.start', id: expect.any(String), order: `o_${i}` }))]);
    const plainRequest = receiver.requests.find((q) => q.path === '/plain')!;
    expect(plainRequest.headers).toMatchObject({ authorization: 'Bearer t', 'content-type': 'application/json' });
    const signed = receiver.requests.find((q) => q.path === '/wrapped')!;
    expect(JSON.parse(signed.body.toString()).items.map((e: { order: string }) => e.order)).toEqual(['o_0', 'o_1', 'o_2']);
    expect(signed.headers['x-sig']).toBe(createHmac('sha256', 's').update(signed.body).digest('hex'));
    expect(tracker.stats().destinations.plain).toEqual({ routed: 3, delivered: 3, dropped: {}, pending: 0 });
  });

  it('honours Retry-After on a 429, retries a 503, and cuts batches at batchSize', async () => {
    receiver = await startReceiver();
    receiver.setFault((request, index) => (index === 0 ? { status: 429, headers: { 'retry-after': '1' } } : index === 1 ? 503 : undefined));
    const errors: unknown[] = [];
    const tracker = createTracker(catalog, { destinations: [createHttpDestination({ name: 'mine', url: `${receiver.url}/in`, encode, batchSize: 5, concurrency: 1, ...fast })], onError: (e) => errors.push(e) });
    for (let i = 0; i < 12; i++) tracker.track('checkout.start', start(i));
    await tracker.flush();
    const [first, second] = receiver.requests;
    expect(second.at - first.at).toBeGreaterThanOrEqual(900); // the server's 1 s, not the 5 ms backoff
    expect(bodies(receiver, '/in').slice(2).map((batch) => batch.length)).toEqual([5, 5, 2]);
    // One outage (a 429, then a 503): reported once, as retrying, nothing lost.
    expect(errors.map(String)).toEqual([expect.stringMatching(/\[mine\] delivery failing \(http_429\), retrying .*nothing lost yet/)]);
    expect(tracker.stats().destinations.mine).toEqual({ routed: 12, delivered: 12, dropped: {}, pending: 0 });
  });

  it('counts what it does not send: a 4xx (not retried), a message encode skips, an encode that throws', async () => {
    receiver = await startReceiver();
    receiver.setFault(() => 422);
    const errors: unknown[] = [];
    const picky = (message: Message) => {
      if (message.type !== 'track') return undefined;
      if (message.envelope.properties.order_id === 'o_2') throw new Error('cannot encode o_2');
      return encode(message);
    };
    const tracker = createTracker(catalog, { destinations: [createHttpDestination({ name: 'mine', url: `${receiver.url}/in`, encode: picky, ...fast })], onError: (e) => errors.push(e) });
    tracker.track('checkout.start', start(1));
    tracker.track('checkout.start', start(2));
    tracker.identify('u_1', {});
    await tracker.flush();
    expect(receiver.requests).toHaveLength(1);
    expect(tracker.stats().destinations.mine).toEqual({ routed: 3, delivered: 0, dropped: { http_422: 1, destination_error: 1, unsupported: 1 }, pending: 0 });
    expect(errors.map(String)).toEqual(expect.arrayContaining([expect.stringContaining('cannot encode o_2'), expect.stringContaining('HTTP 422')]));
  });

  it('refuses a configuration mistake at once, saying what to fix; a minimal one is taken', () => {
    const refuse = (options: Partial<HttpDestinationOptions>) => {
      try {
        createHttpDestination(options as HttpDestinationOptions);
      } catch (error) {
        expect(isTrackplanError(error)).toBe(true);
        return String((error as Error).message);
      }
      throw new Error('not refused');
    };
    expect(refuse({ url: 'https://x.example', encode })).toMatch(/name must be a non-empty string/);
    expect(refuse({ name: 'mine', url: 'ftp://x', encode })).toMatch(/\[mine\] url must be an http\(s\) URL/);
    expect(refuse({ name: 'mine', url: 'https://x.example' })).toMatch(/\[mine\] encode\(message\) must be a function/);
    expect(refuse({ name: 'mine', url: 'https://x.example', encode, accepts: ['page' as never] })).toMatch(/accepts must list message types/);
    expect(refuse({ name: 'mine', url: 'https://x.example', encode, headers: 'x' as never })).toMatch(/headers must be an object/);
    expect(() => createHttpDestination({ name: 'mine', url: 'https://x.example/in', encode })).not.toThrow();
  });
});
