import { afterAll, describe, expect, it } from 'vitest';
// `trackplan/client` on Node, with the generated tformance client's catalog (no zod at run time).
import { createGeneratedClient, type ClientFlagDefaults } from '../../src/client/index';
import { compileCatalog } from '../../schema/clients/tformance/index';
import { catalog as tformance } from '../../schema/tformance';
import { startInspector, type NodeTracker, type NodeTrackerOptions } from '../../src/node/index';
import type { GeneratedClient } from '../../src/index';
import { memoryDestination } from '../../src/testing/index';

type Catalog = ReturnType<typeof compileCatalog>;
const defaults: ClientFlagDefaults = Object.fromEntries(Object.entries(tformance.flags ?? {}).map(([key, spec]) => [key, { default: spec.default, variants: spec.variants }]));
const closers: (() => Promise<unknown>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

describe('a generated client on Node: flags.evaluate() with the real posthog-node against the inspector', () => {
  it('before init(): every flag is its default and nothing rejects; after: the inspector values, the payload checked by the compiled schema', async () => {
    const inspector = await startInspector({ catalogs: [tformance], port: 0, flags: { 'onboarding-flow': { value: 'guided', payload: { steps: ['jira'], skippable: true, extra: 1 } }, 'ai-insights-panel': true } });
    closers.push(() => inspector.close());
    const client: GeneratedClient<Catalog, NodeTracker<Catalog>, NodeTrackerOptions> = createGeneratedClient(compileCatalog, defaults);
    const early = await client.flags.evaluate('user_1');
    expect([early.get('onboarding-flow'), early.get('ai-insights-panel'), early.fallbackReason('onboarding-flow')]).toEqual(['control', false, 'unconfigured']);

    const memory = memoryDestination({ name: 'memory' });
    await client.init({ posthog: { apiKey: 'phc_client', host: inspector.url, transport: 'direct' }, destinations: [memory] });
    closers.push(() => client.shutdown(1000));
    const flags = await client.flags.evaluate('user_1');
    expect(flags.get('onboarding-flow')).toBe('guided');
    expect(flags.payload('onboarding-flow')).toEqual({ steps: ['jira'], skippable: true }); // unknown keys dropped, as zod does
    expect(flags.isEnabled('ai-insights-panel')).toBe(true);
    client.track('insight_viewed', { team_slug: 'acme', insight_type: 'ai_adoption' }, { distinctId: 'user_1', flags });
    await client.flush();
    expect(memory.events.filter((e) => e.event === '$feature_flag_called').map((e) => e.properties.$feature_flag)).toEqual(['onboarding-flow', 'ai-insights-panel']);
    expect(memory.events.find((e) => e.event === 'insight_viewed')?.flags).toEqual({ 'ai-insights-panel': true, 'onboarding-flow': 'guided' });

    inspector.setFlags({ 'onboarding-flow': { value: 'guided', payload: { steps: [], skippable: true } } });
    const invalid = await client.flags.evaluate('user_2');
    expect([invalid.get('onboarding-flow'), invalid.fallbackReason('onboarding-flow')]).toEqual(['control', 'invalid_payload']);
  });
});
