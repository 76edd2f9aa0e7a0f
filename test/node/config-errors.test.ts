import { afterEach, describe, expect, it } from 'vitest';
import { createTracker, TrackplanConfigError } from '../../src/node/index';
import { memoryDestination } from '../../src/testing/index';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { catalog } from '../fixtures/storefront-catalog';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const url = 'http://127.0.0.1:9/webhook';
const start = (i: number) => ({ order_id: `o_${i}`, tier: 'pro', subtotal: i, country: 'US' });

/** Throws a TrackplanConfigError whose message names `option` (as `[scope] option must`). */
function expectRefused(create: () => unknown, scope: string, option: string) {
  let thrown: unknown;
  try {
    const tracker = create() as { shutdown?: (ms: number) => Promise<void> } | undefined;
    void tracker?.shutdown?.(0);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `${scope}.${option} was accepted`).toBeInstanceOf(TrackplanConfigError);
  expect((thrown as Error).message).toContain(`[${scope}] ${option} must be`);
}

function expectAccepted(create: () => { shutdown(ms: number): Promise<void> }) {
  const tracker = create();
  void tracker.shutdown(0);
}

describe('configuration mistakes throw a TrackplanConfigError naming the option (Node)', () => {
  it('concurrency: 0 throws at start-up instead of making flush() hang forever', async () => {
    expectRefused(() => createTracker(catalog, { webhook: { url, concurrency: 0 } }), 'webhook', 'concurrency');
    // concurrency: 1 is a working queue: flush() resolves once the event is delivered.
    receiver = await startReceiver();
    const tracker = createTracker(catalog, { webhook: { url: `${receiver.url}/webhook`, concurrency: 1, flushIntervalMs: 10 } });
    tracker.track('checkout.start', start(1));
    await tracker.flush();
    expect(receiver.webhookEvents()).toHaveLength(1);
    await tracker.shutdown(500);
  });

  const counts = ['batchSize', 'maxQueueBytes', 'maxAttempts', 'concurrency'] as const;
  const durations = ['flushIntervalMs', 'timeoutMs'] as const;
  const delays = ['retryBaseMs', 'retryMaxMs'] as const;

  it.each(['webhook', 'posthog-direct', 'posthog-client'] as const)('%s: counts and durations must be positive integers, back-offs 0 or more', (kind) => {
    const make = (extra: Record<string, unknown>) => () =>
      kind === 'webhook'
        ? createTracker(catalog, { webhook: { url, ...extra } })
        : createTracker(catalog, { posthog: { apiKey: 'phc_test', host: 'http://127.0.0.1:9', transport: kind === 'posthog-direct' ? 'direct' : 'client', ...extra } });
    const scope = kind === 'webhook' ? 'webhook' : 'posthog';
    for (const option of [...counts, ...durations]) {
      for (const bad of [0, -1, 1.5, Number.NaN, Infinity, '5', null]) expectRefused(make({ [option]: bad }), scope, option);
      expectAccepted(make({ [option]: 7 }));
    }
    for (const option of delays) {
      for (const bad of [-1, 0.5, Number.NaN, '5']) expectRefused(make({ [option]: bad }), scope, option);
      expectAccepted(make({ [option]: 0 }));
    }
    expectRefused(make({ flushIntervalMs: 2 ** 31 }), scope, 'flushIntervalMs'); // a timer that long fires at once
    if (kind === 'posthog-client') {
      expectRefused(make({ windowSize: 0 }), 'posthog', 'windowSize');
      expectAccepted(make({ windowSize: 20 }));
    }
  });

  it('hosts and URLs must be http(s) URLs without credentials', () => {
    for (const bad of ['not a url', 'ftp://example.com/hook', 'javascript:alert(1)', 'https://user:secret@example.com/hook', 42]) {
      expectRefused(() => createTracker(catalog, { webhook: { url: bad as string } }), 'webhook', 'url');
      expectRefused(() => createTracker(catalog, { posthog: { apiKey: 'phc_test', host: bad as string } }), 'posthog', 'host');
      expectRefused(() => createTracker(catalog, { posthog: { apiKey: 'phc_test', host: bad as string, transport: 'direct' } }), 'posthog', 'host');
    }
    expect(() => createTracker(catalog, { webhook: { url: 'https://user:hunter2@example.com/hook' } })).toThrowError(/without user:password@ \(got "https:\/\/\*\*\*:\*\*\*@example\.com\/hook"\)/);
    expectAccepted(() => createTracker(catalog, { webhook: { url: 'https://hooks.example.com/in?k=1' }, posthog: { apiKey: 'phc_test', host: 'http://localhost:8000' } }));
  });

  it('PostHog keys must be project API keys ("phc_…"); a personal key is refused without echoing it', () => {
    for (const transport of ['client', 'direct'] as const) {
      for (const bad of ['sk_live_x', 'phc_', 'phc_a b', 123]) expectRefused(() => createTracker(catalog, { posthog: { apiKey: bad as string, transport } }), 'posthog', 'apiKey');
      let error: Error | undefined;
      try {
        createTracker(catalog, { posthog: { apiKey: 'phx_personalSecret123', transport } });
      } catch (e) {
        error = e as Error;
      }
      expect(error).toBeInstanceOf(TrackplanConfigError);
      expect(error!.message).toMatch(/\[posthog\] apiKey must be a PostHog project API key.*personal API key/);
      expect(error!.message).not.toContain('personalSecret123');
      expectAccepted(() => createTracker(catalog, { posthog: { apiKey: 'phc_Ab-9_z', host: 'http://127.0.0.1:9', transport } }));
    }
  });

  it('two destinations with the same name are refused, naming destinations', () => {
    const twice = () => createTracker(catalog, { destinations: [memoryDestination({ name: 'posthog' }), memoryDestination({ name: 'posthog' })] });
    expect(twice).toThrowError(TrackplanConfigError);
    expect(twice).toThrowError(/destinations: two destinations are named "posthog"/);
    // The webhook option and a memory destination named "webhook" collide too.
    expect(() => createTracker(catalog, { webhook: { url }, destinations: [memoryDestination({ name: 'webhook' })] })).toThrowError(TrackplanConfigError);
    expectAccepted(() => createTracker(catalog, { webhook: { url }, destinations: [memoryDestination({ name: 'posthog' }), memoryDestination({ name: 'audit' })] }));
  });
});
