import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it } from 'vitest';
import { createTracker as createBrowserTracker } from '../../src/browser/index';
import { BROWSER_BUILTINS, BUILTIN_RUNTIMES, NODE_BUILTINS } from '../../src/destinations/registry';
import { createTracker, isTrackplanError } from '../../src/node/index';
import { createDispatcher, createOutbox, toSqlDatabase } from '../../src/outbox/index';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { catalog } from '../fixtures/storefront-catalog';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('the built-in destination registry', () => {
  it('lists every built-in once, under its own name, in the runtimes it says it runs in', () => {
    const tables = { node: NODE_BUILTINS, browser: BROWSER_BUILTINS } as Record<string, Record<string, { name: string }>>;
    const keys = new Set([...Object.keys(NODE_BUILTINS), ...Object.keys(BROWSER_BUILTINS)]);
    expect(Object.keys(BUILTIN_RUNTIMES).sort()).toEqual([...keys].sort());
    for (const [key, runtimes] of Object.entries(BUILTIN_RUNTIMES))
      for (const runtime of ['node', 'browser']) {
        expect(key in tables[runtime], `${key} in ${runtime}`).toBe(runtimes.includes(runtime as 'node'));
        if (key in tables[runtime]) expect(tables[runtime][key].name).toBe(key);
      }
  });

  it('a built-in configured where it does not run is refused, saying where it runs; the same option where it runs is taken', () => {
    let error: unknown;
    try {
      createTracker(catalog, { ga4: { measurementId: 'G-TEST1' } } as never);
    } catch (caught) {
      error = caught;
    }
    expect(isTrackplanError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/\[ga4\] runs only in trackplan\/browser; remove `ga4` from this Node tracker's options/);
    expect(() => createBrowserTracker(catalog, { ga4: { measurementId: 'G-TEST1' } })).not.toThrow();
  });

  it('the outbox dispatcher makes its destinations from the registry, with their outbox settings: a failing batch is tried twice per pass', async () => {
    receiver = await startReceiver();
    receiver.setFault(() => 503);
    const db = new PGlite();
    try {
      const outbox = createOutbox(catalog, { db, table: 'registry_outbox' });
      await outbox.migrate();
      await outbox.record(toSqlDatabase(db), 'checkout.start', { order_id: 'o_1', tier: 'pro', subtotal: 1, country: 'US' });
      const dispatcher = createDispatcher(outbox, { webhook: { url: `${receiver.url}/webhook`, retryBaseMs: 1 }, backoffMs: 0, onError: () => {} });
      expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, failed: 1 });
      expect(receiver.requests).toHaveLength(2); // the webhook's outbox setting maxAttempts: 2, not the tracker's 10
      await dispatcher.stop(1000);
    } finally {
      await db.close();
    }
  });
});
