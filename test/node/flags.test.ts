import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PostHog } from 'posthog-node';
import { afterEach, describe, expect, it } from 'vitest';
import { ExposureMemo } from '../../src/core/flags';
import { createTracker, startInspector, type Inspector, type NodeTrackerOptions, type Violation } from '../../src/node/index';
import { catalog } from '../fixtures/flags-catalog';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function inspector(flags?: Parameters<typeof startInspector>[0]['flags']): Promise<Inspector> {
  const started = await startInspector({ catalogs: [catalog], port: 0, flags });
  closers.push(() => started.close());
  return started;
}

/** A tracker whose PostHog (events and flags) is `host`, counting the /flags requests it makes. */
function tracker(host: string, extra: Partial<NodeTrackerOptions> = {}) {
  const flagRequests: string[] = [];
  const violations: Violation[] = [];
  const errors: unknown[] = [];
  const counting = (url: string, init: RequestInit) => {
    if (url.includes('/flags')) flagRequests.push(url);
    return fetch(url, init);
  };
  const t = createTracker(catalog, {
    posthog: { apiKey: 'phc_test', host, fetch: counting as never, retryBaseMs: 5, retryMaxMs: 20 },
    webhook: { url: `${host}/webhook`, retryBaseMs: 5, retryMaxMs: 20 },
    onViolation: (v) => violations.push(v),
    onError: (e) => errors.push(e),
    ...extra,
  });
  closers.push(() => t.shutdown(1000));
  return { tracker: t, flagRequests, violations, errors };
}

const exposuresIn = (events: { event: string; destination: string; payload: any }[], destination = 'posthog') =>
  events.filter((e) => e.event === '$feature_flag_called' && e.destination === destination).map((e) => (destination === 'posthog' ? e.payload.properties : e.payload.properties));

