// @vitest-environment happy-dom
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogs } from '../../schema/index';
import * as esimClient from '../../schema/clients/esim/index';
import * as storefrontClient from '../../schema/clients/storefront/index';
import { catalog as storefront } from '../../schema/storefront';
import { createTracker } from '../../src/browser/index';
import { compileJsonSchema } from '../../src/core/json-schema';
import { catalogJson } from '../../src/cli/json-schema-export';
import { sampleObject } from '../../src/cli/samples';
import { memoryDestination } from '../../src/testing/index';

/** Values that break a property's rules in the usual ways. */
const mutations = fc.oneof(fc.constant(undefined), fc.constant(null), fc.string({ maxLength: 300 }), fc.integer(), fc.double(), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }), fc.constant(''), fc.constant('US'), fc.constant(-1), fc.constant(1.5));

describe('generated validators enforce the same rules as the zod schemas', () => {
  for (const catalog of catalogs) {
    const plan = catalogJson(catalog);
    it(`${catalog.name}: compiled validators and zod agree on valid and mutated inputs`, () => {
      for (const [name, event] of Object.entries(plan.events)) {
        const compiled = compileJsonSchema(event.properties);
        const zod = catalog.events[name].validate;
        const sample = sampleObject(event.properties);
        expect(compiled(sample).ok, `${name} sample`).toBe(true);
        expect(zod(sample).ok, `${name} sample (zod)`).toBe(true);
        const keys = Object.keys(event.properties.properties ?? {});
        if (!keys.length) continue;
        fc.assert(
          fc.property(fc.constantFrom(...keys), mutations, (key, value) => {
            const input = { ...sample, [key]: value };
            expect(compiled(input).ok, `${name}.${key} = ${JSON.stringify(value)}`).toBe(zod(input).ok);
          }),
          { numRuns: 60, seed: 7 },
        );
      }
    });
  }
});

describe('the generated storefront client', () => {
  it('delivers exactly like the hand-written tracker with the zod catalog', async () => {
    const generated = memoryDestination({ name: 'posthog' }); // order.paid goes to posthog and webhook only
    const written = memoryDestination({ name: 'posthog' });
    const props = { order_id: 'ord_1', amount: 58, currency: 'usd', tier: 'pro', item_count: 2, skus: ['A-1'], country: 'US' };
    storefrontClient.trackOrderPaid(props, { distinctId: 'early' }); // before init: waits, then runs
    expect(storefrontClient.stats()).toMatchObject({ queued: 1, tracked: 1 });
    const ready = storefrontClient.init({ destinations: [generated] });
    // On Node the tracker is made inside init() (request scopes and config errors as with createTracker).
    expect(storefrontClient.stats().queued).toBe(0);
    expect(typeof (await ready).stats).toBe('function');
    storefrontClient.trackCheckoutStart({ order_id: 'ord_1', tier: 'pro', subtotal: 58, country: 'US' }, { distinctId: 'u1' });
    storefrontClient.track('order.paid', { ...props, amount: 'x' as never }, { distinctId: 'u1' });
    await storefrontClient.flush();

    const tracker = createTracker(storefront, { destinations: [written] });
    tracker.track('order.paid', props, { distinctId: 'early' });
    tracker.track('checkout.start', { order_id: 'ord_1', tier: 'pro', subtotal: 58, country: 'US' }, { distinctId: 'u1' });
    tracker.track('order.paid', { ...props, amount: 'x' as never }, { distinctId: 'u1' });
    await tracker.flush();

    const strip = (events: typeof written.events) => events.map(({ uuid, timestamp, ...rest }) => rest);
    expect(strip(generated.events)).toEqual(strip(written.events));
    expect(generated.events[0].revenue).toEqual({ amount: 58, currency: 'USD' });
  });
});

describe('the generated esim client', () => {
  it('tracks app_opened, an event without properties, with no arguments', async () => {
    const destination = memoryDestination({ name: 'webhook' });
    await esimClient.init({ destinations: [destination] });
    esimClient.trackAppOpened();
    esimClient.trackAppOpened(undefined, { distinctId: 'u1' });
    esimClient.track('app_opened');
    await esimClient.flush();
    expect(destination.events.map((e) => [e.event, e.properties])).toEqual([
      ['app_opened', {}],
      ['app_opened', {}],
      ['app_opened', {}],
    ]);
    expect(esimClient.stats()).toMatchObject({ tracked: 3, violations: 0 });
  });
});
