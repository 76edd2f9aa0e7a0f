// Flags: the cost of a read after evaluation, and one evaluate() against the local inspector beside
// posthog-node's evaluateFlags() alone (same inspector, same keys). Run: npm run build && node bench/flags.mjs
import { PostHog } from 'posthog-node';
import * as z from 'zod';
import { createTracker, defineCatalog, defineEvent, defineFlag, startInspector } from '../dist/node/index.js';

const catalog = defineCatalog({
  name: 'benchflags',
  version: 1,
  events: { page_viewed: defineEvent({ description: 'A page was viewed' }) },
  flags: {
    'new-onboarding': defineFlag({ description: 'Onboarding', variants: ['control', 'test'], default: 'control', payload: { test: z.object({ layout: z.enum(['compact', 'wide']) }) } }),
    'beta-export': defineFlag({ description: 'CSV export', default: false }),
  },
});

const inspector = await startInspector({ catalogs: [catalog], port: 0, keep: 100, flags: { 'new-onboarding': { value: 'test', payload: { layout: 'compact' } }, 'beta-export': true } });
const tracker = createTracker(catalog, { posthog: { apiKey: 'phc_bench', host: inspector.url } });
const plain = new PostHog('phc_bench', { host: inspector.url, sendFeatureFlagEvent: false, featureFlagsRequestMaxRetries: 0, flushInterval: 0 });
const keys = Object.keys(catalog.flags);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const p95 = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)];

async function timeEach(rounds, run) {
  const ms = [];
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    await run(i);
    ms.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return ms;
}

// Warm both paths (connections, JIT), then alternate so neither gets a quieter machine.
await timeEach(50, (i) => tracker.flags.evaluate(`warm_${i}`));
await timeEach(50, (i) => plain.evaluateFlags(`warm_${i}`, { flagKeys: keys }));
const ours = [];
const theirs = [];
for (let round = 0; round < 10; round++) {
  ours.push(...(await timeEach(50, (i) => tracker.flags.evaluate(`u_${round}_${i}`))));
  theirs.push(...(await timeEach(50, (i) => plain.evaluateFlags(`u_${round}_${i}`, { flagKeys: keys }))));
}

// A read after evaluation: the first read records the exposure; later reads are lookups.
const flags = await tracker.flags.evaluate('reader');
flags.get('new-onboarding');
flags.isEnabled('beta-export');
const reads = 20_000_000;
let sink = 0;
let start = process.hrtime.bigint();
for (let i = 0; i < reads; i++) if (flags.get('new-onboarding') === 'test') sink++;
const getNs = Number(process.hrtime.bigint() - start) / reads;
start = process.hrtime.bigint();
for (let i = 0; i < reads; i++) if (flags.isEnabled('beta-export')) sink++;
const enabledNs = Number(process.hrtime.bigint() - start) / reads;
const posthogFlags = await plain.evaluateFlags('reader', { flagKeys: keys });
start = process.hrtime.bigint();
for (let i = 0; i < reads / 10; i++) if (posthogFlags.getFlag('new-onboarding', { sendFeatureFlagEvents: false }) === 'test') sink++;
const posthogGetNs = Number(process.hrtime.bigint() - start) / (reads / 10);

const round2 = (n) => Math.round(n * 100) / 100;
console.log(JSON.stringify({
  node: process.version,
  evaluate_ms: { trackplan: { median: round2(median(ours)), p95: round2(p95(ours)) }, posthog_node_evaluateFlags: { median: round2(median(theirs)), p95: round2(p95(theirs)) }, rounds: ours.length },
  read_ns: { 'flags.get': round2(getNs), 'flags.isEnabled': round2(enabledNs), 'posthog-node getFlag': round2(posthogGetNs) },
  sink: sink > 0,
}, null, 2));

await tracker.shutdown(1000);
await plain.shutdown(1000);
await inspector.close();
