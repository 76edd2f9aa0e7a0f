import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { amplitudeDestination } from '../../examples/amplitude-destination/amplitude';
import { createTracker } from '../../src/node/index';
import { catalog, paid } from '../fixtures/storefront-catalog';

const run = promisify(execFile);

interface AmplitudeReceiver {
  url: string;
  /** Events Amplitude would have ingested, in arrival order. */
  events: Record<string, any>[];
  /** Every request's status, in order. */
  statuses: number[];
  /** Answers the next requests with these statuses (and headers) before answering normally. */
  failNext(...answers: { status: number; headers?: Record<string, string> }[]): void;
  close(): Promise<void>;
}

/**
 * Amplitude's HTTP V2 endpoint as its documentation describes it, on 127.0.0.1: `POST /2/httpapi`
 * with `{ api_key, events }`; every event needs an `event_type` and a `user_id` or `device_id` of at
 * least 5 characters; 400 otherwise, 200 `{ code: 200, events_ingested }` when taken.
 */
async function startAmplitude(apiKey: string): Promise<AmplitudeReceiver> {
  const events: Record<string, any>[] = [];
  const statuses: number[] = [];
  let failures: { status: number; headers?: Record<string, string> }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        statuses.push(status);
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/2/httpapi') return answer(404, { code: 404 });
      const failure = failures.shift();
      if (failure) return answer(failure.status, { code: failure.status, error: 'injected' }, failure.headers);
      let body: { api_key?: unknown; events?: Record<string, any>[] };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return answer(400, { code: 400, error: 'Invalid JSON request body' });
      }
      if (body.api_key !== apiKey) return answer(400, { code: 400, error: 'Invalid API key' });
      if (!Array.isArray(body.events) || body.events.length === 0 || body.events.length > 2000) return answer(400, { code: 400, error: 'events must hold 1 to 2000 events' });
      const refused = body.events.findIndex((e) => typeof e.event_type !== 'string' || !(String(e.user_id ?? '').length >= 5 || String(e.device_id ?? '').length >= 5));
      if (refused >= 0) return answer(400, { code: 400, error: 'Request missing required field', events_with_missing_fields: { event_type: [refused] } });
      events.push(...body.events);
      answer(200, { code: 200, events_ingested: body.events.length, payload_size_bytes: chunks.reduce((n, c) => n + c.length, 0), server_upload_time: Date.now() });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    events,
    statuses,
    failNext: (...answers) => void (failures = answers),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

let amplitude: AmplitudeReceiver | undefined;
afterEach(async () => {
  await amplitude?.close();
  amplitude = undefined;
});

const start = (i: number) => ({ order_id: `o_${i}`, tier: 'pro', subtotal: i, country: 'US' });

describe('examples/amplitude-destination', () => {
  it('delivers track events in Amplitude HTTP V2 shape, one id per event for dedupe; other messages never reach it', async () => {
    amplitude = await startAmplitude('amp_key_1');
    const tracker = createTracker(catalog, { destinations: [amplitudeDestination({ apiKey: 'amp_key_1', host: amplitude.url, flushIntervalMs: 20 })] });
    tracker.track('checkout.start', start(1), { distinctId: 'user_12345' });
    tracker.track('support.contacted', { topic: 'refund' });
    tracker.identify('user_12345', { role: 'admin' });
    await tracker.flush();
    const [withUser, withoutUser] = amplitude.events;
    expect(withUser).toEqual({ event_type: 'checkout.start', user_id: 'user_12345', time: expect.any(Number), insert_id: expect.stringMatching(/^[0-9a-f-]{36}$/), event_properties: start(1) });
    expect(Math.abs(withUser.time - Date.now())).toBeLessThan(60_000);
    expect(withoutUser).toMatchObject({ event_type: 'support.contacted', device_id: withoutUser.insert_id });
    expect(withoutUser.user_id).toBeUndefined();
    expect(amplitude.events).toHaveLength(2);
    expect(tracker.stats().destinations.amplitude).toEqual({ routed: 2, delivered: 2, dropped: {}, pending: 0 });
  });

  it('retries a throttled batch (429, Retry-After) and a 503 until Amplitude takes it, once', async () => {
    amplitude = await startAmplitude('amp_key_1');
    amplitude.failNext({ status: 429, headers: { 'retry-after': '0' } }, { status: 503 });
    const errors: unknown[] = [];
    const tracker = createTracker(catalog, { destinations: [amplitudeDestination({ apiKey: 'amp_key_1', host: amplitude.url, flushIntervalMs: 20, retryBaseMs: 5 })], onError: (e) => errors.push(e) });
    for (let i = 0; i < 30; i++) tracker.track('checkout.start', start(i), { distinctId: `user_${10_000 + i}` });
    await tracker.flush();
    expect(amplitude.statuses).toEqual([429, 503, 200]);
    expect(amplitude.events.map((e) => e.event_properties.order_id)).toEqual(Array.from({ length: 30 }, (_, i) => `o_${i}`));
    // One outage (a 429, then a 503): reported once, as retrying, nothing lost.
    expect(errors.map(String)).toEqual([expect.stringMatching(/delivery failing \(http_429\), retrying .*nothing lost yet/)]);
    expect(tracker.stats().destinations.amplitude).toEqual({ routed: 30, delivered: 30, dropped: {}, pending: 0 });
  });

  it('a refused batch (wrong API key: 400) is counted dropped and reported, never lost silently', async () => {
    amplitude = await startAmplitude('amp_key_1');
    const errors: unknown[] = [];
    const tracker = createTracker(catalog, { destinations: [amplitudeDestination({ apiKey: 'amp_wrong', host: amplitude.url, flushIntervalMs: 20 })], onError: (e) => errors.push(e) });
    tracker.track('checkout.start', start(1), { distinctId: 'user_12345' });
    tracker.track('checkout.start', start(2), { distinctId: 'user_12345' });
    await tracker.flush();
    expect(amplitude.events).toEqual([]);
    expect(tracker.stats().destinations.amplitude).toEqual({ routed: 2, delivered: 0, dropped: { http_400: 2 }, pending: 0 });
    expect(String(errors[0])).toContain('[amplitude]');
  });

  it('an event whose catalog entry lists other destinations does not reach it', async () => {
    amplitude = await startAmplitude('amp_key_1');
    const tracker = createTracker(catalog, { destinations: [amplitudeDestination({ apiKey: 'amp_key_1', host: amplitude.url, flushIntervalMs: 20 })] });
    tracker.track('order.paid', paid, { distinctId: 'user_12345' }); // destinations: ['posthog', 'webhook']
    await tracker.flush();
    expect(tracker.stats().destinations.amplitude.routed).toBe(0);
    expect(tracker.stats().dropped).toEqual({ no_destination: 1 });
  });

  it('index.ts runs against the built package', async () => {
    expect(existsSync('dist/node/index.js'), 'run `npm run build` first (npm test does it)').toBe(true);
    amplitude = await startAmplitude('amp_key_cli');
    const { stdout } = await run(process.execPath, ['node_modules/jiti/lib/jiti-cli.mjs', 'examples/amplitude-destination/index.ts'], {
      timeout: 60_000,
      env: { ...process.env, AMPLITUDE_API_KEY: 'amp_key_cli', AMPLITUDE_HOST: amplitude.url },
    });
    expect(stdout).toContain('amplitude: {"routed":2,"delivered":2,"dropped":{},"pending":0}');
    expect(amplitude.events.map((e) => e.user_id)).toEqual(['user_12345', 'user_67890']);
  });
});
