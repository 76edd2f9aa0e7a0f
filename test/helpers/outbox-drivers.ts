import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { postgresUrl } from './postgres';
import { startReceiver, type Receiver } from './receiver';

/** One database the outbox suites run on: `db` for the outbox, `extra()` for more connections to it. */
export type OutboxDriver = { name: string; db: unknown; extra(): unknown; close(): Promise<void> };

/** PGlite always, and a real PostgreSQL when one can be had: `describe.each(outboxDrivers())`. */
export function outboxDrivers(): [string, () => Promise<OutboxDriver>][] {
  const url = postgresUrl();
  if (!url) console.warn('[trackplan tests] no PostgreSQL server: the outbox suite runs on PGlite only (.ci/run provides one)');
  const drivers: [string, () => Promise<OutboxDriver>][] = [
    ['PGlite', async () => {
      const db = new PGlite();
      await db.waitReady;
      return { name: 'PGlite', db, extra: () => db, close: () => db.close() };
    }],
  ];
  if (url) {
    drivers.push(['PostgreSQL', async () => {
      const pools: pg.Pool[] = [];
      const make = () => {
        const pool = new pg.Pool({ connectionString: url, max: 4 });
        pools.push(pool);
        return pool;
      };
      return { name: 'PostgreSQL', db: make(), extra: make, close: async () => void (await Promise.all(pools.map((p) => p.end()))) };
    }]);
  }
  return drivers;
}

let tableCounter = 0;
/** A table name no other test in this process uses. */
export const freshTable = () => `domain_event_t${process.pid}_${++tableCounter}`;

/** The uuid of a recorded event; fails the test when `record()` did not record it. */
export function uuidOf(result: { recorded: boolean; uuid?: string; reason?: string }): string {
  if (!result.recorded || !result.uuid) throw new Error(`expected the event to be recorded, it was not (${result.reason})`);
  return result.uuid;
}

/** A suite's database and receiver: opened before its tests, closed after them. */
export function useOutboxSuite(open: () => Promise<OutboxDriver>): { readonly driver: OutboxDriver; readonly receiver: Receiver } {
  const suite = {} as { driver: OutboxDriver; receiver: Receiver };
  beforeAll(async () => {
    suite.driver = await open();
    suite.receiver = await startReceiver();
  });
  afterAll(async () => {
    await suite.driver?.close();
    await suite.receiver?.close();
  });
  return suite;
}
