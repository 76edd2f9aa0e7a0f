// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
// `trackplan/client` under the `browser` export condition, with the generated tformance client's catalog.
import { createGeneratedClient, type ClientFlagDefaults } from '../../src/client/browser';
import { compileCatalog } from '../../schema/clients/tformance/index';
import { catalog as tformance } from '../../schema/tformance';
import type { BrowserTracker, BrowserTrackerOptions, FlagsBootstrap, GeneratedClient } from '../../src/browser/index';
import { memoryDestination } from '../../src/testing/index';

type Catalog = ReturnType<typeof compileCatalog>;
// What the generated module passes: each flag's default and variants (taken here from the zod catalog).
const defaults: ClientFlagDefaults = Object.fromEntries(Object.entries(tformance.flags ?? {}).map(([key, spec]) => [key, { default: spec.default, variants: spec.variants }]));
const newClient = (): GeneratedClient<Catalog, BrowserTracker<Catalog>, BrowserTrackerOptions> => createGeneratedClient(compileCatalog, defaults);
const guided = { steps: ['github', 'slack'], skippable: false };
const bootstrap: FlagsBootstrap = { distinctID: 'user_1', featureFlags: { 'onboarding-flow': 'guided', 'ai-insights-panel': true }, featureFlagPayloads: { 'onboarding-flow': guided } };

beforeEach(() => localStorage.clear());

describe('a generated client exposes the catalog flags (no zod at run time)', () => {
  it('reads the bootstrap synchronously before the runtime loads, then the tracker: payload parsed, one exposure per flag', async () => {
    const client = newClient();
    expect(client.flags.get('onboarding-flow')).toBe('control'); // before init(): the default
    const memory = memoryDestination({ name: 'memory' });
    const ready = client.init({ flags: { bootstrap }, destinations: [memory] });
    // The runtime is still an import() away: the first render reads the server's values.
    expect(client.flags.get('onboarding-flow')).toBe('guided');
    expect(client.flags.isEnabled('ai-insights-panel')).toBe(true);
    expect(client.flags.payload('onboarding-flow')).toBeUndefined();
    let calls = 0;
    client.flags.subscribe(() => calls++);
    const tracker = await ready;
    expect(calls).toBe(1); // the payload became readable
    expect(client.flags.payload('onboarding-flow')).toEqual(guided);
    expect(client.flags.get('onboarding-flow')).toBe('guided');
    expect(tracker.flags.get('ai-insights-panel')).toBe(true);
    await client.flush();
    const exposures = memory.events.filter((e) => e.event === '$feature_flag_called').map((e) => [e.properties.$feature_flag, e.properties.$feature_flag_response]);
    expect(exposures).toEqual([
      ['onboarding-flow', 'guided'],
      ['ai-insights-panel', true],
    ]);
  });

  it('a bootstrapped variant the catalog does not declare reads as the default; a payload failing its compiled schema too, reported', async () => {
    const client = newClient();
    const violations: string[] = [];
    const odd: FlagsBootstrap = { distinctID: 'u', featureFlags: { 'onboarding-flow': 'legacy', 'ai-insights-panel': 'yes' as never }, featureFlagPayloads: {} };
    const ready = client.init({ flags: { bootstrap: odd }, destinations: [memoryDestination()] });
    expect([client.flags.get('onboarding-flow'), client.flags.get('ai-insights-panel')]).toEqual(['control', false]);
    await ready;
    expect(client.flags.fallbackReason('onboarding-flow')).toBe('unknown_variant');

    const other = newClient();
    const bad: FlagsBootstrap = { distinctID: 'u', featureFlags: { 'onboarding-flow': 'guided' }, featureFlagPayloads: { 'onboarding-flow': { steps: [], skippable: 'no' } } };
    await other.init({ flags: { bootstrap: bad }, destinations: [memoryDestination()], onViolation: (v) => violations.push(`${v.kind}:${v.message}`) });
    expect(other.flags.get('onboarding-flow')).toBe('control');
    expect(other.flags.fallbackReason('onboarding-flow')).toBe('invalid_payload');
    expect(violations).toEqual([expect.stringMatching(/^invalid_flag_payload:.*steps/)]);
  });
});
