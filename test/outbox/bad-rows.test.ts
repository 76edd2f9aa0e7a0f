import * as z from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCatalog, defineCompiledCatalog, defineEvent } from '../../src/core/catalog';
import { createDispatcher, createOutbox, toSqlDatabase, type DispatcherOptions, type OutboxViolation } from '../../src/outbox/index';
import { memoryDestination } from '../../src/testing/index';
import { freshTable, outboxDrivers, uuidOf, type OutboxDriver } from '../helpers/outbox-drivers';
import { catalog, paid } from '../fixtures/storefront-catalog';

/** The storefront catalog one release later: an event removed, a property retyped, one undeclared. */
const nextCatalog = defineCatalog({
  name: 'storefront',
  version: 4,
  events: {
    'checkout.start': defineEvent({
      description: 'Checkout page opened',
      properties: z.object({ order_id: z.string(), tier: z.string(), subtotal: z.string(), country: z.string().length(2) }),
    }),
    'order.paid': defineEvent({
      description: 'Stripe payment succeeded for an order',
      version: 2,
      revenue: { amount: 'amount', currency: 'currency' },
      destinations: ['posthog', 'webhook'],
      properties: z.object({ order_id: z.string(), amount: z.number(), currency: z.string(), tier: z.string(), item_count: z.number().int(), country: z.string() }),
    }),
    signup_page_viewed: defineEvent({
      description: 'The signup page was shown',
      properties: z.object({ referrer: z.string().optional() }),
    }),
  },
});

