// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { createTracker, renderSnippets, TrackplanConfigError } from '../../src/browser/index';
import { createTracker as createNodeTracker } from '../../src/node/index';
import { catalog } from '../fixtures/storefront-catalog';

/** Throws a TrackplanConfigError whose message names `option`. */
function expectRefused(create: () => unknown, named: string) {
  let thrown: unknown;
  try {
    create();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `${named} was accepted`).toBeInstanceOf(TrackplanConfigError);
  expect((thrown as Error).message).toContain(`${named} must be`);
}

const stub = () => ({ capture() {}, identify() {}, alias() {}, group() {}, reset() {}, set_config() {}, opt_in_capturing() {}, opt_out_capturing() {} });

describe('configuration mistakes throw a TrackplanConfigError naming the option (browser)', () => {
  it('consent and maxHeld', () => {
    expectRefused(() => createTracker(catalog, { consent: 'maybe' as never }), 'consent');
    for (const bad of [0, -5, 2.5, '10']) expectRefused(() => createTracker(catalog, { consent: 'pending', maxHeld: bad as number }), 'maxHeld');
    for (const consent of ['granted', 'denied', 'pending'] as const) expect(() => createTracker(catalog, { consent, maxHeld: 1 })).not.toThrow();
  });

  it('posthog: apiKey "phc_…" and an http(s) host', () => {
    for (const bad of ['sk_live_x', 'phx_personal', '', 'phc_"x']) expectRefused(() => createTracker(catalog, { posthog: { apiKey: bad } }), '[posthog] apiKey');
    for (const bad of ['javascript:alert(1)', 'eu.i.posthog.com', 'https://u:p@eu.i.posthog.com']) expectRefused(() => createTracker(catalog, { posthog: { apiKey: 'phc_ok', host: bad } }), '[posthog] host');
    expect(() => createTracker(catalog, { posthog: { apiKey: 'phc_ok-1_A', host: 'https://eu.i.posthog.com' } })).not.toThrow();
    expect(() => createTracker(catalog, { posthog: { client: stub() } })).not.toThrow();
  });

  it('ga4: a "G-…" measurement id', () => {
    for (const bad of ['UA-1234', 'G-', 'G-1"><script>', undefined]) expectRefused(() => createTracker(catalog, { ga4: { measurementId: bad as string } }), '[ga4] measurementId');
    expect(() => createTracker(catalog, { ga4: { measurementId: 'G-ABC123' } })).not.toThrow();
  });

  it('webhook: url, queue numbers and storage bounds, checked before its module loads', () => {
    const url = 'https://hooks.example.com/in';
    expectRefused(() => createTracker(catalog, { webhook: { url: 'https://user:pw@hooks.example.com/in' } }), '[webhook] url');
    for (const option of ['batchSize', 'maxAttempts', 'flushIntervalMs', 'maxStoredEvents', 'maxStoredBytes'])
      for (const bad of [0, -1, 1.5]) expectRefused(() => createTracker(catalog, { webhook: { url, [option]: bad } }), `[webhook] ${option}`);
    expect(() => createTracker(catalog, { webhook: { url, batchSize: 10, maxAttempts: 3, flushIntervalMs: 50, maxStoredEvents: 100, maxStoredBytes: 4096 } })).not.toThrow();
  });

  it('one rule for keys, ids, hosts and consent: Node, the browser and the snippets agree', () => {
    const keys: [string, boolean][] = [['phc_abc', true], ['phc_A-b_9', true], ['phx_abc', false], ['sk_live_x', false], ['phc_', false]];
    for (const [key, ok] of keys) {
      const outcomes = [
        () => createTracker(catalog, { posthog: { apiKey: key } }),
        () => createNodeTracker(catalog, { posthog: { apiKey: key, transport: 'direct' } }).shutdown(0),
        () => renderSnippets({ posthog: { apiKey: key } }),
      ].map((run) => {
        try {
          run();
          return true;
        } catch (error) {
          expect(error).toBeInstanceOf(TrackplanConfigError);
          return false;
        }
      });
      expect(outcomes, key).toEqual([ok, ok, ok]);
    }
    const hosts: [string, boolean][] = [['https://eu.i.posthog.com', true], ['http://localhost:8000', true], ['ftp://x.com', false], ['https://u:p@x.com', false]];
    for (const [host, ok] of hosts) {
      const outcomes = [
        () => createTracker(catalog, { posthog: { apiKey: 'phc_ok', host } }),
        () => createNodeTracker(catalog, { posthog: { apiKey: 'phc_ok', host, transport: 'direct' } }).shutdown(0),
        () => renderSnippets({ posthog: { apiKey: 'phc_ok', host } }),
      ].map((run) => {
        try {
          run();
          return true;
        } catch {
          return false;
        }
      });
      expect(outcomes, host).toEqual([ok, ok, ok]);
    }
    for (const [id, ok] of [['G-ABC1', true], ['UA-1', false]] as const) {
      const browserOk = (() => { try { createTracker(catalog, { ga4: { measurementId: id } }); return true; } catch { return false; } })();
      const snippetOk = (() => { try { renderSnippets({ ga4: { measurementId: id } }); return true; } catch { return false; } })();
      expect([browserOk, snippetOk], id).toEqual([ok, ok]);
    }
    expectRefused(() => renderSnippets({ ga4: { measurementId: 'G-1', consent: 'maybe' as never } }), '[snippets] ga4.consent');
    expectRefused(() => createTracker(catalog, { consent: 'maybe' as never }), 'consent');
  });
});
