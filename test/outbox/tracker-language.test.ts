import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { defineCompiledCatalog } from '../../src/core/catalog';
import { isTrackplanError } from '../../src/core/errors';
import { createTracker } from '../../src/node/index';
import { createDispatcher, createOutbox, outboxMigrationSql, toSqlDatabase, type OutboxOptions, type Violation } from '../../src/outbox/index';
import { memoryDestination } from '../../src/testing/index';
import { freshTable, outboxDrivers, useOutboxSuite, uuidOf } from '../helpers/outbox-drivers';
import { catalog, paid } from '../fixtures/storefront-catalog';

/** What track() and record() are both given, in this order. */
const calls: [string, Record<string, unknown>][] = [
  ['order.paid', paid],
  ['order.paid', { ...paid, order_id: 'undeclared', coupon: 'SPRING' }],
  ['order.paid', { ...paid, order_id: 'invalid', amount: 'lots' }],
  ['no.such.event', {}],
  ['support.contacted', { topic: 'call +44 20 7946 0958' }],
];
const modes = [undefined, 'report', 'drop', 'throw'] as const;

const brief = (v: Violation) => ({ kind: v.kind, event: v.event, path: v.path, action: v.action });
const thrownName = (error: unknown) => (isTrackplanError(error) ? error.name : `not a trackplan error: ${String(error)}`);

