import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyGuards, DEFAULT_SIZE_LIMITS, sanitize } from '../../../src/core/guards';
import { createTracker } from '../../../src/node/index';
import { memoryDestination } from '../../../src/testing/index';
import { catalog } from '../../fixtures/storefront-catalog';

const limits = DEFAULT_SIZE_LIMITS;

describe('sanitize', () => {
  it('returns the very same object when it already is JSON within limits', () => {
    const input = { a: 'x', b: 1, c: [1, 'y', { d: true }], e: null };
    expect(sanitize(input, limits)).toEqual({ value: input, findings: [] });
    expect(sanitize(input, limits).value).toBe(input);
  });

  it('converts or removes every non-JSON value, with a finding and its path', () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const input = {
      when: new Date('2026-11-22T10:00:00Z'),
      bad_date: new Date('nope'),
      big: 12345678901234567890n,
      nan: NaN,
      inf: -Infinity,
      fn: () => 1,
      sym: Symbol('s'),
      undef: undefined,
      nested: { circular },
      list: [1, undefined, () => 2],
      getter: Object.defineProperty({}, 'boom', { enumerable: true, get() { throw new Error('no'); } }),
      json: { toJSON: () => 'custom' },
      bytes: new Uint8Array([1, 2]),
      map: new Map([['k', 1]]),
      set: new Set(['a']),
    };
    const { value, findings } = sanitize(input, limits);
    expect(value).toEqual({
      when: '2026-11-22T10:00:00.000Z',
      bad_date: null,
      big: '12345678901234567890',
      nan: null,
      inf: null,
      nested: { circular: { name: 'loop', self: '[circular]' } },
      list: [1, null, null],
      getter: {},
      json: 'custom',
      map: { k: 1 },
      set: ['a'],
    });
    expect(findings.map((f) => f.path)).toEqual(expect.arrayContaining(['big', 'nan', 'inf', 'fn', 'sym', 'nested.circular.self', 'list.2', 'getter.boom', 'bytes']));
    expect(JSON.parse(JSON.stringify(value))).toEqual(value);
  });

  it('removes __proto__, constructor and prototype keys', () => {
    const input = JSON.parse('{"__proto__":{"polluted":true},"constructor":1,"ok":2}');
    const { value } = sanitize(input, limits);
    expect(Object.keys(value)).toEqual(['ok']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('enforces string length, property count, depth and array length', () => {
    const wide = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i]));
    const deep = { l1: { l2: { l3: { l4: { l5: { l6: 'too deep' } }, ok: 1 } } } };
    const { value, findings } = sanitize({ long: 'x'.repeat(300), wide, deep, list: Array.from({ length: 150 }, (_, i) => i), emoji: `${'a'.repeat(254)}😀` }, limits);
    expect((value.long as string).length).toBe(255);
    expect(Object.keys(value.wide as object)).toHaveLength(200);
    expect(value.deep).toEqual({ l1: { l2: { l3: { ok: 1 } } } }); // properties are level 1: l4 would be level 6
    expect((value.list as unknown[]).length).toBe(100);
    expect(value.emoji).toBe('a'.repeat(254));
    expect(findings.filter((f) => f.kind === 'truncated').map((f) => f.path)).toEqual(['long', 'wide', 'deep.l1.l2.l3.l4', 'list', 'emoji']);
  });
});

describe('applyGuards', () => {
  const options = { pii: 'redact' as const, limits, allow: new Set<string>(), maxEventBytes: 32 * 1024 };
  it('drops an event larger than 32 KiB serialized, leaves a large but legal one', () => {
    const big = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p${i}`, 'x'.repeat(250)]));
    expect(applyGuards(big, options)).toMatchObject({ ok: false, reason: 'too_large' });
    const fits = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`p${i}`, 'x'.repeat(250)]));
    expect(applyGuards(fits, options)).toMatchObject({ ok: true });
  });

  it('never throws, and its output always survives a JSON round trip', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withSparseArray: true }), (anything) => {
        const result = applyGuards({ value: anything } as Record<string, unknown>, options);
        if (result.ok) expect(JSON.parse(JSON.stringify(result.value))).toEqual(result.value);
      }),
      { numRuns: 500, seed: 20261122 },
    );
  });
});

describe('size guard in the tracker', () => {
  it('cuts long strings to maxStringLength, reports it, and drops a too-large event as too_large', async () => {
    const memory = memoryDestination();
    const violations: string[] = [];
    const tracker = createTracker(catalog, { destinations: [memory], guards: { maxStringLength: 10 }, onViolation: (v) => violations.push(v.kind) });
    tracker.track('support.contacted', { topic: 'abcdefghijklmnop' });
    await tracker.flush();
    expect(memory.events[0].properties.topic).toBe('abcdefghij');
    expect(violations).toEqual(['truncated']);

    const small = createTracker(catalog, { destinations: [memory], guards: { maxEventBytes: 256, maxStringLength: 255 } });
    small.track('support.contacted', { topic: 'x'.repeat(200), note: 'y'.repeat(200) });
    expect(small.stats().dropped).toEqual({ too_large: 1 });
  });

  it('fast-check: track() never throws in report mode and never delivers a non-JSON value', async () => {
    const memory = memoryDestination();
    const tracker = createTracker(catalog, { destinations: [memory] });
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true }), fc.anything(), (props, options) => {
        tracker.track('support.contacted', props as never, options as never);
        tracker.track('support.contacted', { topic: 't', note: props } as never);
      }),
      { numRuns: 300, seed: 20261122 },
    );
    await tracker.flush();
    for (const event of memory.events) expect(JSON.parse(JSON.stringify(event))).toEqual(event);
    const stats = tracker.stats();
    expect(stats.tracked).toBe(600);
  });
});
