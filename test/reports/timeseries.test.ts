import { describe, expect, it } from 'vitest';
import { timeseries } from '../../src/reports/timeseries';
import { outboxDrivers, useOutboxSuite } from '../helpers/outbox-drivers';
import { generateEvents, inRange, revenueOfSeeded, seededCatalog, seededTable, type SeededEvent } from './seeded-events';

const END = new Date('2026-03-31T18:00:00Z');
const events = generateEvents(4000, 45, END);

/** The same report by brute force: every event looked at once, in JavaScript. */
function bruteForce(all: SeededEvent[], from: Date, to: Date, options: { events?: string[]; org?: string } = {}) {
  const days = new Map<string, { counts: Record<string, number>; revenue: Record<string, number> }>();
  for (let t = Date.parse(from.toISOString().slice(0, 10)); t <= to.getTime(); t += 86_400_000) days.set(new Date(t).toISOString().slice(0, 10), { counts: Object.fromEntries((options.events ?? []).map((e) => [e, 0])), revenue: {} });
  for (const e of all) {
    if (!inRange(e, from, to, options.org)) continue;
    const day = days.get(e.occurredAt.toISOString().slice(0, 10))!;
    if (!options.events || options.events.includes(e.event)) day.counts[e.event] = (day.counts[e.event] ?? 0) + 1;
    const revenue = revenueOfSeeded(e);
    if (revenue) day.revenue[revenue.currency] = (day.revenue[revenue.currency] ?? 0) + revenue.amount;
  }
  return [...days].map(([date, day]) => ({ date, ...day }));
}

describe.each(outboxDrivers())('timeseries() on %s', (_name, open) => {
  const suite = useOutboxSuite(open);
  const { table, db } = seededTable(suite, events);

  it('agrees with a brute-force count per UTC day, event and currency, every day present', async () => {
    const from = new Date('2026-03-01T00:00:00Z');
    const to = new Date('2026-03-31T23:59:59.999Z');
    const result = await timeseries(await db(), { from, to, bucket: 'day', catalog: seededCatalog, table });
    expect(result.range).toEqual({ from: from.toISOString(), to: to.toISOString(), clamped: false });
    expect(result.days).toHaveLength(31);
    expect(result.days).toEqual(bruteForce(events, from, to));
    // The seed puts revenue in EUR (lower-case in the rows), USD and none (XXX).
    expect(Object.keys(result.days.reduce((all, d) => ({ ...all, ...d.revenue }), {})).sort()).toEqual(['EUR', 'USD', 'XXX']);
  });

  it('filters by event and tenant, and names a filtered event on a quiet day with a zero', async () => {
    const from = new Date('2026-02-20T06:30:00Z');
    const to = new Date('2026-03-10T12:00:00Z');
    const options = { events: ['user_signup', 'payment_succeeded'], org: 'org_b' };
    const result = await timeseries(await db(), { from, to, events: options.events, organizationId: 'org_b', catalog: seededCatalog, table });
    expect(result.days).toEqual(bruteForce(events, from, to, options));
    // A tenant's numbers hold none of another's events.
    const other = await timeseries(await db(), { from, to, organizationId: 'org_nobody', catalog: seededCatalog, table });
    expect(other.days.every((d) => Object.keys(d.counts).length === 0 && Object.keys(d.revenue).length === 0)).toBe(true);
  });

  it('clamps a range longer than 365 days and says so; without a catalog there is no revenue', async () => {
    const result = await timeseries(await db(), { from: '2020-01-01T00:00:00Z', to: END, table });
    expect(result.range.clamped).toBe(true);
    expect(Date.parse(result.range.to) - Date.parse(result.range.from)).toBe(365 * 86_400_000);
    expect(result.days.length).toBe(366);
    expect(result.days.every((d) => Object.keys(d.revenue).length === 0)).toBe(true);
    expect(result.days.reduce((n, d) => n + Object.values(d.counts).reduce((a, b) => a + b, 0), 0)).toBe(events.length);
  });
});
