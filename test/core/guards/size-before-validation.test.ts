import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineCatalog, defineEvent } from '../../../src/core/catalog';
import { createTracker, type Violation } from '../../../src/node/index';
import { memoryDestination } from '../../../src/testing/index';

// Validation walks every key and every array slot it is handed; the size guard's limits on keys,
// array items and depth must apply before it, or one hostile call costs seconds or all memory.
const catalog = defineCatalog({
  name: 'hostile',
  version: 1,
  person: z.object({ role: z.string(), tags: z.array(z.string()) }).partial(),
  events: {
    cart_updated: defineEvent({
      description: 'The cart changed',
      properties: z.object({ cart_id: z.string(), skus: z.array(z.string()).optional(), meta: z.record(z.string(), z.unknown()).optional(), context: z.unknown().optional() }),
    }),
  },
});

function setup(validation: 'report' | 'drop' = 'report') {
  const memory = memoryDestination();
  const violations: Violation[] = [];
  const tracker = createTracker(catalog, { destinations: [memory], validation, onViolation: (v) => violations.push(v) });
  return { tracker, memory, violations };
}

function sparseArray(): string[] {
  const array: string[] = [];
  array.length = 2 ** 32 - 1;
  return array;
}

describe('size guard before validation: many keys', () => {
  it('a million undeclared keys: one report for the unknown keys, and the call stays fast', async () => {
    const { tracker, memory, violations } = setup();
    const props: Record<string, unknown> = { cart_id: 'c_1' };
    for (let i = 0; i < 1_000_000; i++) props[`junk_${i}`] = i;

    // No key order can be read without listing them all once; that is the floor, on a busy machine too.
    let started = performance.now();
    let listed = 0;
    for (const key in props) if (key && ++listed > 200) break;
    const listingOnce = performance.now() - started;
    started = performance.now();
    tracker.track('cart_updated', props as never);
    const elapsed = performance.now() - started;
    await tracker.flush();

    // A loose bound (the machine may be busy): the deterministic check is the number of reports below
    // (a million before); the time is a benchmark's job (bench/pipeline-parts.ts).
    expect(elapsed).toBeLessThan(Math.max(2000, 10 * listingOnce)); // a few listings of the keys at most, never one report per key
    expect(violations.length).toBeLessThanOrEqual(3);
    expect(violations.find((v) => v.kind === 'truncated')).toMatchObject({ path: undefined, action: 'rewritten' });
    const unknown = violations.filter((v) => v.kind === 'unknown_properties');
    expect(unknown).toHaveLength(1);
    expect(unknown[0].keys).toHaveLength(20);
    expect(unknown[0].keys![0]).toBe('junk_0');
    expect(unknown[0].message).toMatch(/^199 properties are not declared .*"junk_0", "junk_1".* and 179 more$/);
    expect(memory.events[0].properties).toEqual({ cart_id: 'c_1' });
  });

  it('two unknown keys: both reported by name, the known keys delivered', async () => {
    const { tracker, memory, violations } = setup();
    tracker.track('cart_updated', { cart_id: 'c_1', skus: ['a'], coupon: 'X', referrer: 'mail' } as never);
    await tracker.flush();
    expect(memory.events[0].properties).toEqual({ cart_id: 'c_1', skus: ['a'] });
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ kind: 'unknown_properties', keys: ['coupon', 'referrer'], action: 'removed' });
    expect(violations[0].message).toContain('"coupon", "referrer"');
  });

  it('a nested object over the limit keeps its first 200 keys, reported once, before validation', async () => {
    const { tracker, memory, violations } = setup();
    const meta: Record<string, string> = {};
    for (let i = 0; i < 250; i++) meta[`k${i}`] = 'v';
    tracker.track('cart_updated', { cart_id: 'c_1', meta });
    await tracker.flush();
    expect(Object.keys(memory.events[0].properties.meta as object)).toEqual(Object.keys(meta).slice(0, 200));
    expect(violations).toEqual([
      { kind: 'truncated', event: 'cart_updated', path: 'meta', message: 'more than 200 properties; only the first 200 were kept', action: 'rewritten' },
    ]);
  });

  it('200 properties, the most the size guard keeps, pass unchanged and unreported', async () => {
    const { tracker, memory, violations } = setup();
    const meta: Record<string, string> = {};
    for (let i = 0; i < 200; i++) meta[`k${i}`] = 'v';
    tracker.track('cart_updated', { cart_id: 'c_1', meta });
    await tracker.flush();
    expect(memory.events[0].properties.meta).toEqual(meta);
    expect(violations).toEqual([]);
  });
});

