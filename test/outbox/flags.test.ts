import { describe, expect, it } from 'vitest';
import { createDispatcher, createOutbox, outboxMigrationSql, toSqlDatabase } from '../../src/outbox/index';
import { createTestTracker } from '../../src/testing/index';
import { catalog } from '../fixtures/flags-catalog';
import { freshTable, outboxDrivers, useOutboxSuite, uuidOf } from '../helpers/outbox-drivers';

/** A snapshot as a request handler has one: new-onboarding is `test`, beta-export its default `false`. */
const snapshot = () => createTestTracker(catalog, { flags: { 'new-onboarding': 'test' } }).tracker.flags.evaluate('user_1');

describe.each(outboxDrivers())('outbox flags on %s', (_name, open) => {
  const suite = useOutboxSuite(open);
  const arrived = (table: string) => suite.receiver.webhookEvents().filter((e) => e.source === table);

  it('record(…, { flags }) stores the values with the row, and the dispatcher hands them to destinations under flags', async () => {
    const table = freshTable();
    const outbox = createOutbox(catalog, { db: suite.driver.db, table, source: table });
    await outbox.migrate();
    const db = toSqlDatabase(suite.driver.db);
    const withFlags = uuidOf(await outbox.record(db, 'page_viewed', { path: '/onboarding' }, { distinctId: 'user_1', flags: await snapshot() }));
    const without = uuidOf(await outbox.record(db, 'page_viewed', { path: '/plain' }, { distinctId: 'user_1' }));
    const { rows } = await db.query<{ uuid: string; flags: unknown }>(`SELECT uuid, flags FROM "${table}" ORDER BY id`);
    expect(rows).toEqual([
      { uuid: withFlags, flags: { 'new-onboarding': 'test', 'beta-export': false } },
      { uuid: without, flags: {} },
    ]);

    const dispatcher = createDispatcher(outbox, { webhook: { url: `${suite.receiver.url}/webhook` } });
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 2, delivered: 2, parked: 0 });
    await dispatcher.shutdown();
    const events = arrived(table);
    expect(events.find((e) => e.uuid === withFlags)?.flags).toEqual({ 'new-onboarding': 'test', 'beta-export': false });
    expect(events.find((e) => e.uuid === without)).not.toHaveProperty('flags');
  });

  it('a table made before the flags column: record and dispatch go on; migrate() adds the column, then flags are stored', async () => {
    const table = freshTable();
    const db = toSqlDatabase(suite.driver.db);
    // The table as an earlier version's migration made it.
    for (const statement of outboxMigrationSql(table).split(';\n').map((text) => text.trim()).filter(Boolean)) {
      if (statement.startsWith('ALTER TABLE')) continue;
      await db.query(statement.replace(/\s*flags jsonb NOT NULL DEFAULT '\{\}'::jsonb,/, ''));
    }
    const outbox = createOutbox(catalog, { db: suite.driver.db, table, source: table });
    const old = uuidOf(await outbox.record(db, 'page_viewed', { path: '/before' }, { distinctId: 'user_1' }));
    const dispatcher = createDispatcher(outbox, { webhook: { url: `${suite.receiver.url}/webhook` } });
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, delivered: 1, parked: 0 });

    await outbox.migrate();
    await outbox.migrate(); // idempotent
    const fresh = uuidOf(await outbox.record(db, 'page_viewed', { path: '/after' }, { distinctId: 'user_1', flags: await snapshot() }));
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, delivered: 1, parked: 0 });
    await dispatcher.shutdown();
    const { rows } = await db.query<{ uuid: string; flags: unknown }>(`SELECT uuid, flags FROM "${table}" ORDER BY id`);
    expect(rows).toEqual([
      { uuid: old, flags: {} },
      { uuid: fresh, flags: { 'new-onboarding': 'test', 'beta-export': false } },
    ]);
    expect(arrived(table).find((e) => e.uuid === fresh)?.flags).toEqual({ 'new-onboarding': 'test', 'beta-export': false });
  });
});
