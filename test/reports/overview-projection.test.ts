import { describe, expect, it } from 'vitest';
import { TrackplanConfigError } from '../../src/core/errors';
import { overview } from '../../src/reports/overview';
import { projection } from '../../src/reports/projection';
import { outboxDrivers, useOutboxSuite } from '../helpers/outbox-drivers';
import { generateEvents, inRange, revenueOfSeeded, seededCatalog, seededTable, type SeededEvent } from './seeded-events';

const END = new Date('2026-03-31T18:00:00Z');
const events = generateEvents(4000, 45, END);
const revenueMetric = { kind: 'revenue', name: 'revenue', description: '', by: 'user', events: [{ event: 'checkout_started', amount: 'amount_minor_units', currency: null }, { event: 'payment_succeeded', amount: 'amount_minor_units', currency: 'currency' }] } as const;
const DAY = 86_400_000;
const day = (d: Date) => d.toISOString().slice(0, 10);

function bruteOverview(from: Date, to: Date, org?: string) {
  const counts: Record<string, number> = {};
  const revenue: Record<string, number> = {};
  const plans = new Map<unknown, { count: number; revenue: Record<string, number> }>();
  for (const e of events.filter((x) => inRange(x, from, to, org))) {
    counts[e.event] = (counts[e.event] ?? 0) + 1;
    const r = revenueOfSeeded(e);
    if (r) revenue[r.currency] = (revenue[r.currency] ?? 0) + r.amount;
    if ('plan_id' in e.properties && r) {
      const row = plans.get(e.properties.plan_id) ?? { count: 0, revenue: {} };
      row.count++;
      row.revenue[r.currency] = (row.revenue[r.currency] ?? 0) + r.amount;
      plans.set(e.properties.plan_id, row);
    }
  }
  const total = (row: { revenue: Record<string, number> }) => Object.values(row.revenue).reduce((a, b) => a + b, 0);
  const top = [...plans].map(([value, row]) => ({ value, ...row })).sort((a, b) => total(b) - total(a) || b.count - a.count);
  return { counts, revenue, top };
}

/** Daily values of a series by brute force, for the days from `first` to `last`. */
function daily(pick: (e: SeededEvent) => [string, number] | undefined, first: string, last: string, org?: string) {
  const byDay = new Map<string, Record<string, number>>();
  for (const e of events) {
    if (org !== undefined && e.organizationId !== org) continue;
    const hit = pick(e);
    const d = day(e.occurredAt);
    if (!hit || d < first || d > last) continue;
    const values = byDay.get(d) ?? {};
    values[hit[0]] = (values[hit[0]] ?? 0) + hit[1];
    byDay.set(d, values);
  }
  return byDay;
}