describe('size guard before validation: a sparse array of length 2^32-1', () => {
  it('report mode: the array is cut to 100 items and reported, the process survives, the event is delivered', async () => {
    const { tracker, memory, violations } = setup();
    tracker.track('cart_updated', { cart_id: 'c_1', skus: sparseArray() });
    await tracker.flush();
    expect(violations.filter((v) => v.kind === 'truncated')).toEqual([
      { kind: 'truncated', event: 'cart_updated', path: 'skus', message: 'an array of 4294967295 items was cut to 100', action: 'rewritten' },
    ]);
    // The 100 holes are not strings: validation says so, once per item (a bounded number).
    expect(violations.filter((v) => v.kind === 'invalid_properties').length).toBe(100);
    expect(memory.events).toHaveLength(1);
    expect(memory.events[0].properties.skus).toHaveLength(100);
  });

  it('drop mode: the invalid event is dropped and counted, the truncation reported as dropped', async () => {
    const { tracker, memory, violations } = setup('drop');
    tracker.track('cart_updated', { cart_id: 'c_1', skus: sparseArray() });
    await tracker.flush();
    expect(memory.events).toHaveLength(0);
    expect(tracker.stats().dropped).toEqual({ invalid: 1 });
    expect(violations.find((v) => v.kind === 'truncated')).toMatchObject({ path: 'skus', action: 'dropped' });
  });

  it('nested and in identify traits too', async () => {
    const { tracker, memory, violations } = setup();
    tracker.track('cart_updated', { cart_id: 'c_1', meta: { deep: { list: sparseArray() } } });
    tracker.identify('u_1', { tags: sparseArray() });
    await tracker.flush();
    expect(violations.filter((v) => v.kind === 'truncated').map((v) => [v.event, v.path])).toEqual([
      ['cart_updated', 'meta.deep.list'],
      ['$identify', 'tags'],
    ]);
    expect(memory.events[0].properties.meta).toEqual({ deep: { list: new Array(100).fill(null) } });
  });

  it('a nested value whose keys cannot be listed (a hostile Proxy) is removed and reported, not handed to validation', async () => {
    const { tracker, memory, violations } = setup();
    const hostile = new Proxy({}, { ownKeys() { throw new Error('no keys'); } });
    tracker.track('cart_updated', { cart_id: 'c_1', meta: hostile });
    await tracker.flush();
    expect(memory.events[0].properties).toEqual({ cart_id: 'c_1' });
    expect(violations).toEqual([expect.objectContaining({ kind: 'non_json', path: 'meta', action: 'rewritten' })]);
  });

  it('leaves an array within limits, nested objects and a circular reference as they were', async () => {
    const { tracker, memory, violations } = setup();
    // Five levels deep, the most the size guard keeps: properties > meta > a > b > [..]
    const skus = Array.from({ length: 100 }, (_, i) => `SKU-${i}`);
    const meta = () => ({ a: { b: [1, 2, 'x'] } });
    const circular: Record<string, unknown> = meta();
    circular.self = circular;
    tracker.track('cart_updated', { cart_id: 'c_1', skus, meta: meta() });
    tracker.track('cart_updated', { cart_id: 'c_2', context: circular });
    await tracker.flush();
    expect(memory.events[0].properties).toEqual({ cart_id: 'c_1', skus, meta: meta() });
    expect(memory.events[1].properties.context).toEqual({ ...meta(), self: '[circular]' });
    expect(violations.map((v) => `${v.kind}:${v.path}`)).toEqual(['non_json:context.self']);
  });
});

describe('one object reused under many keys', () => {
  /** 80 keys per level, 3 levels under `context`, every key the same object: within every container limit (depth 5, 200 keys), 512,000 paths. */
  function sharedTree(): Record<string, unknown> {
    let node: Record<string, unknown> = { leaf: 'x' };
    for (let level = 0; level < 3; level++) {
      const next: Record<string, unknown> = {};
      for (let i = 0; i < 80; i++) next[`k${i}`] = node;
      node = next;
    }
    return node;
  }

  it('is dropped as too_large after a bounded walk, not walked once per path', async () => {
    const { tracker, memory, violations } = setup();
    const started = performance.now();
    tracker.track('cart_updated', { cart_id: 'c1', context: sharedTree() });
    const elapsed = performance.now() - started;
    await tracker.flush();
    expect(memory.events).toHaveLength(0);
    expect(tracker.stats().dropped).toEqual({ too_large: 1 });
    expect(violations.map((v) => [v.kind, v.action])).toEqual([['too_large', 'dropped']]);
    expect(elapsed).toBeLessThan(1000); // tens of ms here; 2.4 s before the walk was counted (it grows with each level)
  });

  it('leaves alone an object reused a few times in an event that fits', async () => {
    const { tracker, memory, violations } = setup();
    const shared = { sku: 'A-1', qty: 1 };
    tracker.track('cart_updated', { cart_id: 'c1', meta: { first: shared, second: shared, third: shared } });
    await tracker.flush();
    expect(memory.events[0].properties.meta).toEqual({ first: shared, second: shared, third: shared });
    expect(violations).toEqual([]);
  });
});