describe.each(outboxDrivers())('the outbox speaks the tracker\'s language, on %s', (_name, open) => {
  const suite = useOutboxSuite(open);

  async function outboxWith(options: Omit<OutboxOptions, 'db'> = {}) {
    const outbox = createOutbox(catalog, { db: suite.driver.db, table: freshTable(), ...options });
    await outbox.migrate();
    return outbox;
  }
  const rowsOf = async (table: string) =>
    (await toSqlDatabase(suite.driver.db).query<{ event_name: string; properties: Record<string, unknown> }>(`SELECT event_name, properties FROM ${table} ORDER BY id`)).rows;

  it.each(modes)('validation %s: record() stores, drops, throws and reports exactly what track() delivers, drops, throws and reports', async (validation) => {
    const memory = memoryDestination({ name: 'webhook' });
    const trackerViolations: Violation[] = [];
    const tracker = createTracker(catalog, { validation, destinations: [memory], onViolation: (v) => trackerViolations.push(v) });
    const outboxViolations: Violation[] = [];
    const outbox = await outboxWith({ validation, onViolation: (v) => outboxViolations.push(v) });
    const db = toSqlDatabase(suite.driver.db);

    const trackerThrew: string[] = [];
    const outboxThrew: string[] = [];
    for (const [name, props] of calls) {
      try {
        tracker.track(name as never, props as never);
        trackerThrew.push('-');
      } catch (error) {
        trackerThrew.push(thrownName(error));
      }
      try {
        await outbox.record(db, name as never, props as never);
        outboxThrew.push('-');
      } catch (error) {
        outboxThrew.push(thrownName(error));
      }
    }
    await tracker.flush();

    // The same answer, call by call.
    expect(outboxThrew).toEqual(trackerThrew);
    expect(outboxViolations.map(brief)).toEqual(trackerViolations.map(brief));
    const rows = await rowsOf(outbox.table);
    expect(rows.map((r) => [r.event_name, r.properties])).toEqual(memory.events.map((e) => [e.event, e.properties]));
    const { destinations: _, flags: _flags, ...trackerBooks } = tracker.stats(); // flags are the Node tracker's alone
    expect(outbox.stats()).toEqual({ ...trackerBooks, destinations: {} });

    // And the answer is the documented one.
    const mode = validation ?? 'report';
    const stored = rows.map((r) => r.properties.order_id ?? r.properties.topic);
    if (mode === 'report') {
      expect(outboxThrew).toEqual(['-', '-', '-', '-', '-']);
      expect(stored).toEqual(['ord_8f3k2', 'undeclared', 'invalid', 'call [redacted:phone]']);
      expect(rows[1].properties).not.toHaveProperty('coupon');
      expect(outboxViolations.map(brief)).toContainEqual({ kind: 'unknown_properties', event: 'order.paid', path: 'coupon', action: 'removed' });
      expect(outbox.stats().dropped).toEqual({ unknown_event: 1 });
    } else if (mode === 'drop') {
      expect(outboxThrew).toEqual(['-', '-', '-', '-', '-']);
      expect(stored).toEqual(['ord_8f3k2', 'undeclared', 'call [redacted:phone]']);
      expect(outbox.stats().dropped).toEqual({ invalid: 1, unknown_event: 1 });
    } else {
      expect(outboxThrew).toEqual(['-', 'CatalogViolationError', 'CatalogViolationError', 'CatalogViolationError', '-']);
      expect(stored).toEqual(['ord_8f3k2', 'call [redacted:phone]']);
      expect(outbox.stats().dropped).toEqual({ invalid: 2, unknown_event: 1 });
    }
    expect(outbox.stats()).toMatchObject({ tracked: 5, redactions: 1 });
    await tracker.shutdown();
  });

  it('record() tells what became of the call: recorded with its uuid, or the reason it was counted under', async () => {
    const outbox = await outboxWith({ validation: 'drop' });
    const db = toSqlDatabase(suite.driver.db);
    const recorded = await outbox.record(db, 'order.paid', paid);
    expect(recorded).toEqual({ recorded: true, uuid: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(await outbox.record(db, 'order.paid', { ...paid, amount: 'lots' } as never)).toEqual({ recorded: false, reason: 'invalid' });
    expect((await rowsOf(outbox.table)).length).toBe(1);
  });

  it('a fault of ours in record() is counted and reported like track() does, never thrown into the caller\'s transaction', async () => {
    const spec = catalog.events['support.contacted'];
    const hostile = defineCompiledCatalog({
      ...catalog,
      events: { ...catalog.events, 'support.contacted': Object.defineProperty({ ...spec }, 'revenue', { get: () => { throw new Error('revenue getter exploded'); } }) },
    }) as unknown as typeof catalog;
    const errors: unknown[] = [];
    const outbox = createOutbox(hostile, { db: suite.driver.db, table: freshTable(), onError: (e) => errors.push(e) });
    await outbox.migrate();
    const tracker = createTracker(hostile, { destinations: [memoryDestination()] });
    tracker.track('support.contacted', { topic: 'refund' });
    expect(await outbox.record(toSqlDatabase(suite.driver.db), 'support.contacted', { topic: 'refund' })).toEqual({ recorded: false, reason: 'internal_error' });
    expect(outbox.stats().dropped).toEqual({ internal_error: 1 });
    expect(outbox.stats().dropped).toEqual(tracker.stats().dropped);
    expect(errors.map(String)).toEqual([expect.stringMatching(/\[outbox\] record\("support\.contacted"\) failed before the insert: Error: revenue getter exploded/)]);
    await tracker.shutdown();
  });

  it('flush() delivers every pending row over several passes, then stats() holds the tracker\'s books', async () => {
    const outbox = await outboxWith();
    const db = toSqlDatabase(suite.driver.db);
    for (let i = 0; i < 25; i++) await outbox.record(db, 'signup_page_viewed', { referrer: `r_${i}` });
    const memory = memoryDestination({ name: 'webhook' });
    const dispatcher = createDispatcher(outbox, { destinations: [memory], batchSize: 10 });
    await dispatcher.flush();
    expect(memory.events).toHaveLength(25);
    expect(await outbox.rowStats()).toMatchObject({ pending: 0, processed: 25, parked: 0 });
    expect(dispatcher.stats()).toEqual({
      tracked: 25,
      dropped: {},
      violations: 0,
      redactions: 0,
      destinations: { webhook: { routed: 25, delivered: 25, dropped: {}, pending: 0 } },
    });
    await dispatcher.flush(); // nothing due: returns at once
    expect(dispatcher.stats().tracked).toBe(25);
    await dispatcher.shutdown();
  });

  it('stats() counts every row that was not delivered, by reason, and leaves the delivered ones out', async () => {
    const outbox = await outboxWith();
    const db = toSqlDatabase(suite.driver.db);
    const good = [];
    for (let i = 0; i < 3; i++) good.push(uuidOf(await outbox.record(db, 'signup_page_viewed', { referrer: `r_${i}` })));
    const malformed = uuidOf(await outbox.record(db, 'signup_page_viewed', {}));
    const gone = uuidOf(await outbox.record(db, 'signup_page_viewed', {}));
    const retyped = uuidOf(await outbox.record(db, 'checkout.start', { order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' }));
    await outbox.record(db, 'order.paid', paid); // goes to posthog and webhook only: none is configured
    await db.query(`UPDATE ${outbox.table} SET properties = '"text"'::jsonb WHERE uuid = $1`, [malformed]);
    await db.query(`UPDATE ${outbox.table} SET event_name = 'gone.event' WHERE uuid = $1`, [gone]);
    await db.query(`UPDATE ${outbox.table} SET properties = properties || '{"subtotal":"1"}'::jsonb WHERE uuid = $1`, [retyped]);
    const memory = memoryDestination();
    const dispatcher = createDispatcher(outbox, { destinations: [memory], validation: 'drop' });
    await dispatcher.flush();
    expect(new Set(memory.events.map((e) => e.uuid))).toEqual(new Set(good));
    expect(dispatcher.stats()).toEqual({
      tracked: 7,
      dropped: { malformed_row: 1, unknown_event: 1, invalid: 1, no_destination: 1 },
      violations: 2,
      redactions: 0,
      destinations: { memory: { routed: 3, delivered: 3, dropped: {}, pending: 0 } },
    });
    expect(await outbox.rowStats()).toMatchObject({ pending: 0, processed: 4, parked: 3 });
    await dispatcher.shutdown();
  });

  it('the dispatcher takes validation, onViolation and onError from the outbox, unless given its own', async () => {
    const violations: Violation[] = [];
    const errors: unknown[] = [];
    const outbox = await outboxWith({ validation: 'drop', onViolation: (v) => violations.push(v), onError: (e) => errors.push(e) });
    const db = toSqlDatabase(suite.driver.db);
    const retyped = uuidOf(await outbox.record(db, 'checkout.start', { order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' }));
    await db.query(`UPDATE ${outbox.table} SET properties = properties || '{"subtotal":"1"}'::jsonb WHERE uuid = $1`, [retyped]);
    const inherits = createDispatcher(outbox, { destinations: [memoryDestination()], leaseMs: 1 });
    expect(await inherits.runOnce()).toMatchObject({ claimed: 1, parked: 1 });
    expect(violations).toEqual([expect.objectContaining({ kind: 'invalid_properties', path: 'subtotal', action: 'dropped', rowId: expect.any(String) })]);
    expect(errors.map(String)).toEqual([expect.stringMatching(/parked without delivery: invalid_properties: subtotal/)]);
    await inherits.shutdown();

    // Its own options win: the same row, unparked, is delivered under 'report'.
    await db.query(`UPDATE ${outbox.table} SET parked_at = NULL, next_attempt_at = now() WHERE uuid = $1`, [retyped]);
    const memory = memoryDestination();
    const ownErrors: unknown[] = [];
    const own = createDispatcher(outbox, { destinations: [memory], validation: 'report', onError: (e) => ownErrors.push(e) });
    expect(await own.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(memory.events.map((e) => e.uuid)).toEqual([retyped]);
    expect(errors).toHaveLength(1);
    expect(ownErrors).toEqual([]);
    await own.shutdown();
  });

  it('shutdown() stops the loop and leaves later rows pending; runOnce() and start() after it do nothing; stop() still works', async () => {
    const outbox = await outboxWith();
    const db = toSqlDatabase(suite.driver.db);
    const memory = memoryDestination();
    const errors: unknown[] = [];
    const dispatcher = createDispatcher(outbox, { destinations: [memory], pollIntervalMs: 10, onError: (e) => errors.push(e) });
    dispatcher.start();
    await outbox.record(db, 'signup_page_viewed', { referrer: 'first' });
    await suite.receiver.waitFor(() => memory.events.length === 1, 10_000, 'the loop delivered the first row');
    await dispatcher.shutdown();
    await outbox.record(db, 'signup_page_viewed', { referrer: 'after shutdown' });
    expect(await dispatcher.runOnce()).toEqual({ claimed: 0, delivered: 0, failed: 0, parked: 0 });
    dispatcher.start();
    expect(errors.map(String)).toEqual([expect.stringMatching(/start\(\) after shutdown\(\): create a new dispatcher/)]);
    expect(await outbox.rowStats()).toMatchObject({ pending: 1, processed: 1 });

    const legacy = createDispatcher(outbox, { destinations: [memory] });
    await legacy.stop();
    expect(await legacy.runOnce()).toMatchObject({ claimed: 0 });
    expect(memory.events).toHaveLength(1);
  });

  it('parkAfterAttempts counts deliveries per row; maxAttempts stays the HTTP attempts per request (webhook: { maxAttempts })', async () => {
    const outbox = await outboxWith();
    const db = toSqlDatabase(suite.driver.db);
    await outbox.record(db, 'signup_page_viewed', { referrer: 'r' });
    const path = `/webhook-503-${outbox.table.replace(/\W/g, '')}`;
    suite.receiver.setFault((request) => (request.path === path ? 503 : undefined));
    try {
      const dispatcher = createDispatcher(outbox, { webhook: { url: `${suite.receiver.url}${path}`, maxAttempts: 1, retryBaseMs: 1 }, parkAfterAttempts: 2, backoffMs: 0 });
      expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, failed: 1 });
      expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, parked: 1 });
      await dispatcher.shutdown();
      expect(suite.receiver.requests.filter((r) => r.path === path)).toHaveLength(2); // one HTTP attempt per delivery, two deliveries
      expect(dispatcher.stats().dropped).toEqual({ delivery_failed: 1 });
      expect(await outbox.rowStats()).toMatchObject({ parked: 1, pending: 0 });
    } finally {
      suite.receiver.setFault(undefined);
    }
  });

  it('one revenueOf(): the dispatcher delivers the revenue track() delivers', async () => {
    const outbox = await outboxWith();
    await outbox.record(toSqlDatabase(suite.driver.db), 'order.paid', { ...paid, amount: 12.5, currency: 'eur' });
    const dispatched = memoryDestination({ name: 'webhook' });
    const dispatcher = createDispatcher(outbox, { destinations: [dispatched] });
    await dispatcher.flush();
    const tracked = memoryDestination({ name: 'webhook' });
    const tracker = createTracker(catalog, { destinations: [tracked] });
    tracker.track('order.paid', { ...paid, amount: 12.5, currency: 'eur' });
    await tracker.flush();
    expect(dispatched.events[0].revenue).toEqual({ amount: 12.5, currency: 'EUR' });
    expect(dispatched.events[0].revenue).toEqual(tracked.events[0].revenue);
    await Promise.all([dispatcher.shutdown(), tracker.shutdown()]);
  });

  it('outboxMigrationSql(table) run by your own migration tool creates a table the outbox works with', async () => {
    const table = freshTable();
    const sql = outboxMigrationSql(table);
    // What a migration tool does with a .sql file: run it as one script.
    if (suite.driver.db instanceof PGlite) await suite.driver.db.exec(sql);
    else await (suite.driver.db as { query(text: string): Promise<unknown> }).query(sql);
    const outbox = createOutbox(catalog, { db: suite.driver.db, table });
    await outbox.migrate(); // finds it there: nothing to do, nothing fails
    const db = toSqlDatabase(suite.driver.db);
    const uuid = uuidOf(await db.transaction((tx) => outbox.record(tx, 'order.paid', paid, { distinctId: 'u_1', groups: { organization: 'org_1' } })));
    const memory = memoryDestination({ name: 'webhook' });
    const dispatcher = createDispatcher(outbox, { destinations: [memory] });
    await dispatcher.flush();
    expect(memory.events.map((e) => [e.uuid, e.event])).toEqual([[uuid, 'order.paid']]);
    expect(await outbox.rowStats()).toMatchObject({ pending: 0, processed: 1, parked: 0 });
    const { rows } = await db.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY indexname`, [table]);
    expect(rows.map((r) => r.indexname)).toEqual([
      `${table}_event_time_idx`, `${table}_org_event_idx`, `${table}_org_idx`, `${table}_pending_idx`, `${table}_pkey`,
      `${table}_user_event_idx`, `${table}_user_time_idx`, `${table}_uuid_key`,
    ]);
    await dispatcher.shutdown();
  });
});

describe('outbox and dispatcher configuration mistakes throw a TrackplanConfigError naming the option', () => {
  const db = new PGlite();
  afterAll(() => db.close());

  const badOutboxOptions: [string, Record<string, unknown>, RegExp][] = [
    ['validation', { validation: 'warn' }, /createOutbox\(\): validation must be 'report', 'drop' or 'throw' \(got "warn"\)/],
    ['guards.pii', { guards: { pii: 'mask' } }, /createOutbox\(\): guards\.pii must be 'redact', 'drop-event' or 'off' \(got "mask"\)/],
    ['guards.maxStringLength', { guards: { maxStringLength: 0 } }, /createOutbox\(\): guards\.maxStringLength must be a positive integer/],
    ['guards.maxEventBytes', { guards: { maxEventBytes: 10 } }, /createOutbox\(\): guards\.maxEventBytes must be an integer of at least 256/],
    ['onViolation', { onViolation: 'log' }, /createOutbox\(\): onViolation must be a function \(got string\)/],
    ['onError', { onError: {} }, /createOutbox\(\): onError must be a function \(got object\)/],
    ['source', { source: 42 }, /createOutbox\(\): source must be a string \(got 42\)/],
    ['table', { table: 'x; drop table y' }, /table must be a plain identifier/],
    ['db', { db: {} }, /db must be a pg Pool or Client, or a PGlite instance/],
  ];
  it.each(badOutboxOptions)('createOutbox: %s', (_option, options, message) => {
    let thrown: unknown;
    try {
      createOutbox(catalog, { db, ...options } as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrownName(thrown)).toBe('TrackplanConfigError');
    expect(String(thrown)).toMatch(message);
  });

  it('createOutbox: the old single-object form names the fix', () => {
    expect(() => (createOutbox as (options: unknown) => unknown)({ catalog, db })).toThrow(/createOutbox\(\): the first argument must be a catalog .* createOutbox\(catalog, \{ db \}\)/);
  });

  it('createOutbox: every option at its documented values is accepted', () => {
    for (const validation of ['report', 'drop', 'throw'] as const)
      expect(() =>
        createOutbox(catalog, { db, table: 'analytics.domain_event', validation, guards: { pii: 'off', maxStringLength: 1, maxEventBytes: 256, allow: ['email'] }, onViolation: () => {}, onError: () => {}, source: 'svc' }),
      ).not.toThrow();
  });

  const badDispatcherOptions: [string, Record<string, unknown>, RegExp][] = [
    ['validation', { validation: 'warn' }, /createDispatcher\(\): validation must be 'report', 'drop' or 'throw' \(got "warn"\)/],
    ['maxAttempts (renamed)', { maxAttempts: 3 }, /createDispatcher\(\): maxAttempts is now parkAfterAttempts .* \(webhook: \{ maxAttempts \}/],
    ['parkAfterAttempts', { parkAfterAttempts: 1.5 }, /createDispatcher\(\): parkAfterAttempts must be a positive integer \(got 1\.5\)/],
    ['batchSize', { batchSize: 0 }, /createDispatcher\(\): batchSize must be a positive integer \(got 0\)/],
    ['leaseMs', { leaseMs: -1 }, /createDispatcher\(\): leaseMs must be a positive integer/],
    ['backoffMs', { backoffMs: Number.NaN }, /createDispatcher\(\): backoffMs must be a number of milliseconds, 0 or more/],
    ['pollIntervalMs', { pollIntervalMs: -5 }, /createDispatcher\(\): pollIntervalMs must be a number of milliseconds, 0 or more \(got -5\)/],
    ['onError', { onError: 'log' }, /createDispatcher\(\): onError must be a function/],
  ];
  it.each(badDispatcherOptions)('createDispatcher: %s', (_option, options, message) => {
    const outbox = createOutbox(catalog, { db });
    let thrown: unknown;
    try {
      createDispatcher(outbox, options as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrownName(thrown)).toBe('TrackplanConfigError');
    expect(String(thrown)).toMatch(message);
  });

  it('createDispatcher: every option at its documented values is accepted; an outbox is required', () => {
    const outbox = createOutbox(catalog, { db });
    expect(() =>
      createDispatcher(outbox, { batchSize: 1, parkAfterAttempts: 1, pollIntervalMs: 0, backoffMs: 0, leaseMs: 1, validation: 'throw', onViolation: () => {}, onError: () => {}, webhook: { url: 'http://127.0.0.1:9/hook', maxAttempts: 5 } }),
    ).not.toThrow();
    expect(() => createDispatcher({ db, table: 'x', catalog } as never)).toThrow(/createDispatcher\(\): the first argument must be an outbox from createOutbox/);
  });

  it('outboxMigrationSql refuses a table name that is not a plain identifier, and quotes the ones it takes', () => {
    expect(() => outboxMigrationSql('x; drop table y')).toThrow(/table must be a plain identifier/);
    expect(outboxMigrationSql('analytics.domain_event')).toContain('CREATE TABLE IF NOT EXISTS "analytics"."domain_event"');
    expect(outboxMigrationSql()).toContain('CREATE TABLE IF NOT EXISTS "domain_event"');
  });
});
