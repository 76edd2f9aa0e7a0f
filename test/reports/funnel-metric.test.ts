import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { activation, defineCatalog, defineEvent, defineFunnel, retention, revenueSeries, timeToFirst, timeToNth, type FunnelSpec, type MetricSpec } from '../../src/index';
import { createOutbox, toSqlDatabase } from '../../src/outbox/index';
import { funnel, metric } from '../../src/reports/index';
import { freshTable, outboxDrivers, useOutboxSuite } from '../helpers/outbox-drivers';
import { referenceFunnel, referenceMetric, type Row } from './reference';
import { random as prng } from './seeded-events';

const catalog = defineCatalog({
  name: 'reports_test',
  version: 1,
  events: {
    signup: defineEvent({ description: 'Signed up', properties: z.object({ first: z.boolean() }) }),
    a: defineEvent({ description: 'Step a' }),
    b: defineEvent({ description: 'Step b' }),
    c: defineEvent({ description: 'Step c' }),
    noise: defineEvent({ description: 'Anything else' }),
    paid: defineEvent({ description: 'Paid', properties: z.object({ amount: z.number(), currency: z.string() }), revenue: { amount: 'amount', currency: 'currency' } }),
  },
  funnels: {
    abc: defineFunnel({ description: 'a to c', steps: ['a', 'b', 'c'], window: '2d' }),
    abc_strict: defineFunnel({ description: 'a to c, nothing between', steps: ['a', 'b', 'c'], window: '2d', order: 'strict' }),
    first_signup: defineFunnel({ description: 'first signup to b', steps: [{ event: 'signup', where: { first: true } }, 'a', 'b', 'c'], window: '3d' }),
    abc_org: defineFunnel({ description: 'a to c per organization', steps: ['a', 'b', 'c'], window: '1d', by: 'organization' }),
    aba: defineFunnel({ description: 'a, b, a again', steps: ['a', 'b', 'a'], window: '2d' }),
  },
  metrics: {
    ttf: timeToFirst('c', { from: 'signup' }),
    ttf_within: timeToFirst('b', { from: { event: 'signup', where: { first: true } }, within: '2d' }),
    second_a: timeToNth('a', 2, { from: 'signup' }),
    act: activation({ from: 'signup', all: ['a', 'c'], within: '3d' }),
    ret_first: retention({ start: 'signup', return: 'c', period: 'day' }),
    ret_recurring: retention({ start: 'a', return: 'b', period: 'day', mode: 'recurring' }),
    ret_week: retention({ start: 'signup', return: 'a', period: 'week', by: 'organization' }),
    revenue: revenueSeries(),
  },
});
type EventName = keyof typeof catalog.definition.events;

