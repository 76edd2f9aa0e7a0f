import { describe, expect, expectTypeOf, it } from 'vitest';
import { createTestTracker } from '../../src/testing/index';
import { catalog } from '../fixtures/flags-catalog';

describe('createTestTracker({ flags }): fixed flag values, no flag service', () => {
  it('Node: evaluate() reads the given values, the catalog default for the others, and records exposures', async () => {
    const { tracker, events } = createTestTracker(catalog, { flags: { 'new-onboarding': { value: 'test', payload: { layout: 'compact' } } } });
    const flags = await tracker.flags.evaluate('user_1');
    expect(flags.get('new-onboarding')).toBe('test');
    expect(flags.payload('new-onboarding')).toEqual({ layout: 'compact' });
    expect(flags.get('beta-export')).toBe(false);
    expect(flags.fallbackReason('beta-export')).toBeUndefined();
    tracker.track('page_viewed', { path: '/' }, { flags, distinctId: 'user_1' });
    await tracker.flush();
    expect(events.filter((e) => e.event === '$feature_flag_called').map((e) => e.properties.$feature_flag)).toEqual(['new-onboarding', 'beta-export']);
    expect(events.find((e) => e.event === 'page_viewed')?.flags).toEqual({ 'new-onboarding': 'test', 'beta-export': false });
    expect(tracker.stats().flags?.fallback.unconfigured).toBe(0);
  });

  it('browser: tracker.flags reads the given values synchronously', () => {
    const { tracker } = createTestTracker(catalog, { runtime: 'browser', flags: { 'beta-export': true } });
    expect(tracker.flags.get('beta-export')).toBe(true);
    expect(tracker.flags.get('new-onboarding')).toBe('control');
    expect(tracker.stats().flags.fallback.missing).toBe(0);
  });

  it('without flags: every flag reads as its catalog default', async () => {
    const { tracker } = createTestTracker(catalog);
    const flags = await tracker.flags.evaluate('user_1');
    expect([flags.get('new-onboarding'), flags.get('beta-export')]).toEqual(['control', false]);
  });

  it('a payload that fails its schema is reported like one from PostHog', async () => {
    const { tracker, violations } = createTestTracker(catalog, { flags: { 'new-onboarding': { value: 'test', payload: { layout: 'huge' as never } } } });
    expect((await tracker.flags.evaluate('user_1')).get('new-onboarding')).toBe('control');
    expect(violations.map((v) => v.kind)).toEqual(['invalid_flag_payload']);
  });

  it('types: keys, values and payloads come from the catalog', () => {
    type Options = Parameters<typeof createTestTracker<typeof catalog>>[1];
    expectTypeOf<{ flags: { 'new-onboarding': 'test' } }>().toMatchTypeOf<Options>();
    // @ts-expect-error a variant the flag does not have
    createTestTracker(catalog, { flags: { 'new-onboarding': 'tset' } });
    // @ts-expect-error a flag key the catalog does not have
    createTestTracker(catalog, { flags: { 'beta-exprot': true } });
    // @ts-expect-error a boolean flag takes true or false
    createTestTracker(catalog, { runtime: 'browser', flags: { 'beta-export': 'on' } });
    // @ts-expect-error the payload's shape comes from its schema
    createTestTracker(catalog, { flags: { 'new-onboarding': { value: 'test', payload: { layout: 1 } } } });
  });
});
