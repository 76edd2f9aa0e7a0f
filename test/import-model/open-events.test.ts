import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { catalogJson } from '../../src/cli/json-schema-export';
import { defineCatalog, defineCompiledCatalog, defineEvent } from '../../src/core/catalog';
import { compileJsonSchema } from '../../src/core/json-schema';
import type { Violation } from '../../src/core/types';
import { createTracker } from '../../src/node/index';
import { startReceiver, type Receiver } from '../helpers/receiver';

let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const fast = { retryBaseMs: 5, retryMaxMs: 100, flushIntervalMs: 20 };

const catalog = defineCatalog({
  name: 'imported',
  version: 1,
  naming: { events: 'any' },
  events: {
    'Order Completed': defineEvent({ open: true, description: 'An order was completed.', properties: z.object({ order_id: z.string().describe('Order id') }) }),
    'Empty Event': defineEvent({ open: true, description: 'Accepts any properties.' }),
    closed_event: defineEvent({ description: 'A closed event.', properties: z.object({ order_id: z.string().describe('Order id') }) }),
  },
});

/** The same catalog as a generated client holds it: compiled from its JSON Schema, no zod. */
function compiledCatalog() {
  const plan = catalogJson(catalog);
  return defineCompiledCatalog<{ [K in keyof typeof plan.events]: Record<string, unknown> }>({
    name: plan.name,
    version: plan.version,
    groups: {},
    events: Object.fromEntries(
      Object.entries(plan.events).map(([name, event]) => [name, { name, description: event.description, version: event.version, piiAllow: event.piiAllow, validate: compileJsonSchema(event.properties) }]),
    ),
  });
}

const extra = { coupon: 'SUMMER', nested: { depth: [1, 2] }, email: 'ada@example.com', note: 'x'.repeat(300) };

for (const [label, make] of [['zod catalog', () => catalog], ['compiled (generated client) catalog', compiledCatalog]] as const) {
  describe(`open events through track() to the webhook (${label})`, () => {
    it('keeps undeclared properties, reports nothing for them, and still redacts and truncates them', async () => {
      receiver = await startReceiver();
      const violations: Violation[] = [];
      const tracker = createTracker(make() as typeof catalog, { webhook: { url: `${receiver.url}/webhook`, ...fast }, onViolation: (v) => violations.push(v) });
      tracker.track('Order Completed', { order_id: 'o_1', ...extra });
      tracker.track('Empty Event', { anything: 42, email: 'bob@example.com' });
      tracker.track('closed_event', { order_id: 'o_2', coupon: 'SUMMER' } as never);
      await tracker.flush();
      const [open, empty, closed] = receiver.webhookEvents();
      expect(open.event_name).toBe('Order Completed');
      expect(open.properties).toMatchObject({ order_id: 'o_1', coupon: 'SUMMER', nested: { depth: [1, 2] } });
      expect(open.properties.email).not.toBe('ada@example.com'); // PII guard ran over the undeclared key
      expect(open.properties.note.length).toBeLessThan(300); // size guard too
      expect(empty.properties).toMatchObject({ anything: 42 });
      expect(empty.properties.email).not.toBe('bob@example.com');
      expect(closed.properties).toEqual({ order_id: 'o_2' });
      expect(violations.filter((v) => v.kind === 'unknown_properties').map((v) => v.event)).toEqual(['closed_event']);
      expect(violations.filter((v) => v.kind === 'pii').map((v) => v.event)).toEqual(['Order Completed', 'Empty Event']);
      expect(violations.filter((v) => v.kind === 'truncated').map((v) => v.path)).toEqual(['note']);
      await tracker.shutdown(500);
    });

    it('still checks the declared properties of an open event', async () => {
      const violations: Violation[] = [];
      const tracker = createTracker(make() as typeof catalog, { destinations: [], onViolation: (v) => violations.push(v), validation: 'drop' });
      tracker.track('Order Completed', { order_id: 5, coupon: 'x' } as never);
      await tracker.flush();
      expect(violations.map((v) => [v.kind, v.path])).toEqual([['invalid_properties', 'order_id']]);
      expect(tracker.stats().dropped).toMatchObject({ invalid: 1 });
      await tracker.shutdown(500);
    });
  });
}

describe('open events in the JSON Schema export', () => {
  it('emits additionalProperties true for open events and false for closed ones', () => {
    const plan = catalogJson(catalog);
    expect(plan.events['Order Completed'].properties.additionalProperties).toBe(true);
    expect(plan.events['Empty Event'].properties.additionalProperties).toBe(true);
    expect(plan.events.closed_event.properties.additionalProperties).toBe(false);
  });
});
