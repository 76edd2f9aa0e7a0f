// @vitest-environment happy-dom
import { PostHog } from 'posthog-js';
import * as z from 'zod';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTracker, defineCatalog, defineEvent, defineFlag, type FlagsBootstrap, type Violation } from '../../src/browser/index';
import { startInspector, type Inspector } from '../../src/node/index';
import { memoryDestination } from '../../src/testing/index';

/** The two flags, plus a boolean flag that defaults to on: a bootstrapped `false` must not read as it. */
const catalog = defineCatalog({
  name: 'flagshop_web',
  version: 1,
  events: { page_viewed: defineEvent({ description: 'A page was viewed', properties: z.object({ path: z.string() }) }) },
  flags: {
    'new-onboarding': defineFlag({
      description: 'Three-step onboarding',
      variants: ['control', 'test'],
      default: 'control',
      payload: { test: z.object({ layout: z.enum(['compact', 'wide']) }) },
    }),
    'beta-export': defineFlag({ description: 'CSV export', default: false }),
    'fast-checkout': defineFlag({ description: 'One-page checkout', default: true }),
  },
});

const bootstrap = (featureFlags: FlagsBootstrap['featureFlags'], featureFlagPayloads: FlagsBootstrap['featureFlagPayloads'] = {}, distinctID = 'user_1'): FlagsBootstrap => ({
  distinctID,
  featureFlags,
  featureFlagPayloads,
});

