/**
 * The eSIM store (seed 003): funnel events recorded in the app's own database inside the business
 * transaction (a rollback erases both), with commerce context in minor units; `app_opened`, the top
 * of the funnel, comes from the app itself and has no properties.
 */
import * as z from 'zod';
import { defineCatalog, defineEvent } from '../src/core/catalog';
import { defineFunnel } from '../src/core/funnels';
import { revenueSeries } from '../src/core/metrics';

const orderId = z.string().min(1).max(64).describe('Order id');
const planId = z.string().min(1).max(64).describe('eSIM plan id');
const amountMinor = z.number().int().nonnegative().describe('Amount in minor units of the currency (cents)');
const currency = z.string().length(3).describe('ISO 4217 currency code');

export const catalog = defineCatalog({
  name: 'esim',
  version: 1,
  person: z.object({ signup_channel: z.enum(['otp_email', 'otp_sms']).describe('How the OTP was requested'), country: z.string().length(2).describe('Country of residence') }).partial(),
  events: {
    app_opened: defineEvent({
      description: 'The eSIM app was opened or brought back to the foreground (client); nothing to add beyond who and when',
      properties: z.object({}),
    }),
    user_signup: defineEvent({
      description: 'A new user requested a one-time code (once per user, after the user row is created)',
      properties: z.object({ signup_channel: z.enum(['otp_email', 'otp_sms']).describe('How the OTP was requested') }),
    }),
    checkout_started: defineEvent({
      description: 'An order was created at checkout, with the plan snapshot and amount',
      properties: z.object({
        order_id: orderId,
        plan_id: planId,
        amount_minor_units: amountMinor,
        currency,
        plan_name: z.string().max(100).describe('Plan snapshot: display name'),
        data_gb: z.number().nonnegative().describe('Plan snapshot: data allowance in GB'),
        validity_days: z.number().int().positive().describe('Plan snapshot: validity in days'),
        destination_country: z.string().length(2).describe('Plan snapshot: ISO country the eSIM covers'),
      }),
    }),
    payment_succeeded: defineEvent({
      description: 'A payment succeeded (guarded against double counting by status transitions); revenue in minor units',
      revenue: { amount: 'amount_minor_units', currency: 'currency' },
      properties: z.object({
        order_id: orderId,
        plan_id: planId,
        amount_minor_units: amountMinor,
        currency,
        payment_provider: z.string().max(32).describe('Payment provider, e.g. stripe'),
        payment_intent_id: z.string().max(255).describe('Provider reference (pi_…)'),
      }),
    }),
    esim_activated: defineEvent({
      description: 'An eSIM was provisioned and activated for an order',
      properties: z.object({
        order_id: orderId,
        plan_id: planId,
        provider: z.string().max(64).describe('Provisioning provider'),
        provider_reference: z.string().max(255).describe('Provider-side reference of the eSIM'),
        inventory_reference: z.string().max(255).optional().describe('Inventory reference, when stock-based'),
      }),
    }),
  },
  funnels: {
    // The admin overview's funnel: signup → checkout → payment → eSIM activation.
    overview: defineFunnel({
      description: 'Signup → checkout → payment → eSIM activation',
      steps: ['user_signup', 'checkout_started', 'payment_succeeded', 'esim_activated'],
      window: '30d',
    }),
  },
  metrics: {
    revenue: revenueSeries({ description: 'Revenue per currency from succeeded payments (minor units), for the timeseries and projections' }),
  },
});

export default catalog;
