'use server';
import { requestAnalytics, serverTracker } from '../analytics/server';

/** A server action tracking a server-side event for the browser's person. */
export async function payOrder(orderId: string): Promise<string> {
  const { distinctId } = await requestAnalytics();
  // Delivery runs after the response (getServerTracker hands it to Next's after()).
  serverTracker().track('order.paid', { order_id: orderId, amount: 42, currency: 'EUR', via: 'action' }, { distinctId });
  return distinctId;
}