async function until(condition: () => boolean, what: string, deadlineMs = 5000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const closers: (() => Promise<unknown>)[] = [];
beforeEach(() => localStorage.clear());
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function tracker(flags?: { bootstrap?: FlagsBootstrap }, posthog?: { client: never }) {
  const memory = memoryDestination();
  const violations: Violation[] = [];
  const errors: unknown[] = [];
  const t = createTracker(catalog, { destinations: [memory], flags, ...(posthog ? { posthog } : {}), onViolation: (v) => violations.push(v), onError: (e) => errors.push(e) });
  return { tracker: t, memory, violations, errors };
}

describe('browser flags: the server values before first paint', () => {
  it('reads the bootstrap synchronously right after createTracker, typed, with its payload parsed', () => {
    const { tracker: t, violations } = tracker({ bootstrap: bootstrap({ 'new-onboarding': 'test', 'beta-export': true, 'fast-checkout': true }, { 'new-onboarding': { layout: 'wide' } }) });
    expect(t.flags.get('new-onboarding')).toBe('test');
    expect(t.flags.isEnabled('new-onboarding')).toBe(true);
    expect(t.flags.payload('new-onboarding')).toEqual({ layout: 'wide' });
    expect(t.flags.get('beta-export')).toBe(true);
    expect(t.flags.fallbackReason('new-onboarding')).toBeUndefined();
    expect(violations).toEqual([]);
    expect(t.stats().flags.fallback).toMatchObject({ missing: 0, invalid_payload: 0, unknown_variant: 0 });
  });

  it('keeps a bootstrapped false as false, where the catalog default is true', () => {
    const { tracker: t } = tracker({ bootstrap: bootstrap({ 'new-onboarding': 'control', 'beta-export': false, 'fast-checkout': false }) });
    expect(t.flags.get('fast-checkout')).toBe(false);
    expect(t.flags.isEnabled('fast-checkout')).toBe(false);
    expect(t.flags.fallbackReason('fast-checkout')).toBeUndefined();
  });

  it('reads the catalog default for a key the bootstrap lacks (and with no bootstrap at all), counted as missing', () => {
    const { tracker: t, violations } = tracker({ bootstrap: bootstrap({ 'new-onboarding': 'test' }) });
    expect(t.flags.get('fast-checkout')).toBe(true);
    expect(t.flags.get('beta-export')).toBe(false);
    expect(t.flags.fallbackReason('fast-checkout')).toBe('missing');
    expect(t.stats().flags.fallback.missing).toBe(2);
    expect(violations).toEqual([]);

    const { tracker: none } = tracker();
    expect(none.flags.get('new-onboarding')).toBe('control');
    expect(none.flags.get('fast-checkout')).toBe(true);
    expect(none.flags.payload('new-onboarding')).toBeUndefined();
  });

  it('a payload failing its schema reads as the default, reported through onViolation and counted', () => {
    const { tracker: t, violations } = tracker({ bootstrap: bootstrap({ 'new-onboarding': 'test', 'beta-export': true, 'fast-checkout': true }, { 'new-onboarding': { layout: 'huge' } }) });
    expect(t.flags.get('new-onboarding')).toBe('control');
    expect(t.flags.payload('new-onboarding')).toBeUndefined();
    expect(t.flags.fallbackReason('new-onboarding')).toBe('invalid_payload');
    expect(t.stats().flags.fallback.invalid_payload).toBe(1);
    expect(violations).toMatchObject([{ kind: 'invalid_flag_payload', path: 'new-onboarding' }]);
    expect(violations[0].message).toContain('layout');
  });

  it('a variant outside the catalog reads as the default, reported; a good variant leaves the reports empty', () => {
    const { tracker: t, violations } = tracker({ bootstrap: bootstrap({ 'new-onboarding': 'tset', 'beta-export': true, 'fast-checkout': true }) });
    expect(t.flags.get('new-onboarding')).toBe('control');
    expect(violations).toMatchObject([{ kind: 'unknown_flag_variant', path: 'new-onboarding' }]);
    expect(t.stats().flags.fallback.unknown_variant).toBe(1);
  });
});

describe('browser flags: exposures', () => {
  it('records exactly one $feature_flag_called per (distinct id, key, value) through the pipeline', async () => {
    const { tracker: t, memory } = tracker({ bootstrap: bootstrap({ 'new-onboarding': 'test', 'beta-export': false, 'fast-checkout': true }) });
    for (let i = 0; i < 3; i++) {
      t.flags.get('new-onboarding');
      t.flags.isEnabled('new-onboarding');
      t.flags.get('beta-export');
    }
    // A payload read is not an exposure.
    t.flags.payload('fast-checkout');
    await t.flush();
    const exposures = memory.events.filter((e) => e.event === '$feature_flag_called');
    expect(exposures.map((e) => [e.distinct_id, e.properties.$feature_flag, e.properties.$feature_flag_response])).toEqual([
      ['user_1', 'new-onboarding', 'test'],
      ['user_1', 'beta-export', false],
    ]);
    expect(t.stats().flags.exposures).toBe(2);
    expect(t.stats().tracked).toBe(2);
  });

  it('a fallback exposure says why, with PostHog\'s error name', async () => {
    const { tracker: t, memory } = tracker({ bootstrap: bootstrap({}) });
    t.flags.get('fast-checkout');
    await t.flush();
    expect(memory.events[0].properties).toMatchObject({ $feature_flag: 'fast-checkout', $feature_flag_response: true, $feature_flag_fallback: 'missing', $feature_flag_error: 'flag_missing' });
  });
});

describe('browser flags: on events', () => {
  it('track(…, { flags: tracker.flags }) carries the values held at the call; without it nothing is attached', async () => {
    const { tracker: t, memory } = tracker({ bootstrap: bootstrap({ 'new-onboarding': 'test', 'beta-export': false, 'fast-checkout': false }, { 'new-onboarding': { layout: 'wide' } }) });
    t.track('page_viewed', { path: '/' }, { flags: t.flags });
    t.track('page_viewed', { path: '/plain' });
    await t.flush();
    const [withFlags, plain] = memory.events.filter((e) => e.event === 'page_viewed');
    expect(withFlags.flags).toEqual({ 'new-onboarding': 'test', 'beta-export': false, 'fast-checkout': false });
    expect(plain.flags).toBeUndefined();
    // Attaching is not reading: no exposure.
    expect(t.stats().flags.exposures).toBe(0);
  });
});

describe('browser flags: the real posthog-js loading flags from the inspector', () => {
  async function inspector(flags: Parameters<typeof startInspector>[0]['flags']): Promise<Inspector> {
    const started = await startInspector({ catalogs: [catalog], port: 0, flags });
    closers.push(() => started.close());
    return started;
  }

  function posthogJs(host: string, boot: FlagsBootstrap): PostHog {
    // A named instance: init() returns it (the unnamed PostHog object stays uninitialised).
    const client = new PostHog().init('phc_test', {
      api_host: host,
      bootstrap: boot,
      persistence: 'memory',
      autocapture: false,
      capture_pageview: false,
      capture_pageleave: false,
      disable_session_recording: true,
      disable_surveys: true,
      advanced_disable_toolbar_metrics: true,
      opt_out_useragent_filter: true,
    } as never, `flags_${Math.random().toString(36).slice(2)}`);
    if (!client) throw new Error('posthog-js init() returned no instance');
    return client;
  }

  it('updates the values and calls subscribers when posthog-js loads different flags; a bootstrapped false is kept meanwhile', async () => {
    const ins = await inspector({ 'new-onboarding': { value: 'test', payload: { layout: 'compact' } }, 'fast-checkout': false });
    const boot = bootstrap({ 'new-onboarding': 'control', 'beta-export': false, 'fast-checkout': false });
    const client = posthogJs(ins.url, boot);
    const { tracker: t } = tracker({ bootstrap: boot }, { client: client as never });
    const seen: string[] = [];
    t.flags.subscribe(() => seen.push(`${t.flags.get('new-onboarding')}/${JSON.stringify(t.flags.payload('new-onboarding'))}`));
    expect(t.flags.get('new-onboarding')).toBe('control');
    expect(t.flags.get('fast-checkout')).toBe(false);
    // posthog-js already answered with its bootstrap (which drops `false`): the kept copy still reads false.
    client.reloadFeatureFlags();
    await until(() => seen.length > 0, 'a subscriber call after posthog-js loaded flags');
    expect(seen[0]).toBe('test/{"layout":"compact"}');
    expect(t.flags.get('new-onboarding')).toBe('test');
    expect(t.flags.payload('new-onboarding')).toEqual({ layout: 'compact' });
    expect(t.flags.get('fast-checkout')).toBe(false);
  });

  it('a bootstrapped true turns false when posthog-js loads it off (posthog-js leaves off flags out of its variants)', async () => {
    const ins = await inspector({ 'fast-checkout': false, 'beta-export': true });
    const boot = bootstrap({ 'new-onboarding': 'control', 'beta-export': false, 'fast-checkout': true });
    const client = posthogJs(ins.url, boot);
    const { tracker: t, memory } = tracker({ bootstrap: boot }, { client: client as never });
    let changes = 0;
    t.flags.subscribe(() => changes++);
    expect(t.flags.get('fast-checkout')).toBe(true);
    client.reloadFeatureFlags();
    await until(() => changes > 0, 'the loaded flags');
    expect(t.flags.get('fast-checkout')).toBe(false);
    expect(t.flags.fallbackReason('fast-checkout')).toBeUndefined();
    expect(t.flags.get('beta-export')).toBe(true);
    // A new value is a new exposure; the same value read again is not.
    t.flags.get('fast-checkout');
    await t.flush();
    const exposures = memory.events.filter((e) => e.event === '$feature_flag_called').map((e) => [e.distinct_id, e.properties.$feature_flag, e.properties.$feature_flag_response]);
    expect(exposures).toEqual([
      ['user_1', 'fast-checkout', true],
      ['user_1', 'fast-checkout', false],
      ['user_1', 'beta-export', true],
    ]);
  });

  it('an unsubscribed listener is not called', async () => {
    const ins = await inspector({ 'new-onboarding': 'test' });
    const boot = bootstrap({ 'new-onboarding': 'control', 'beta-export': false, 'fast-checkout': true });
    const client = posthogJs(ins.url, boot);
    const { tracker: t } = tracker({ bootstrap: boot }, { client: client as never });
    const calls: string[] = [];
    const stop = t.flags.subscribe(() => calls.push('stopped'));
    t.flags.subscribe(() => calls.push('kept'));
    stop();
    client.reloadFeatureFlags();
    await until(() => calls.length > 0, 'the kept subscriber');
    expect(calls).toEqual(['kept']);
  });
});
