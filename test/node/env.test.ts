import { afterEach, describe, expect, it } from 'vitest';
import { createTrackerFromEnv } from '../../src/node/index';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { catalog, paid } from '../fixtures/storefront-catalog';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('createTrackerFromEnv', () => {
  it("reads the seeds' keys: POSTHOG_PROJECT_API_KEY, POSTHOG_HOST, DOMAIN_EVENT_WEBHOOK_URL, ANALYTICS_WEBHOOK_SECRET", async () => {
    receiver = await startReceiver();
    const tracker = createTrackerFromEnv(catalog, {}, {
      POSTHOG_PROJECT_API_KEY: 'phc_env',
      POSTHOG_HOST: receiver.url,
      DOMAIN_EVENT_WEBHOOK_URL: `${receiver.url}/webhook`,
      ANALYTICS_WEBHOOK_SECRET: 'whsec_env',
    });
    tracker.track('order.paid', paid, { distinctId: 'u_env' });
    await tracker.shutdown(2000);
    expect(receiver.events.map((e) => e.event)).toEqual(['order.paid']);
    expect(receiver.webhookBatches[0].headers['x-trackplan-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it('with no key set it validates and counts, sends nothing, and debug says why', async () => {
    const lines: string[] = [];
    const tracker = createTrackerFromEnv(catalog, { debug: (line) => lines.push(line) }, {});
    tracker.track('order.paid', { ...paid, amount: 'x' } as never);
    await tracker.flush();
    expect(tracker.stats()).toMatchObject({ tracked: 1, violations: 1, dropped: { no_destination: 1 } });
    expect(lines.join('\n')).toMatch(/POSTHOG_API_KEY.*is set/);
  });

  it('POSTHOG_DISABLED=true counts everything as disabled; POSTHOG_DEBUG turns the log on', async () => {
    const tracker = createTrackerFromEnv(catalog, {}, { POSTHOG_API_KEY: 'phc_x', POSTHOG_HOST: 'http://127.0.0.1:9', POSTHOG_DISABLED: 'true' });
    tracker.track('order.paid', paid);
    expect(tracker.stats().dropped).toEqual({ disabled: 1 });
    await tracker.shutdown(100);
  });
});