const badRows = [
  { kind: 'properties stored as a JSON string', event: 'checkout.start', props: { order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' }, set: `properties = '"just a string"'::jsonb`, lastError: /^malformed_row: properties: expected a JSON object, got a string \("just a string"\)$/ },
  { kind: 'properties null on an event with revenue', event: 'order.paid', props: paid, set: `properties = 'null'::jsonb`, lastError: /^malformed_row: properties: expected a JSON object, got null$/ },
  { kind: "occurred_at = 'infinity'", event: 'checkout.start', props: { order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' }, set: `occurred_at = 'infinity'`, lastError: /^malformed_row: occurred_at: expected a finite point in time, got "infinity"$/ },
  { kind: 'occurred_at past the largest JavaScript date', event: 'checkout.start', props: { order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' }, set: `occurred_at = '280000-01-01T00:00:00Z'`, lastError: /^malformed_row: occurred_at: expected a finite point in time, got "280000-01-01 00:00:00\+00"$/ },
] as const;

describe.each(outboxDrivers())('outbox rows the dispatcher cannot send as they are, on %s', (_name, open) => {
  let driver: OutboxDriver;
  beforeAll(async () => {
    driver = await open();
  });
  afterAll(async () => {
    await driver?.close();
  });

  /** 20 good rows, the given row, 20 more good rows: the bad one sits in the middle of the batch. */
  async function seed(table: string, bad: { event: string; props: object }) {
    const outbox = createOutbox(catalog, { db: driver.db, table, source: table });
    await outbox.migrate();
    const db = toSqlDatabase(driver.db);
    const good: string[] = [];
    const signup = (i: number) => outbox.record(db, 'signup_page_viewed', { referrer: `r_${i}` }).then((recorded) => void good.push(uuidOf(recorded)));
    for (let i = 0; i < 20; i++) await signup(i);
    const badUuid = uuidOf(await outbox.record(db, bad.event as never, bad.props as never));
    for (let i = 20; i < 40; i++) await signup(i);
    return { db, good, badUuid };
  }

  /** Four passes with a 1 ms lease: a row left unmarked by a pass is claimed (and sent) again by the next. */
  async function dispatch(table: string, runWith: typeof catalog | typeof nextCatalog, options: DispatcherOptions = {}) {
    const memory = memoryDestination({ name: 'webhook' });
    const errors: unknown[] = [];
    const violations: OutboxViolation[] = [];
    const dispatcher = createDispatcher(createOutbox(runWith, { db: driver.db, table }), {
      destinations: [memory],
      leaseMs: 1,
      backoffMs: 0,
      onError: (e) => errors.push(e),
      onViolation: (v) => violations.push(v),
      ...options,
    });
    const passes: unknown[] = [];
    for (let i = 0; i < 4; i++) passes.push(await dispatcher.runOnce().catch((error: unknown) => `runOnce threw ${String(error)}`));
    await dispatcher.shutdown();
    return { memory, errors, violations, passes };
  }

  const rowOf = async (db: ReturnType<typeof toSqlDatabase>, table: string, uuid: string) =>
    (await db.query<{ id: string | number; is_processed: boolean; parked_at: unknown; last_error: string | null }>(`SELECT id, is_processed, parked_at, last_error FROM "${table}" WHERE uuid = $1`, [uuid])).rows[0];

  it.each(badRows)('$kind: parked at once, naming the column; the 40 good rows are delivered once each', async (bad) => {
    const table = freshTable();
    const { db, good, badUuid } = await seed(table, bad);
    await db.query(`UPDATE "${table}" SET ${bad.set} WHERE uuid = $1`, [badUuid]);

    const { memory, errors, passes } = await dispatch(table, catalog);

    const arrived = memory.events.map((e) => e.uuid);
    expect({ arrivals: arrived.length, distinct: new Set(arrived).size }).toEqual({ arrivals: 40, distinct: 40 }); // none twice
    expect(new Set(arrived)).toEqual(new Set(good));
    expect(passes).toEqual([
      { claimed: 41, delivered: 40, failed: 0, parked: 1 },
      { claimed: 0, delivered: 0, failed: 0, parked: 0 },
      { claimed: 0, delivered: 0, failed: 0, parked: 0 },
      { claimed: 0, delivered: 0, failed: 0, parked: 0 },
    ]);
    const row = await rowOf(db, table, badUuid);
    expect(row.is_processed).toBe(false);
    expect(row.parked_at).not.toBeNull();
    expect(row.last_error).toMatch(bad.lastError);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain(`${bad.event} ${badUuid} (row ${row.id}) parked without delivery: malformed_row: ${bad.set.split(' ')[0]}:`);
  });

  it('a row with null groups, far-past and far-future times, and a property holding JSON text is delivered as stored', async () => {
    const table = freshTable();
    const { db, good, badUuid } = await seed(table, { event: 'support.contacted', props: { topic: '{"not":"parsed"}' } });
    await db.query(`UPDATE "${table}" SET groups = 'null'::jsonb, occurred_at = '0001-01-01T00:00:00Z' WHERE uuid = $1`, [badUuid]);
    await db.query(`UPDATE "${table}" SET occurred_at = '9999-12-31T23:59:59.999Z' WHERE uuid = $1`, [good[0]]);
    const { memory, errors, passes } = await dispatch(table, catalog);
    expect(passes[0]).toEqual({ claimed: 41, delivered: 41, failed: 0, parked: 0 });
    expect(errors).toEqual([]);
    const odd = memory.events.find((e) => e.uuid === badUuid)!;
    expect(odd).toMatchObject({ groups: {}, timestamp: '0001-01-01T00:00:00.000Z', properties: { topic: '{"not":"parsed"}' } });
    expect(memory.events.find((e) => e.uuid === good[0])!.timestamp).toBe('9999-12-31T23:59:59.999Z');
  });

  it('a row whose handling throws (a hostile catalog) is retried and parked after parkAfterAttempts; the rest of the batch is delivered', async () => {
    const table = freshTable();
    const { db, good, badUuid } = await seed(table, { event: 'support.contacted', props: { topic: 'refund' } });
    const spec = catalog.events['support.contacted'];
    const hostile = defineCompiledCatalog({
      ...catalog,
      events: { ...catalog.events, 'support.contacted': Object.defineProperty({ ...spec }, 'revenue', { get: () => { throw new Error('revenue getter exploded'); } }) },
    }) as unknown as typeof catalog;
    const { memory, errors, passes } = await dispatch(table, hostile, { parkAfterAttempts: 2 });
    expect(passes.slice(0, 3)).toEqual([
      { claimed: 41, delivered: 40, failed: 1, parked: 0 },
      { claimed: 1, delivered: 0, failed: 0, parked: 1 },
      { claimed: 0, delivered: 0, failed: 0, parked: 0 },
    ]);
    expect(new Set(memory.events.map((e) => e.uuid))).toEqual(new Set(good));
    expect(memory.events).toHaveLength(40);
    expect((await rowOf(db, table, badUuid)).last_error).toBe('internal_error: Error: revenue getter exploded');
    expect(errors.map(String)).toEqual([expect.stringMatching(/support\.contacted .* parked after 2 attempts: internal_error: Error: revenue getter exploded/)]);
  });

  describe('rows recorded under an older catalog', () => {
    const cases = [
      { validation: undefined, invalid: 'delivered', undeclared: 'delivered' },
      { validation: 'report', invalid: 'delivered', undeclared: 'delivered' },
      { validation: 'drop', invalid: 'parked', undeclared: 'delivered' },
      { validation: 'throw', invalid: 'parked', undeclared: 'parked' },
    ] as const;

    it.each(cases)('validation $validation: unknown event parked; invalid properties $invalid; undeclared properties $undeclared', async ({ validation, invalid, undeclared }) => {
      const table = freshTable();
      const { db, good, badUuid: removedUuid } = await seed(table, { event: 'support.contacted', props: { topic: 'refund' } });
      const outbox = createOutbox(catalog, { db: driver.db, table, source: table });
      const retypedUuid = uuidOf(await outbox.record(db, 'checkout.start', { order_id: 'o_1', tier: 'pro', subtotal: 12, country: 'US' }));
      const undeclaredUuid = uuidOf(await outbox.record(db, 'order.paid', paid));
      const ids = {
        removed: String((await rowOf(db, table, removedUuid)).id),
        retyped: String((await rowOf(db, table, retypedUuid)).id),
        undeclared: String((await rowOf(db, table, undeclaredUuid)).id),
      };

      const { memory, errors, violations, passes } = await dispatch(table, nextCatalog, validation ? { validation } : {});

      const parkedCount = 1 + (invalid === 'parked' ? 1 : 0) + (undeclared === 'parked' ? 1 : 0);
      expect(passes[0]).toEqual({ claimed: 43, delivered: 43 - parkedCount, failed: 0, parked: parkedCount });
      expect(passes.slice(1)).toEqual(Array(3).fill({ claimed: 0, delivered: 0, failed: 0, parked: 0 }));
      const arrived = memory.events.map((e) => e.uuid);
      const expected = [...good, ...(invalid === 'delivered' ? [retypedUuid] : []), ...(undeclared === 'delivered' ? [undeclaredUuid] : [])];
      expect(arrived.length).toBe(expected.length);
      expect(new Set(arrived)).toEqual(new Set(expected));

      // The removed event: parked, reported once through onError and once as a violation.
      const removed = await rowOf(db, table, removedUuid);
      expect(removed.parked_at).not.toBeNull();
      expect(removed.last_error).toBe('unknown_event: "support.contacted" is not an event of catalog "storefront"; it was not delivered');
      const removedErrors = errors.filter((e) => String(e).includes(removedUuid));
      expect(removedErrors).toHaveLength(1);
      expect(String(removedErrors[0])).toMatch(/\[trackplan\] \[outbox\] support\.contacted .* parked without delivery: unknown_event/);

      // The good rows are left alone: no violation names them.
      expect(new Set(violations.map((v) => v.rowId))).toEqual(new Set([ids.removed, ids.retyped, ids.undeclared]));
      expect(violations.find((v) => v.rowId === ids.removed)).toEqual({ kind: 'unknown_event', event: 'support.contacted', message: expect.stringContaining('not an event'), action: 'dropped', rowId: ids.removed });

      const retyped = await rowOf(db, table, retypedUuid);
      expect(violations.filter((v) => v.rowId === ids.retyped)).toEqual([
        { kind: 'invalid_properties', event: 'checkout.start', path: 'subtotal', message: expect.stringMatching(/expected string/), action: invalid === 'parked' ? 'dropped' : 'delivered', rowId: ids.retyped },
      ]);
      if (invalid === 'parked') {
        expect(retyped.parked_at).not.toBeNull();
        expect(retyped.last_error).toMatch(/^invalid_properties: subtotal: .*expected string/);
        expect(errors.filter((e) => String(e).includes(retypedUuid))).toHaveLength(1);
      } else {
        expect(retyped).toMatchObject({ is_processed: true, parked_at: null, last_error: null });
        expect(memory.events.find((e) => e.uuid === retypedUuid)!.properties).toEqual({ order_id: 'o_1', tier: 'pro', subtotal: 12, country: 'US' });
      }

      const undeclaredRow = await rowOf(db, table, undeclaredUuid);
      expect(violations.filter((v) => v.rowId === ids.undeclared)).toEqual([
        { kind: 'unknown_properties', event: 'order.paid', path: 'skus', keys: ['skus'], message: expect.stringContaining('"skus" is not declared'), action: undeclared === 'parked' ? 'dropped' : 'removed', rowId: ids.undeclared },
      ]);
      if (undeclared === 'parked') {
        expect(undeclaredRow.last_error).toMatch(/^unknown_properties: skus: /);
        expect(errors.filter((e) => String(e).includes(undeclaredUuid))).toHaveLength(1);
      } else {
        const sent = memory.events.find((e) => e.uuid === undeclaredUuid)!;
        expect(sent.properties).not.toHaveProperty('skus');
        expect(sent.revenue).toEqual({ amount: 49.99, currency: 'USD' });
      }
      expect(errors).toHaveLength(parkedCount);
    });
  });
});

describe('dispatcher validation option', () => {
  it('refuses a value other than report, drop or throw at start-up', () => {
    const outbox = createOutbox(catalog, { db: { query: async () => ({ rows: [] }) }, table: 'x' });
    expect(() => createDispatcher(outbox, { validation: 'warn' as never })).toThrow(/\[outbox\] createDispatcher\(\): validation must be 'report', 'drop' or 'throw' \(got "warn"\)/);
    expect(() => createDispatcher(outbox, { validation: 'drop' })).not.toThrow();
  });
});