const T0 = Date.parse('2026-03-01T00:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

interface GenRow { event: EventName; t: number; user: string | null; org: string | null; props: Record<string, unknown> }

function generate(seed: number, count: number): GenRow[] {
  const rand = prng(seed);
  const pick = <T,>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
  const names: EventName[] = ['signup', 'a', 'a', 'b', 'b', 'c', 'noise', 'paid'];
  const rows: GenRow[] = [];
  for (let i = 0; i < count; i++) {
    const userNo = Math.floor(rand() * 40);
    const user = rand() < 0.03 ? null : `u${userNo}`;
    // Mostly the user's own organization; sometimes another tenant's (isolation), sometimes none.
    const org = rand() < 0.05 ? null : rand() < 0.1 ? pick(['o1', 'o2', 'o3']) : `o${(userNo % 3) + 1}`;
    const event = pick(names);
    // 10-minute granularity over 12 days: many events share a timestamp.
    const t = T0 + Math.floor(rand() * 12 * 24 * 6) * 10 * MIN;
    const props =
      event === 'signup' ? { first: rand() < 0.6 } : event === 'paid' ? { amount: Math.round(rand() * 10000) / 100, currency: pick(['usd', 'EUR']) } : {};
    rows.push({ event, t, user, org, props });
  }
  return rows;
}

describe.each(outboxDrivers())('reports on %s', (_name, open) => {
  const suite = useOutboxSuite(open);

  async function freshOutbox() {
    const table = freshTable();
    const outbox = createOutbox(catalog, { db: suite.driver.db, table, validation: 'throw' });
    await outbox.migrate();
    return { outbox, table, db: toSqlDatabase(suite.driver.db) };
  }

  /** Records events through the public outbox API, in the order given (that is the record order). */
  async function record(rows: GenRow[]) {
    const { outbox, table, db } = await freshOutbox();
    for (const row of rows)
      await outbox.record(db, row.event, row.props as never, { distinctId: row.user ?? undefined, timestamp: row.t, ...(row.org ? { groups: { organization: row.org } } : {}) });
    return { table, db };
  }

  /** Bulk insert for generated data, in a shuffled order so ids do not follow time. */
  async function bulk(rows: GenRow[]) {
    const { table, db } = await freshOutbox();
    for (let start = 0; start < rows.length; start += 200) {
      const chunk = rows.slice(start, start + 200);
      const values: unknown[] = [];
      const tuples = chunk.map((row, i) => {
        values.push(`gen-${start + i}`, row.event, new Date(row.t).toISOString(), row.org, row.user, JSON.stringify(row.props));
        const p = i * 6;
        return `($${p + 1}, $${p + 2}, $${p + 3}::timestamptz, $${p + 4}, $${p + 5}, 1, $${p + 6}::jsonb, 'reports_test', 1)`;
      });
      await db.query(`INSERT INTO "${table}" (uuid, event_name, occurred_at, organization_id, user_id, schema_version, properties, catalog_name, catalog_version) VALUES ${tuples.join(', ')}`, values);
    }
    return { table, db };
  }

  async function rowsOf(table: string): Promise<Row[]> {
    const { rows } = await toSqlDatabase(suite.driver.db).query<{ id: string | number; event_name: string; ms: string | number; user_id: string | null; organization_id: string | null; properties: unknown }>(
      `SELECT id, event_name, (extract(epoch FROM occurred_at) * 1000)::float8 AS ms, user_id, organization_id, properties FROM "${table}"`,
    );
    return rows.map((r) => ({ id: Number(r.id), event: r.event_name, t: Number(r.ms), user: r.user_id, org: r.organization_id, props: (typeof r.properties === 'string' ? JSON.parse(r.properties) : r.properties) as Record<string, unknown> }));
  }

  const counts = (result: { steps: { count: number }[] }) => result.steps.map((s) => s.count);

  describe('funnel(): hand-made cases', () => {
    const range = { from: T0, to: T0 + 10 * DAY };

    it('counts a complete path, with times from the previous step and the total', async () => {
      const { table, db } = await record([
        { event: 'a', t: T0, user: 'u1', org: 'o1', props: {} },
        { event: 'b', t: T0 + HOUR, user: 'u1', org: 'o1', props: {} },
        { event: 'c', t: T0 + 3 * HOUR, user: 'u1', org: 'o1', props: {} },
        { event: 'a', t: T0, user: 'u2', org: 'o1', props: {} },
        { event: 'b', t: T0 + 2 * HOUR, user: 'u2', org: 'o1', props: {} },
      ]);
      const result = await funnel(db, catalog.funnels.abc, { ...range, table });
      expect(result.range).toEqual({ from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), clamped: false });
      expect(result.steps).toEqual([
        { event: 'a', count: 2, conversion: 1, conversionFromPrevious: 1, medianSeconds: null, p75Seconds: null, meanSeconds: null },
        { event: 'b', count: 2, conversion: 1, conversionFromPrevious: 1, medianSeconds: 5400, p75Seconds: 6300, meanSeconds: 5400 },
        { event: 'c', count: 1, conversion: 0.5, conversionFromPrevious: 0.5, medianSeconds: 7200, p75Seconds: 7200, meanSeconds: 7200 },
      ]);
      expect(result.totalMedianSeconds).toBe(10800);
      expect(result.totalP75Seconds).toBe(10800);
    });

    it('a step outside the window does not count; the window includes its end', async () => {
      const { table, db } = await record([
        { event: 'a', t: T0, user: 'late', org: 'o1', props: {} },
        { event: 'b', t: T0 + 2 * DAY + 1000, user: 'late', org: 'o1', props: {} },
        { event: 'a', t: T0, user: 'edge', org: 'o1', props: {} },
        { event: 'b', t: T0 + DAY, user: 'edge', org: 'o1', props: {} },
        { event: 'c', t: T0 + 2 * DAY, user: 'edge', org: 'o1', props: {} },
      ]);
      expect(counts(await funnel(db, catalog.funnels.abc, { ...range, table }))).toEqual([2, 1, 1]);
    });

    it('steps out of order do not count; a re-entry after the window starts a new path', async () => {
      const { table, db } = await record([
        { event: 'b', t: T0, user: 'u1', org: 'o1', props: {} },
        { event: 'a', t: T0 + HOUR, user: 'u1', org: 'o1', props: {} },
        { event: 'c', t: T0 + 2 * HOUR, user: 'u1', org: 'o1', props: {} },
        // u2: enters, then b too late; re-enters 10 days later and completes.
        { event: 'a', t: T0, user: 'u2', org: 'o1', props: {} },
        { event: 'a', t: T0 + 5 * DAY, user: 'u2', org: 'o1', props: {} },
        { event: 'b', t: T0 + 5 * DAY + 10 * MIN, user: 'u2', org: 'o1', props: {} },
        { event: 'c', t: T0 + 5 * DAY + 30 * MIN, user: 'u2', org: 'o1', props: {} },
      ]);
      const result = await funnel(db, catalog.funnels.abc, { ...range, table });
      expect(counts(result)).toEqual([2, 1, 1]);
      expect(result.steps[1].medianSeconds).toBe(600);
      expect(result.totalMedianSeconds).toBe(1800);
    });

    it('two steps at the same timestamp count in record order; zero-second conversions are included', async () => {
      const { table, db } = await record([
        // recorded b before a at the same instant: b does not complete step 2.
        { event: 'b', t: T0, user: 'before', org: 'o1', props: {} },
        { event: 'a', t: T0, user: 'before', org: 'o1', props: {} },
        // recorded a then b at the same instant: a zero-second step 2.
        { event: 'a', t: T0, user: 'after', org: 'o1', props: {} },
        { event: 'b', t: T0, user: 'after', org: 'o1', props: {} },
      ]);
      const result = await funnel(db, catalog.funnels.abc, { ...range, table });
      expect(counts(result)).toEqual([2, 1, 0]);
      expect(result.steps[1]).toMatchObject({ medianSeconds: 0, meanSeconds: 0 });
    });

    it('a unit that never enters is not counted; only step 1 must fall in the range', async () => {
      const { table, db } = await record([
        { event: 'b', t: T0 + HOUR, user: 'never', org: 'o1', props: {} },
        { event: 'c', t: T0 + 2 * HOUR, user: 'never', org: 'o1', props: {} },
        { event: 'a', t: range.to, user: 'at_end', org: 'o1', props: {} },
        { event: 'b', t: range.to + HOUR, user: 'at_end', org: 'o1', props: {} },
        { event: 'a', t: range.from - 1000, user: 'before', org: 'o1', props: {} },
        { event: 'b', t: range.from + HOUR, user: 'before', org: 'o1', props: {} },
      ]);
      expect(counts(await funnel(db, catalog.funnels.abc, { ...range, table }))).toEqual([1, 1, 0]);
    });

    it('keeps the furthest step reached earliest, from the latest entry before it', async () => {
      const { table, db } = await record([
        { event: 'a', t: T0, user: 'u1', org: 'o1', props: {} },
        { event: 'a', t: T0 + HOUR, user: 'u1', org: 'o1', props: {} },
        { event: 'b', t: T0 + 2 * HOUR, user: 'u1', org: 'o1', props: {} },
      ]);
      const result = await funnel(db, catalog.funnels.abc, { ...range, table });
      expect(counts(result)).toEqual([1, 1, 0]);
      expect(result.steps[1].medianSeconds).toBe(3600);
    });

    it('strict: any other event of the unit between two steps breaks the chain', async () => {
      const { table, db } = await record([
        { event: 'a', t: T0, user: 'broken', org: 'o1', props: {} },
        { event: 'noise', t: T0 + MIN, user: 'broken', org: 'o1', props: {} },
        { event: 'b', t: T0 + 2 * MIN, user: 'broken', org: 'o1', props: {} },
        { event: 'a', t: T0, user: 'clean', org: 'o1', props: {} },
        { event: 'b', t: T0 + MIN, user: 'clean', org: 'o1', props: {} },
        { event: 'c', t: T0 + 2 * MIN, user: 'clean', org: 'o1', props: {} },
      ]);
      expect(counts(await funnel(db, catalog.funnels.abc_strict, { ...range, table }))).toEqual([2, 1, 1]);
      expect(counts(await funnel(db, catalog.funnels.abc, { ...range, table }))).toEqual([2, 2, 1]);
    });

    it('organizationId: another tenant\'s events never count, not even to break a strict chain', async () => {
      const { table, db } = await record([
        { event: 'a', t: T0, user: 'u1', org: 'o1', props: {} },
        { event: 'noise', t: T0 + MIN, user: 'u1', org: 'o2', props: {} },
        { event: 'b', t: T0 + 2 * MIN, user: 'u1', org: 'o2', props: {} },
        { event: 'b', t: T0 + 3 * MIN, user: 'u1', org: 'o1', props: {} },
        { event: 'c', t: T0 + 4 * MIN, user: 'u1', org: 'o2', props: {} },
      ]);
      const o1 = await funnel(db, catalog.funnels.abc_strict, { ...range, table, organizationId: 'o1' });
      expect(counts(o1)).toEqual([1, 1, 0]);
      expect(o1.steps[1].medianSeconds).toBe(180);
      expect(counts(await funnel(db, catalog.funnels.abc_strict, { ...range, table, organizationId: 'o2' }))).toEqual([0, 0, 0]);
      expect(counts(await funnel(db, catalog.funnels.abc_strict, { ...range, table }))).toEqual([1, 0, 0]);
      expect(counts(await funnel(db, catalog.funnels.abc, { ...range, table, organizationId: 'o1' }))).toEqual([1, 1, 0]);
    });

    it('where filters step 1; a range over 365 days is clamped and says so', async () => {
      const { table, db } = await record([
        { event: 'signup', t: T0, user: 'u1', org: 'o1', props: { first: false } },
        { event: 'a', t: T0 + MIN, user: 'u1', org: 'o1', props: {} },
        { event: 'signup', t: T0, user: 'u2', org: 'o1', props: { first: true } },
        { event: 'a', t: T0 + MIN, user: 'u2', org: 'o1', props: {} },
      ]);
      const result = await funnel(db, catalog.funnels.first_signup, { from: T0 - 400 * DAY, to: T0 + DAY, table });
      expect(result.range.clamped).toBe(true);
      expect(result.range.from).toBe(new Date(T0 + DAY - 365 * DAY).toISOString());
      expect(result.steps[0]).toMatchObject({ event: 'signup', where: { first: true }, count: 1 });
      expect(counts(result)).toEqual([1, 1, 0, 0]);
    });
  });

  describe('metric(): hand-made cases', () => {
    it('time to first and to nth, activation over elapsed cohorts only, retention, revenue', async () => {
      const { table, db } = await record([
        { event: 'signup', t: T0, user: 'u1', org: 'o1', props: { first: true } },
        { event: 'a', t: T0 + HOUR, user: 'u1', org: 'o1', props: {} },
        { event: 'a', t: T0 + 3 * HOUR, user: 'u1', org: 'o1', props: {} },
        { event: 'c', t: T0 + 1.5 * DAY, user: 'u1', org: 'o1', props: {} },
        { event: 'signup', t: T0 + 2 * DAY, user: 'u2', org: 'o1', props: { first: true } },
        { event: 'a', t: T0 + 2 * DAY + HOUR, user: 'u2', org: 'o1', props: {} },
        // u3 signs up too late for its 3-day activation window to have elapsed at `now`.
        { event: 'signup', t: T0 + 8 * DAY, user: 'u3', org: 'o1', props: { first: true } },
        { event: 'paid', t: T0 + HOUR, user: 'u1', org: 'o1', props: { amount: 10.5, currency: 'usd' } },
        { event: 'paid', t: T0 + 2 * HOUR, user: 'u2', org: 'o1', props: { amount: 4, currency: 'USD' } },
        { event: 'paid', t: T0 + 2 * HOUR, user: 'u2', org: 'o2', props: { amount: 7, currency: 'EUR' } },
      ]);
      const o = { from: T0, to: T0 + 9 * DAY, table, now: T0 + 10 * DAY };
      expect(await metric(db, catalog.metrics.ttf, o)).toMatchObject({ kind: 'time_to_first', value: 1 / 3, reached: 1, cohort: 3, medianSeconds: 1.5 * 86400 });
      expect(await metric(db, catalog.metrics.second_a, o)).toMatchObject({ value: 1 / 3, reached: 1, cohort: 3, medianSeconds: 3 * 3600 });
      expect(await metric(db, catalog.metrics.act, o)).toMatchObject({ value: 0.5, reached: 1, cohort: 2, medianSeconds: 1.5 * 86400 });
      // u3's day-1 window ends exactly at now: elapsed, counted.
      expect(await metric(db, catalog.metrics.ret_first, o)).toMatchObject({ value: 1 / 3, reached: 1, cohort: 3 });
      expect(await metric(db, catalog.metrics.ret_first, { ...o, now: T0 + 10 * DAY - 1 })).toMatchObject({ reached: 1, cohort: 2 });
      expect(await metric(db, catalog.metrics.revenue, o)).toMatchObject({ value: null, revenue: { USD: 14.5, EUR: 7 }, reached: 3, cohort: 2 });
      expect(await metric(db, catalog.metrics.revenue, { ...o, organizationId: 'o1' })).toMatchObject({ value: 14.5, revenue: { USD: 14.5 }, reached: 2, cohort: 2 });
      expect(await metric(db, catalog.metrics.ttf, { ...o, organizationId: 'o2' })).toMatchObject({ value: 0, reached: 0, cohort: 0, medianSeconds: null });
    });
  });

  describe('agreement with the brute-force reference on generated data', () => {
    const funnels = Object.values(catalog.funnels) as FunnelSpec[];
    const metrics = Object.values(catalog.metrics) as MetricSpec[];

    it.each([1, 2, 3])('seed %i: every funnel and metric, all tenants and each one', async (seed) => {
      const { table, db } = await bulk(generate(seed, 1500));
      const rows = await rowsOf(table);
      const ranges = [
        { from: T0 + 2 * DAY, to: T0 + 8 * DAY },
        { from: T0, to: T0 + 12 * DAY },
      ];
      for (const range of ranges) {
        for (const org of [undefined, 'o1', 'o2']) {
          for (const spec of funnels) {
            const got = await funnel(db, spec, { ...range, table, organizationId: org });
            const want = referenceFunnel(rows, spec, { ...range, org });
            const label = `${spec.name} org=${org} range=${range.from}`;
            expect(counts(got), label).toEqual(want.counts);
            got.steps.forEach((step, i) => {
              for (const key of ['medianSeconds', 'p75Seconds', 'meanSeconds'] as const) closeTo(step[key], want.steps[i][key], `${label} step ${i + 1} ${key}`);
            });
            closeTo(got.totalMedianSeconds, want.totalMedianSeconds, `${label} total median`);
            closeTo(got.totalP75Seconds, want.totalP75Seconds, `${label} total p75`);
          }
          const now = T0 + 11 * DAY;
          for (const spec of metrics) {
            const got = await metric(db, spec, { ...range, table, organizationId: org, now });
            const want = referenceMetric(rows, spec, { ...range, org, now });
            const label = `${spec.name} org=${org} range=${range.from}`;
            expect({ reached: got.reached, cohort: got.cohort }, label).toEqual({ reached: want.reached, cohort: want.cohort });
            const wantRevenue = (want as { revenue?: Record<string, number> }).revenue;
            if (wantRevenue) {
              expect(Object.keys(got.revenue ?? {}).sort(), label).toEqual(Object.keys(wantRevenue).sort());
              for (const [currency, amount] of Object.entries(wantRevenue)) closeTo(got.revenue![currency], amount, `${label} ${currency}`);
            } else {
              const w = want as ReturnType<typeof referenceMetric> & { value: number; medianSeconds: number | null; p75Seconds: number | null; meanSeconds: number | null };
              closeTo(got.value, w.value, `${label} value`);
              if (spec.kind !== 'retention') for (const key of ['medianSeconds', 'p75Seconds', 'meanSeconds'] as const) closeTo(got[key] ?? null, w[key], `${label} ${key}`);
            }
          }
        }
      }
      // The data exercises the paths: someone completes each funnel with everyone counted.
      for (const spec of funnels) expect(referenceFunnel(rows, spec, { from: T0, to: T0 + 12 * DAY }).counts.at(-1), spec.name).toBeGreaterThan(0);
    });
  });
});

function closeTo(got: number | null | undefined, want: number | null | undefined, label: string) {
  if (want === null || want === undefined) return expect(got ?? null, label).toBeNull();
  expect(got, label).not.toBeNull();
  expect(Math.abs((got as number) - want), `${label}: got ${got}, want ${want}`).toBeLessThan(1e-6 * Math.max(1, Math.abs(want)));
}
