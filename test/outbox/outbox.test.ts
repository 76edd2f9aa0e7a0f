import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDispatcher, createOutbox, toSqlDatabase, type SqlDatabase } from '../../src/outbox/index';
import { freshTable, outboxDrivers, useOutboxSuite, uuidOf } from '../helpers/outbox-drivers';
import { catalog, paid } from '../fixtures/storefront-catalog';

const start = (i: number) => ({ order_id: `o_${i}`, tier: 'pro', subtotal: i, country: 'US' });

describe.each(outboxDrivers())('outbox on %s', (_name, open) => {
  const suite = useOutboxSuite(open);

  async function setup(table = freshTable()) {
    const outbox = createOutbox(catalog, { db: suite.driver.db, table, source: 'orders-service' });
    await outbox.migrate();
    await outbox.migrate(); // idempotent
    return outbox;
  }
  const webhookEvents = (table: string) => suite.receiver.webhookEvents().filter((e) => e.properties.table === table || e.source === table);

  it('a rolled-back event is never delivered; a committed one exactly once, with the BatchTrack columns', async () => {
    const table = freshTable();
    const outbox = createOutbox(catalog, { db: suite.driver.db, table, source: table });
    await outbox.migrate();
    const db = toSqlDatabase(suite.driver.db);
    await expect(
      db.transaction(async (tx) => {
        await outbox.record(tx, 'order.paid', { ...paid, order_id: 'rolled_back' }, { distinctId: 'user_1' });
        throw new Error('payment failed: business rollback');
      }),
    ).rejects.toThrow(/business rollback/);
    const recorded = await db.transaction((tx) =>
      outbox.record(tx, 'order.paid', { ...paid, order_id: 'committed' }, { distinctId: 'user_1', groups: { organization: 'org_9' }, entity: { type: 'order', id: 'committed' }, correlationId: 'req_1' }),
    );
    const uuid = uuidOf(recorded);
    const { rows } = await db.query(`SELECT * FROM "${table}"`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ uuid, event_name: 'order.paid', organization_id: 'org_9', user_id: 'user_1', entity_type: 'order', entity_id: 'committed', correlation_id: 'req_1', source: table, schema_version: 2, is_processed: false, delivery_attempts: 0 });

    const dispatcher = createDispatcher(outbox, { webhook: { url: `${suite.receiver.url}/webhook` } });
    expect(await dispatcher.runOnce()).toEqual({ claimed: 1, delivered: 1, failed: 0, parked: 0 });
    expect(await dispatcher.runOnce()).toEqual({ claimed: 0, delivered: 0, failed: 0, parked: 0 });
    await dispatcher.shutdown();
    const arrived = webhookEvents(table);
    expect(arrived.map((e) => [e.uuid, e.properties.order_id])).toEqual([[uuid, 'committed']]);
    expect(await outbox.rowStats()).toMatchObject({ pending: 0, processed: 1, parked: 0 });
  });

  it('redacts PII like track(), and counts it in stats()', async () => {
    const outbox = await setup();
    const db = toSqlDatabase(suite.driver.db);
    await outbox.record(db, 'support.contacted', { topic: 'call +44 20 7946 0958' });
    const { rows } = await db.query<{ properties: { topic: string } }>(`SELECT properties FROM ${outbox.table}`);
    expect(rows.map((r) => r.properties.topic)).toEqual(['call [redacted:phone]']);
    expect(outbox.stats()).toEqual({ tracked: 1, dropped: {}, violations: 1, redactions: 1, destinations: {} });
  });

  it('parks a row after parkAfterAttempts with its last_error, counted and visible', async () => {
    const outbox = await setup();
    const db = toSqlDatabase(suite.driver.db);
    await outbox.record(db, 'checkout.start', start(1));
    const errors: unknown[] = [];
    const dispatcher = createDispatcher(outbox, { webhook: { url: `${suite.receiver.url}/always-400`, retryBaseMs: 1 }, parkAfterAttempts: 2, backoffMs: 0, onError: (e) => errors.push(e) });
    suite.receiver.setFault((request) => (request.path === '/always-400' ? 400 : undefined));
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, failed: 1 });
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, parked: 1 });
    suite.receiver.setFault(undefined);
    await dispatcher.shutdown();
    const { rows } = await db.query<{ last_error: string; delivery_attempts: number; parked_at: unknown }>(`SELECT last_error, delivery_attempts, parked_at FROM ${outbox.table}`);
    expect(rows[0].last_error).toMatch(/http_400/);
    expect(rows[0].delivery_attempts).toBe(2);
    expect(rows[0].parked_at).not.toBeNull();
    expect(await outbox.rowStats()).toMatchObject({ pending: 0, processed: 0, parked: 1 });
    expect(String(errors.at(-1))).toMatch(/parked after 2 attempts/);
    expect(dispatcher.stats()).toMatchObject({ tracked: 2, dropped: { delivery_failed: 1 }, violations: 0 });
  });

  it('4 dispatchers, 5,000 events, a receiver failing 20% of requests: every event arrives, none twice', async () => {
    const table = freshTable();
    const outbox = createOutbox(catalog, { db: suite.driver.db, table, source: table });
    await outbox.migrate();
    const db = toSqlDatabase(suite.driver.db);
    const uuids = new Set<string>();
    for (let chunk = 0; chunk < 10; chunk++) {
      await db.transaction(async (tx) => {
        for (let i = 0; i < 500; i++) uuids.add(uuidOf(await outbox.record(tx, 'checkout.start', start(chunk * 500 + i))));
      });
    }
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    suite.receiver.setFault((request) => (request.path === `/webhook-${table}` && random() < 0.2 ? 503 : undefined));
    const dispatchers = Array.from({ length: 4 }, () =>
      createDispatcher(createOutbox(catalog, { db: suite.driver.extra(), table }), { webhook: { url: `${suite.receiver.url}/webhook-${table}`, batchSize: 100, retryBaseMs: 1 }, batchSize: 200, backoffMs: 1, parkAfterAttempts: 100 }),
    );
    const arrived = () => suite.receiver.webhookBatches.filter((b) => b.events[0]?.source === table).flatMap((b) => b.events.map((e) => e.uuid as string));
    const deadline = Date.now() + 60_000;
    while ((await outbox.rowStats()).pending > 0 && Date.now() < deadline) await Promise.all(dispatchers.map((d) => d.runOnce()));
    suite.receiver.setFault(undefined);
    await Promise.all(dispatchers.map((d) => d.shutdown()));
    const got = arrived();
    expect(new Set(got).size).toBe(5000);
    expect([...new Set(got)].every((u) => uuids.has(u))).toBe(true);
    expect(got.length).toBe(5000); // none twice: a failed request delivered nothing, so nothing is resent
    expect(await outbox.rowStats()).toMatchObject({ pending: 0, processed: 5000, parked: 0 });
  }, 120_000);

  it('record() never throws under the default validation, and never stores a non-JSON value', async () => {
    const outbox = await setup();
    const db = toSqlDatabase(suite.driver.db);
    await fc.assert(
      fc.asyncProperty(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true }), async (note) => {
        await outbox.record(db, 'support.contacted', { topic: 't', note } as never);
      }),
      { numRuns: 100, seed: 20261122 },
    );
    const { rows } = await db.query<{ properties: unknown }>(`SELECT properties FROM ${outbox.table}`);
    for (const row of rows) expect(JSON.parse(JSON.stringify(row.properties))).toEqual(row.properties);
  });
});

describe('outbox configuration', () => {
  it('refuses a bad table name or db at start-up', () => {
    expect(() => createOutbox(catalog, { db: {}, table: 'x' })).toThrow(/db must be a pg Pool or Client, or a PGlite instance/);
    expect(() => createOutbox(catalog, { db: { query: async () => ({ rows: [] }) }, table: 'x; drop table y' })).toThrow(/table must be a plain identifier/);
  });
});

export type { SqlDatabase };
