import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../examples/express-server/app';
import { startWorker } from '../../examples/outbox-worker/worker';
import { createHandler } from '../../examples/serverless/handler';
import { toSqlDatabase } from '../../src/outbox/index';
import { startReceiver, type Receiver } from '../helpers/receiver';

let receiver: Receiver;
afterEach(async () => receiver?.close());

describe('examples', () => {
  it('express-server: the request context carries the PostHog cookie distinct id and a correlation id', async () => {
    receiver = await startReceiver();
    const { app, tracker } = createApp({ posthogKey: 'phc_web', webhook: { url: `${receiver.url}/webhook` } });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    const cookie = `ph_phc_web_posthog=${encodeURIComponent(JSON.stringify({ distinct_id: 'browser_user_7' }))}`;
    const response = await fetch(`http://127.0.0.1:${port}/checkout`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', 'x-request-id': 'req_42' }, body: JSON.stringify({ orderId: 'ord_9', tier: 'pro', subtotal: 20, country: 'US' }) });
    expect(response.status).toBe(200);
    await tracker.flush();
    server.close();
    expect(receiver.webhookEvents()[0]).toMatchObject({ event_name: 'checkout.start', user_id: 'browser_user_7', correlation_id: 'req_42' });
  });

  it('serverless: the handler returns at once; what it handed to waitUntil delivers everything', async () => {
    receiver = await startReceiver();
    const pending: Promise<unknown>[] = [];
    const handler = createHandler({ posthogHost: receiver.url, webhookUrl: `${receiver.url}/webhook` });
    const result = await handler({ userId: 'user_fn', orgId: 'org_fn', amount: 50 }, { waitUntil: (p) => pending.push(p) });
    expect(result.status).toBe(200);
    await Promise.all(pending); // the platform keeps the function alive for these, nothing else
    expect(receiver.webhookEvents().map((e) => e.event_name)).toEqual(['payment_succeeded']);
    expect(receiver.events.map((e) => e.event)).toEqual(['payment_succeeded']);
  });

  it('outbox-worker: recorded domain events arrive once at the webhook and PostHog', async () => {
    receiver = await startReceiver();
    const worker = await startWorker({ webhookUrl: `${receiver.url}/webhook`, posthogHost: receiver.url });
    const sql = toSqlDatabase(worker.db);
    await sql.transaction(async (tx) => {
      await worker.outbox.record(tx, 'recipe_created', { recipe_id: 'rec_1' }, { distinctId: 'u_1', groups: { organization: 'org_1' } });
      await worker.outbox.record(tx, 'batch_started', { batch_id: 'b_1', recipe_id: 'rec_1' }, { distinctId: 'u_1', groups: { organization: 'org_1' } });
    });
    await receiver.waitFor(() => receiver.webhookEvents().length === 2 && receiver.events.length === 2, 15_000, 'both events at both destinations');
    await worker.dispatcher.flush(); // waits for the pass in flight: its rows are marked
    expect(await worker.outbox.rowStats()).toMatchObject({ pending: 0, processed: 2, parked: 0 });
    await worker.stop();
    expect(worker.dispatcher.stats()).toMatchObject({ tracked: 2, dropped: {}, destinations: { webhook: { delivered: 2 }, posthog: { delivered: 2 } } });
    expect(receiver.webhookEvents().map((e) => [e.event_name, e.organization_id])).toEqual([['recipe_created', 'org_1'], ['batch_started', 'org_1']]);
  }, 90_000);
});
