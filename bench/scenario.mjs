// One end-to-end run in a fresh process: node bench/scenario.mjs <name> <burst> <sinkUrl>
// Prints { callNsPerEvent, seconds, delivered, stats, peakRssMb } as JSON.
import { catalog, event } from './catalog.mjs';

const [name, burstText, sink] = process.argv.slice(2);
const burst = Number(burstText);
const runs = {
  async 'trackplan-posthog'() {
    const { createTracker } = await import('../dist/node/index.js');
    const tracker = createTracker(catalog, { posthog: { apiKey: 'phc_bench', host: sink } });
    return { tracker, send: (i) => tracker.track('order_paid', event(i), { distinctId: `u_${i % 1000}` }), done: () => tracker.shutdown(120_000) };
  },
  async 'trackplan-posthog-direct'() {
    const { createTracker } = await import('../dist/node/index.js');
    const tracker = createTracker(catalog, { posthog: { apiKey: 'phc_bench', host: sink, transport: 'direct' } });
    return { tracker, send: (i) => tracker.track('order_paid', event(i), { distinctId: `u_${i % 1000}` }), done: () => tracker.shutdown(120_000) };
  },
  async 'trackplan-webhook'() {
    const { createTracker } = await import('../dist/node/index.js');
    const tracker = createTracker(catalog, { webhook: { url: `${sink}/webhook` } });
    return { tracker, send: (i) => tracker.track('order_paid', event(i), { distinctId: `u_${i % 1000}` }), done: () => tracker.shutdown(120_000) };
  },
  async 'posthog-node'() {
    const { PostHog } = await import('posthog-node');
    const client = new PostHog('phc_bench', { host: sink });
    return { send: (i) => client.capture({ distinctId: `u_${i % 1000}`, event: 'order_paid', properties: event(i) }), done: () => client.shutdown(120_000) };
  },
  async 'posthog-node (queue sized to the burst)'() {
    const { PostHog } = await import('posthog-node');
    const client = new PostHog('phc_bench', { host: sink, maxQueueSize: burst, flushAt: 100 });
    return { send: (i) => client.capture({ distinctId: `u_${i % 1000}`, event: 'order_paid', properties: event(i) }), done: () => client.shutdown(300_000) };
  },
  async '@segment/analytics-node'() {
    const { Analytics } = await import('@segment/analytics-node');
    const client = new Analytics({ writeKey: 'bench', host: sink, path: '/v1/batch' });
    return { send: (i) => client.track({ userId: `u_${i % 1000}`, event: 'order_paid', properties: event(i) }), done: () => client.closeAndFlush({ timeout: 300_000 }) };
  },
};

const run = await runs[name]();
const started = process.hrtime.bigint();
for (let i = 0; i < burst; i++) run.send(i);
const called = process.hrtime.bigint();
await run.done();
const finished = process.hrtime.bigint();
const stats = await (await fetch(`${sink}/stats`, { headers: { connection: 'close' } })).json();
process.stdout.write(
  JSON.stringify({
    name,
    burst,
    callNsPerEvent: Number(called - started) / burst,
    seconds: Number(finished - started) / 1e9,
    eventsPerSecond: stats.events / (Number(finished - started) / 1e9),
    delivered: stats.events,
    requests: stats.requests,
    bytes: stats.bytes,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    trackerStats: run.tracker?.stats(),
  }) + '\n',
);
process.exit(0);
