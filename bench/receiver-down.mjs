// 1,000,000 events with the receiver down, then shutdown(5000): peak RSS, time to exit, stats().
import { createServer } from 'node:net';
import { catalog, event } from './catalog.mjs';
import { createTracker } from '../dist/node/index.js';

const port = await new Promise((resolve) => {
  const server = createServer();
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    server.close(() => resolve(port));
  });
});
const errors = { count: 0 };
const tracker = createTracker(catalog, { webhook: { url: `http://127.0.0.1:${port}/webhook` }, onError: () => errors.count++ });
const total = Number(process.argv[2] ?? 1_000_000);
const started = Date.now();
for (let i = 0; i < total; i++) tracker.track('order_paid', event(i), { distinctId: `u_${i % 1000}` });
const shutdownStarted = Date.now();
await tracker.shutdown(5000);
const stats = tracker.stats();
const webhook = stats.destinations.webhook;
const accounted = webhook.delivered + Object.values(webhook.dropped).reduce((a, b) => a + b, 0) + webhook.pending;
process.stdout.write(
  JSON.stringify({
    tracked: stats.tracked,
    trackSeconds: (shutdownStarted - started) / 1000,
    shutdownSeconds: (Date.now() - shutdownStarted) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    dropped: webhook.dropped,
    delivered: webhook.delivered,
    pending: webhook.pending,
    everyEventAccounted: accounted === total,
    onErrorCalls: errors.count,
  }) + '\n',
);
process.exit(0);
