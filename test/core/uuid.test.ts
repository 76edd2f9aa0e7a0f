import { describe, expect, it } from 'vitest';
import { randomFillSync } from 'node:crypto';
import { createUuidV7 } from '../../src/core/uuid';
import { createTracker } from '../../src/node/index';
import { memoryDestination } from '../../src/testing/index';
import { catalog, paid } from '../fixtures/storefront-catalog';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millisecondsOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('message ids (UUIDv7)', () => {
  it('gives every tracked event a distinct v7 id, in the order the events were tracked', async () => {
    const memory = memoryDestination({ name: 'posthog' });
    const tracker = createTracker(catalog, { destinations: [memory] });
    const before = Date.now();
    for (let i = 0; i < 20_000; i++) tracker.track('order.paid', paid, { distinctId: 'u_1' });
    await tracker.flush();
    const ids = memory.events.map((e) => e.uuid);
    expect(ids).toHaveLength(20_000);
    for (const id of ids) expect(id).toMatch(V7);
    expect(new Set(ids).size).toBe(20_000);
    expect([...ids].sort()).toEqual(ids);
    expect(millisecondsOf(ids[0])).toBeGreaterThanOrEqual(before);
    expect(millisecondsOf(ids[0])).toBeLessThanOrEqual(Date.parse(memory.events[0].timestamp));
  });

  it('keeps an id the caller passes (an outbox row, a retried job)', async () => {
    const memory = memoryDestination({ name: 'posthog' });
    const tracker = createTracker(catalog, { destinations: [memory] });
    tracker.track('order.paid', paid, { distinctId: 'u_1', uuid: 'job-42' });
    await tracker.flush();
    expect(memory.events[0].uuid).toBe('job-42');
  });

  it('stays in order when the clock steps back, and embeds the millisecond otherwise', () => {
    const next = createUuidV7(randomFillSync);
    const a = next(1_700_000_000_500);
    const b = next(1_700_000_000_400); // the clock stepped back 100 ms
    const c = next(1_700_000_000_600);
    expect(millisecondsOf(a)).toBe(1_700_000_000_500);
    expect(millisecondsOf(b)).toBe(1_700_000_000_500);
    expect(millisecondsOf(c)).toBe(1_700_000_000_600);
    expect(a < b && b < c).toBe(true);
    for (const id of [a, b, c]) expect(id).toMatch(V7);
  });

  it('draws fresh random bits every millisecond, so two generators do not collide', () => {
    const one = createUuidV7(randomFillSync);
    const two = createUuidV7(randomFillSync);
    const ids = new Set<string>();
    for (let ms = 0; ms < 2_000; ms++) for (let i = 0; i < 5; i++) ids.add(one(1_700_000_000_000 + ms)).add(two(1_700_000_000_000 + ms));
    expect(ids.size).toBe(20_000);
  });
});