describe('flags: the real posthog-node against the inspector', () => {
  it('reads the catalog defaults the inspector serves, in one /flags request, with nothing counted as a fallback', async () => {
    const ins = await inspector();
    const { tracker: t, flagRequests } = tracker(ins.url);
    const flags = await t.flags.evaluate('user_1');
    expect(flags.get('new-onboarding')).toBe('control');
    expect(flags.get('beta-export')).toBe(false);
    expect(flags.isEnabled('beta-export')).toBe(false);
    expect(flags.payload('new-onboarding')).toBeUndefined();
    expect(flagRequests).toHaveLength(1);
    expect(t.stats().flags).toMatchObject({ evaluated: 1, fallback: { missing: 0, error: 0, timeout: 0, invalid_payload: 0 } });
  });

  it('returns the overrides typed, with the payload parsed by its schema; bootstrap keeps false', async () => {
    const ins = await inspector({ 'new-onboarding': { value: 'test', payload: { layout: 'compact' } } });
    const { tracker: t } = tracker(ins.url);
    let flags = await t.flags.evaluate('user_1');
    expect(flags.get('new-onboarding')).toBe('test');
    expect(flags.isEnabled('new-onboarding')).toBe(true);
    expect(flags.payload('new-onboarding')).toEqual({ layout: 'compact' });
    expect(flags.bootstrap()).toEqual({ distinctID: 'user_1', featureFlags: { 'new-onboarding': 'test', 'beta-export': false }, featureFlagPayloads: { 'new-onboarding': { layout: 'compact' } } });
    ins.setFlags({ 'beta-export': true });
    flags = await t.flags.evaluate('user_1');
    expect(flags.get('beta-export')).toBe(true);
  });

  it('records exactly one exposure per (user, key, value) through every destination, and PostHog gets no second one', async () => {
    const ins = await inspector({ 'new-onboarding': 'test' });
    const { tracker: t } = tracker(ins.url);
    const a = await t.flags.evaluate('user_1');
    a.get('new-onboarding');
    a.get('new-onboarding');
    a.isEnabled('new-onboarding');
    const again = await t.flags.evaluate('user_1');
    again.get('new-onboarding');
    (await t.flags.evaluate('user_2')).get('new-onboarding');
    ins.setFlags({ 'new-onboarding': 'control' });
    (await t.flags.evaluate('user_1')).get('new-onboarding');
    a.payload('new-onboarding'); // a payload read is no exposure (as in PostHog)
    await t.flush();
    const posthog = exposuresIn(ins.events());
    expect(posthog.map((p) => [p.$feature_flag, p.$feature_flag_response])).toEqual([
      ['new-onboarding', 'test'],
      ['new-onboarding', 'test'],
      ['new-onboarding', 'control'],
    ]);
    expect(ins.events().filter((e) => e.event === '$feature_flag_called' && e.destination === 'posthog').map((e) => e.distinctId)).toEqual(['user_1', 'user_2', 'user_1']);
    expect(exposuresIn(ins.events(), 'webhook')).toHaveLength(3);
    expect(t.stats().flags!.exposures).toBe(3);
    expect(t.stats().tracked).toBe(3);
  });

  it('your own posthog-node client (sendFeatureFlagEvent left on) still sends no exposure of its own', async () => {
    const ins = await inspector({ 'new-onboarding': 'test' });
    const client = new PostHog('phc_test', { host: ins.url, flushAt: 1, flushInterval: 0 });
    closers.push(() => client.shutdown(1000));
    const { tracker: t } = tracker(ins.url, { posthog: { client } });
    const flags = await t.flags.evaluate('user_1');
    flags.get('new-onboarding');
    flags.isEnabled('beta-export');
    await t.flush();
    await client.flush();
    expect(exposuresIn(ins.events()).map((p) => p.$feature_flag).sort()).toEqual(['beta-export', 'new-onboarding']);
  });

  it('track(…, { flags }) carries the values: $feature/<key> for PostHog, flags for the webhook; payload PII is redacted before any destination', async () => {
    const ins = await inspector({ 'new-onboarding': { value: 'test', payload: { layout: 'wide', contact: 'jane@example.com' } }, 'beta-export': true });
    const { tracker: t } = tracker(ins.url);
    const flags = await t.flags.evaluate('user_1');
    // The application reads the payload as served; only what leaves for a destination is guarded.
    expect(flags.payload('new-onboarding')).toEqual({ layout: 'wide', contact: 'jane@example.com' });
    expect(flags.get('new-onboarding')).toBe('test');
    t.track('page_viewed', { path: '/' }, { distinctId: 'user_1', flags });
    await t.flush();
    const events = ins.events();
    const ph = events.find((e) => e.event === 'page_viewed' && e.destination === 'posthog')!.payload as any;
    expect(ph.properties).toMatchObject({ '$feature/new-onboarding': 'test', '$feature/beta-export': true, $active_feature_flags: ['beta-export', 'new-onboarding'] });
    expect(ph.properties.$feature_flag_payloads).toEqual({ 'new-onboarding': { layout: 'wide', contact: '[redacted:email]' } });
    const hook = events.find((e) => e.event === 'page_viewed' && e.destination === 'webhook')!.payload as any;
    expect(hook.flags).toEqual({ 'new-onboarding': 'test', 'beta-export': true });
    expect(hook.flag_payloads).toEqual({ 'new-onboarding': { layout: 'wide', contact: '[redacted:email]' } });
    const exposure = exposuresIn(events).find((p) => p.$feature_flag === 'new-onboarding')!;
    expect(exposure.$feature_flag_payload).toEqual({ layout: 'wide', contact: '[redacted:email]' });
    expect(JSON.stringify(events)).not.toContain('jane@example.com');
    expect(t.stats().redactions).toBe(2); // the event's payloads and the exposure's
  });

  it('a payload that fails its schema, or a variant not in the catalog, reads as the default: counted and reported', async () => {
    const ins = await inspector({ 'new-onboarding': { value: 'test', payload: { layout: 'huge' } }, 'beta-export': 'sometimes' });
    const { tracker: t, violations } = tracker(ins.url);
    const flags = await t.flags.evaluate('user_1');
    expect(flags.get('new-onboarding')).toBe('control');
    expect(flags.payload('new-onboarding')).toBeUndefined();
    expect(flags.fallbackReason('new-onboarding')).toBe('invalid_payload');
    expect(flags.get('beta-export')).toBe(false);
    expect(flags.fallbackReason('beta-export')).toBe('unknown_variant');
    expect(t.stats().flags!.fallback).toMatchObject({ invalid_payload: 1, unknown_variant: 1 });
    expect(violations.map((v) => [v.kind, v.path])).toEqual([
      ['invalid_flag_payload', 'new-onboarding'],
      ['unknown_flag_variant', 'beta-export'],
    ]);
  });

  it('a flag the service does not have reads as its default, counted as missing', async () => {
    const ins = await inspector({ 'beta-export': null });
    const { tracker: t } = tracker(ins.url);
    const flags = await t.flags.evaluate('user_1');
    expect(flags.get('beta-export')).toBe(false);
    expect(t.stats().flags!.fallback.missing).toBe(1);
    flags.get('beta-export');
    await t.flush();
    expect(exposuresIn(ins.events())[0]).toMatchObject({ $feature_flag_response: false, $feature_flag_fallback: 'missing', $feature_flag_error: 'flag_missing' });
  });
});

