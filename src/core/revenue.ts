import type { Envelope, JsonValue } from './types';

/**
 * The envelope's revenue, read through the event's revenue mapping; null when the amount is not a
 * number. The one reading of revenue: track() and the outbox dispatcher both call it.
 */
export function revenueOf(properties: Record<string, JsonValue>, amountKey: string, currencyKey?: string): Envelope['revenue'] {
  const amount = properties[amountKey];
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return null;
  const currency = currencyKey ? properties[currencyKey] : undefined;
  return { amount, currency: typeof currency === 'string' ? currency.toUpperCase() : null };
}
