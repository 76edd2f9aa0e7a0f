import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineCatalog, defineEvent, defineFunnel, timeToFirst } from '../../src/index';
import { createOutbox } from '../../src/outbox/index';
import { funnel, metric } from '../../src/reports/index';
import { postgresUrl } from '../helpers/postgres';

// PostgreSQL compiles the report queries with LLVM (their estimated cost is far above
// jit_above_cost); on 1M events that added 60-85 % to the query time. Reports run with jit off and
// give the connection its own setting back. Observed through a view whose rows report the
// session's `jit` as notices while the report reads them.
const catalog = defineCatalog({
  name: 'reports_jit',
  version: 1,
  events: {
    a: defineEvent({ description: 'Step a', properties: z.object({}) }),
    b: defineEvent({ description: 'Step b', properties: z.object({}) }),
  },
  funnels: { ab: defineFunnel({ description: 'a to b', steps: ['a', 'b'], window: '1d' }) },
  metrics: { ttb: timeToFirst('b', { from: 'a' }) },
});
const range = { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z' };
const url = postgresUrl();
const table = `reports_jit_${process.pid}`;
const view = `${table}_probe`;

describe.skipIf(!url)('reports on PostgreSQL run with jit off', () => {
  let client: pg.Client;
  const notices: string[] = [];

  beforeAll(async () => {
    client = new pg.Client({ connectionString: url });
    await client.connect();
    client.on('notice', (notice) => notices.push(notice.message ?? ''));
    const outbox = createOutbox(catalog, { db: client, table });
    await outbox.migrate();
    await outbox.record(client, 'a', {}, { distinctId: 'u1', timestamp: Date.parse('2026-03-01T10:00:00Z') });
    await outbox.record(client, 'b', {}, { distinctId: 'u1', timestamp: Date.parse('2026-03-01T11:00:00Z') });
    await client.query(`CREATE OR REPLACE FUNCTION ${table}_jit_probe() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
      BEGIN RAISE NOTICE 'jit=%', current_setting('jit'); RETURN true; END $$`);
    await client.query(`CREATE OR REPLACE VIEW ${view} AS SELECT * FROM ${table} WHERE ${table}_jit_probe()`);
  });
  afterAll(async () => {
    await client.query(`DROP VIEW IF EXISTS ${view}`);
    await client.query(`DROP FUNCTION IF EXISTS ${table}_jit_probe()`);
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.end();
  });

  const jitOf = async (db: { query: pg.Client['query'] }) => (await db.query<{ jit: string }>('SHOW jit')).rows[0].jit;

  it('funnel() and metric() on a pg Client: the report reads with jit off, the session keeps jit on', async () => {
    await client.query('SET jit = on');
    notices.length = 0;
    const result = await funnel(client, catalog.funnels.ab, { ...range, table: view });
    expect(result.steps.map((s) => s.count)).toEqual([1, 1]);
    const ttb = await metric(client, catalog.metrics.ttb, { ...range, table: view });
    expect(ttb.medianSeconds).toBe(3600);
    expect(notices.length).toBeGreaterThan(0);
    expect(new Set(notices)).toEqual(new Set(['jit=off']));
    expect(await jitOf(client)).toBe('on');
  });

  it('leaves a session that has jit off as it is', async () => {
    await client.query('SET jit = off');
    notices.length = 0;
    await funnel(client, catalog.funnels.ab, { ...range, table: view });
    expect(new Set(notices)).toEqual(new Set(['jit=off']));
    expect(await jitOf(client)).toBe('off');
    await client.query('RESET jit');
  });

  it('inside the caller transaction: a failing report leaves jit as it was after the rollback', async () => {
    await client.query('SET jit = on');
    await client.query('BEGIN');
    await expect(funnel(client, catalog.funnels.ab, { ...range, table: `${table}_missing` })).rejects.toThrow(/does not exist/);
    await client.query('ROLLBACK');
    expect(await jitOf(client)).toBe('on');
  });

  it('a pg Pool: the pooled connection goes back with jit on', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const poolNotices: string[] = [];
      pool.on('connect', (connection) => connection.on('notice', (notice) => poolNotices.push(notice.message ?? '')));
      expect(await jitOf(pool)).toBe('on');
      const result = await funnel(pool, catalog.funnels.ab, { ...range, table: view });
      expect(result.steps.map((s) => s.count)).toEqual([1, 1]);
      expect(new Set(poolNotices)).toEqual(new Set(['jit=off']));
      expect(await jitOf(pool)).toBe('on');
      expect(pool.totalCount).toBe(1);
    } finally {
      await pool.end();
    }
  });
});
