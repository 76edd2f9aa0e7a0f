/**
 * trackplan quick start for Node: tracks a few storefront and omoi events through the real
 * posthog-node client and a signed webhook to a receiver on 127.0.0.1, then prints what arrived.
 * Run it from the repository root: `npm run example:node` (no account, no network).
 */
import { createServer, type IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { createTracker, verifyWebhookSignature } from 'trackplan/node';
import { catalog as storefront } from '../../schema/storefront';
import { catalog as omoi } from '../../schema/omoi';

const SECRET = 'whsec_quickstart';

type Arrival = { via: string; event: string; distinctId: string | null; properties: Record<string, unknown> };

/** A local stand-in for PostHog and for your webhook receiver. */
async function startLocalReceiver() {
  const arrivals: Arrival[] = [];
  let badSignatures = 0;
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    if (req.url?.startsWith('/webhook')) {
      const text = body.toString('utf8');
      if (!verifyWebhookSignature(text, req.headers['x-trackplan-signature'] as string, SECRET)) badSignatures++;
      for (const e of JSON.parse(text).events) arrivals.push({ via: 'webhook', event: e.event_name, distinctId: e.user_id, properties: e.properties });
    } else {
      const raw = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body;
      const payload = JSON.parse(raw.toString('utf8'));
      for (const e of payload.batch ?? [payload]) arrivals.push({ via: 'posthog', event: e.event, distinctId: e.distinct_id, properties: e.properties });
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":1}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, arrivals, badSignatures: () => badSignatures, close: () => new Promise((r) => server.close(r)) };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });
}

export async function main(log: (line: string) => void = console.log) {
  const receiver = await startLocalReceiver();
  const destinations = {
    posthog: { apiKey: 'phc_quickstart', host: receiver.url },
    webhook: { url: `${receiver.url}/webhook`, secret: SECRET },
  };
  const violations: string[] = [];
  const onViolation = (v: { event: string; kind: string; path?: string }) => violations.push(`${v.event} ${v.kind} ${v.path ?? ''}`.trim());

  const shop = createTracker(storefront, { ...destinations, source: 'storefront-api', onViolation });
  shop.track('checkout.start', { order_id: 'ord_1', tier: 'pro', subtotal: 58, country: 'US' }, { distinctId: 'user_123' });
  shop.track('order.paid', { order_id: 'ord_1', amount: 58, currency: 'USD', tier: 'pro', item_count: 2, skus: ['TSHIRT-BLK-XL', 'MUG-WHT'], country: 'US' }, { distinctId: 'user_123' });

  const billing = createTracker(omoi, { ...destinations, source: 'billing-service', onViolation });
  billing.identify('user_123', { plan: 'pro' });
  billing.track('payment_succeeded', { amount_usd: 50, organization_id: 'org_456', payment_type: 'subscription', currency: 'USD' }, { distinctId: 'user_123', groups: { organization: 'org_456' } });
  // A deliberate slip: an e-mail where an id belongs. The PII guard redacts it before it leaves.
  billing.track('user_signed_in', { method: 'github', organization_id: 'jane@example.com' }, { distinctId: 'user_123' });

  await Promise.all([shop.shutdown(), billing.shutdown()]);
  for (const a of receiver.arrivals) log(`${a.via.padEnd(8)} ${a.event.padEnd(22)} ${String(a.distinctId).padEnd(10)} ${JSON.stringify(a.properties).slice(0, 90)}`);
  log(`\nviolations: ${violations.join(', ') || 'none'}`);
  log(`storefront stats: ${JSON.stringify(shop.stats())}`);
  log(`omoi stats: ${JSON.stringify(billing.stats())}`);
  log(`webhook signatures that failed verification: ${receiver.badSignatures()}`);
  await receiver.close();
  return { arrivals: receiver.arrivals, shop: shop.stats(), billing: billing.stats() };
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
