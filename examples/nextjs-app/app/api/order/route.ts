import { distinctIdFromRequest } from 'trackplan/next';
import { posthog, serverTracker } from '../../../analytics/server';

/** A route handler tracking a server-side event with the distinct id of the browser's cookie. */
export async function POST(request: Request) {
  const distinctId = distinctIdFromRequest(request, posthog.apiKey) ?? 'anonymous';
  const { orderId } = (await request.json()) as { orderId: string };
  serverTracker().track('order.paid', { order_id: orderId, amount: 19.5, currency: 'EUR', via: 'route' }, { distinctId });
  return Response.json({ distinctId });
}
