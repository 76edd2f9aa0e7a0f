/**
 * A serverless handler (Vercel / Cloudflare shape): the platform's `waitUntil` keeps the function
 * alive until trackplan's deliveries settle, so the handler can answer at once and lose nothing.
 */
import { createTracker } from 'trackplan/node';
import { catalog } from '../../schema/omoi';

export function createHandler(config: { posthogHost: string; webhookUrl: string }) {
  return async (request: { userId: string; orgId: string; amount: number }, ctx: { waitUntil(p: Promise<unknown>): void }) => {
    const tracker = createTracker(catalog, {
      posthog: { apiKey: 'phc_serverless', host: config.posthogHost },
      webhook: { url: config.webhookUrl },
      source: 'billing-webhook-fn',
      waitUntil: ctx.waitUntil,
    });
    tracker.track('payment_succeeded', { amount_usd: request.amount, organization_id: request.orgId, payment_type: 'subscription', currency: 'USD' }, { distinctId: request.userId, groups: { organization: request.orgId } });
    ctx.waitUntil(tracker.flush()); // and the batches still queued
    return { status: 200 };
  };
}