/** A flags endpoint that fails the way we tell it to. */
async function failingFlags(mode: 'status500' | 'hang' | 'garbage') {
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (!req.url?.startsWith('/flags')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":1}');
      if (mode === 'status500') return void res.writeHead(500).end('{"error":"down"}');
      if (mode === 'garbage') return void res.writeHead(200, { 'content-type': 'application/json' }).end('<html>not json');
      hanging.add(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('flags: outages', () => {
  it.each([
    ['status500', 'error'],
    ['garbage', 'error'],
    ['hang', 'timeout'],
  ] as const)('the flags endpoint %s: every flag is its default, counted as %s, reported, nothing thrown', async (mode, reason) => {
    const host = await failingFlags(mode);
    const { tracker: t, errors } = tracker(host, { flags: { timeoutMs: 300 } });
    const started = Date.now();
    const flags = await t.flags.evaluate('user_1');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(flags.get('new-onboarding')).toBe('control');
    expect(flags.get('beta-export')).toBe(false);
    expect(flags.isEnabled('new-onboarding')).toBe(false);
    expect(flags.fallbackReason('new-onboarding')).toBe(reason);
    expect(t.stats().flags!.fallback[reason]).toBe(2);
    expect(errors.map(String).join('\n')).toMatch(/\[trackplan\] \[flags\]/);
  });

  it('without PostHog configured, evaluate resolves the defaults (counted as unconfigured)', async () => {
    const t = createTracker(catalog, {});
    closers.push(() => t.shutdown(100));
    const flags = await t.flags.evaluate('user_1');
    expect(flags.get('new-onboarding')).toBe('control');
    expect(t.stats().flags!.fallback.unconfigured).toBe(2);
  });

  it('a bad distinct id resolves the defaults instead of throwing', async () => {
    const ins = await inspector();
    const { tracker: t, errors } = tracker(ins.url);
    const flags = await t.flags.evaluate('' as string);
    expect(flags.get('new-onboarding')).toBe('control');
    expect(errors).toHaveLength(1);
  });
});

describe('flags: the exposure memory is bounded', () => {
  it('forgets the least recently read past its capacity (one more exposure, never one fewer)', () => {
    const memo = new ExposureMemo(2);
    expect(memo.first('u1', 'k', 'test')).toBe(true);
    expect(memo.first('u2', 'k', 'test')).toBe(true);
    expect(memo.first('u1', 'k', 'test')).toBe(false); // refreshed: u2 is now the oldest
    expect(memo.first('u3', 'k', 'test')).toBe(true);
    expect(memo.size).toBe(2);
    expect(memo.first('u1', 'k', 'test')).toBe(false);
    expect(memo.first('u2', 'k', 'test')).toBe(true);
    // A value is told apart from a variant of the same spelling.
    expect(memo.first('u9', 'k', true)).toBe(true);
    expect(memo.first('u9', 'k', 'true')).toBe(true);
  });
});