describe.each(outboxDrivers())('overview() and projection() on %s', (_name, open) => {
  const suite = useOutboxSuite(open);
  const { table, db } = seededTable(suite, events);

  it('overview: counts, revenue and the top plans by revenue agree with brute force, per tenant too', async () => {
    const from = new Date('2026-03-03T10:00:00Z');
    const to = new Date('2026-03-29T10:00:00Z');
    for (const org of [undefined, 'org_a']) {
      const result = await overview(await db(), { from, to, organizationId: org, catalog: seededCatalog, top: { property: 'plan_id', by: 'revenue' }, table });
      const expected = bruteOverview(from, to, org);
      expect(result.counts).toEqual(expected.counts);
      expect(Object.keys(result.revenue).sort()).toEqual(Object.keys(expected.revenue).sort());
      for (const [currency, amount] of Object.entries(expected.revenue)) expect(result.revenue[currency]).toBeCloseTo(amount, 6);
      expect(result.top!.rows).toEqual(expected.top);
      expect(result.range).toEqual({ from: from.toISOString(), to: to.toISOString(), clamped: false });
    }
  });

  it('overview: top by count ranks every event carrying the property, limited', async () => {
    const from = new Date('2026-03-01T00:00:00Z');
    const to = END;
    const result = await overview(await db(), { from, to, catalog: seededCatalog, top: { property: 'plan_id', by: 'count', limit: 2 }, table });
    const counts = new Map<unknown, number>();
    for (const e of events.filter((x) => inRange(x, from, to) && 'plan_id' in x.properties)) counts.set(e.properties.plan_id, (counts.get(e.properties.plan_id) ?? 0) + 1);
    expect(result.top!.rows.map((r) => [r.value, r.count])).toEqual([...counts].sort((a, b) => b[1] - a[1]).slice(0, 2));
    await expect(overview(await db(), { from, to, top: { property: 'plan_id', by: 'size' as never }, table })).rejects.toThrow(/top\.by must be 'revenue' or 'count'/);
  });

  it('projection of an event: the trailing average of daily counts carried forward, growth against the window before', async () => {
    const windowDays = 14;
    const to = END;
    const result = await projection(await db(), { series: 'user_signup', windowDays, horizonDays: 7, to, table });
    const first = day(new Date(END.getTime() - 27 * DAY));
    const counts = daily((e) => (e.event === 'user_signup' && e.occurredAt <= to ? ['user_signup', 1] : undefined), first, day(END));
    const window = Array.from({ length: 14 }, (_, i) => counts.get(day(new Date(END.getTime() - (13 - i) * DAY)))?.user_signup ?? 0);
    const before = Array.from({ length: 14 }, (_, i) => counts.get(day(new Date(END.getTime() - (27 - i) * DAY)))?.user_signup ?? 0);
    const avg = window.reduce((a, b) => a + b, 0) / 14;
    const prev = before.reduce((a, b) => a + b, 0) / 14;
    expect(result).toMatchObject({ status: 'ok', series: 'user_signup', kind: 'count', windowDays: 14, horizonDays: 7 });
    if (result.status !== 'ok') throw new Error('expected ok');
    expect(result.history.map((h) => h.values.user_signup)).toEqual(window);
    expect(result.average.user_signup).toBeCloseTo(avg, 9);
    expect(result.forecast).toHaveLength(7);
    expect(result.forecast[0]).toEqual({ date: '2026-04-01', values: { user_signup: result.average.user_signup } });
    expect(result.horizonTotal.user_signup).toBeCloseTo(avg * 7, 9);
    expect(result.growthRate.user_signup).toBeCloseTo((avg - prev) / prev, 9);
  });

  it('projection of revenue per currency, scoped to a tenant', async () => {
    const result = await projection(await db(), { series: revenueMetric as never, windowDays: 7, horizonDays: 3, to: END, organizationId: 'org_c', table });
    if (result.status !== 'ok') throw new Error('expected ok');
    const first = day(new Date(END.getTime() - 6 * DAY));
    const values = daily((e) => { const r = revenueOfSeeded(e); return r && e.occurredAt <= END ? [r.currency, r.amount] : undefined; }, first, day(END), 'org_c');
    for (const currency of ['EUR', 'USD', 'XXX']) {
      const sum = [...values.values()].reduce((total, v) => total + (v[currency] ?? 0), 0);
      expect(result.average[currency]).toBeCloseTo(sum / 7, 6);
    }
    expect(result.kind).toBe('revenue');
  });

  it('says "not enough data" when the history is shorter than the window, and guards window and horizon', async () => {
    // The seed spans 45 days: a 90-day window cannot be filled; nor can any window for an unknown event.
    expect(await projection(await db(), { series: 'user_signup', windowDays: 90, horizonDays: 7, to: END, table })).toMatchObject({ status: 'not_enough_data', needDays: 90, haveDays: expect.any(Number) });
    expect(await projection(await db(), { series: 'never_happened', windowDays: 3, horizonDays: 1, to: END, table })).toMatchObject({ status: 'not_enough_data', needDays: 3, haveDays: 0 });
    for (const [windowDays, horizonDays, bound] of [[2, 7, /windowDays must be a whole number from 3 to 90/], [91, 7, /windowDays .* from 3 to 90/], [14, 0, /horizonDays must be a whole number from 1 to 30/], [14, 31, /horizonDays .* 1 to 30/], [14.5, 7, /windowDays/]] as const) {
      await expect(projection(await db(), { series: 'user_signup', windowDays, horizonDays, table })).rejects.toThrow(bound);
      await expect(projection(await db(), { series: 'user_signup', windowDays, horizonDays, table })).rejects.toBeInstanceOf(TrackplanConfigError);
    }
    // The bounds themselves are allowed.
    expect((await projection(await db(), { series: 'user_signup', windowDays: 3, horizonDays: 30, to: END, table })).status).toBe('ok');
    await expect(projection(await db(), { series: { kind: 'activation' } as never, windowDays: 3, horizonDays: 1, table })).rejects.toThrow(/event name or a revenueSeries\(\) metric/);
  });
});
