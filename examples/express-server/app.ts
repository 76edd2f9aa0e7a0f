/**
 * An Express server: a middleware puts the request's distinct id (read from the PostHog cookie the
 * browser already has) and a correlation id into the tracker's context, so every event tracked
 * while handling the request carries them, without passing them around.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import { createTracker, distinctIdFromCookie, type NodeTrackerOptions } from 'trackplan/node';
import { catalog } from '../../schema/storefront';

export function createApp(options: NodeTrackerOptions & { posthogKey: string }) {
  const tracker = createTracker(catalog, { ...options, source: 'storefront-api' });
  const app = express();
  app.use(express.json());
  app.use((req, _res, next) => {
    const distinctId = distinctIdFromCookie(req.headers.cookie, options.posthogKey) ?? (req.headers['x-user-id'] as string | undefined);
    const correlationId = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    tracker.withContext({ distinctId, correlationId }, next);
  });
  app.post('/checkout', (req, res) => {
    tracker.track('checkout.start', { order_id: req.body.orderId, tier: req.body.tier, subtotal: req.body.subtotal, country: req.body.country });
    res.json({ ok: true });
  });
  return { app, tracker };
}
