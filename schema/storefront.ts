/**
 * The print-on-demand storefront's plan (seed 004, "Analytics Tied to Revenue"): `order.paid` tied
 * to revenue and the dotted funnel with the consistent keys `order_id`, `tier`, `subtotal`, `country`.
 * Strings stay under 255 characters and no event carries an e-mail: ids and country only.
 */
import * as z from 'zod';
import { defineCatalog, defineEvent } from '../src/core/catalog';

const orderId = z.string().min(1).max(64).describe('Storefront order id (e.g. ord_8f3k2); never an e-mail');
const tier = z.string().min(1).max(32).describe('Product tier chosen for the order, e.g. standard or pro');
const subtotal = z.number().nonnegative().describe('Order subtotal before tax and shipping, in the order currency');
const country = z.string().length(2).describe('ISO 3166-1 alpha-2 shipping country');

const funnel = { order_id: orderId, tier, subtotal, country };

export const catalog = defineCatalog({
  name: 'storefront',
  version: 3,
  person: z
    .object({
      role: z.enum(['admin', 'member']).describe('Role in the shop account'),
      teams_count: z.number().int().nonnegative().describe('Number of teams the user belongs to'),
    })
    .partial(),
  groups: {
    organization: z.object({ plan: z.enum(['trial', 'starter', 'pro']).describe('Billing plan of the organization') }).partial(),
  },
  events: {
    'checkout.start': defineEvent({
      description: 'The checkout page was opened (CheckoutPage)',
      properties: z.object(funnel),
    }),
    'checkout.session_created': defineEvent({
      description: 'A Stripe checkout session was created and the buyer reached the success page (CheckoutSuccessPage)',
      properties: z.object({ ...funnel, item_count: z.number().int().positive().describe('Items in the order') }),
    }),
    'design.started': defineEvent({
      description: 'Design generation began on the DesignPage',
      properties: z.object({ ...funnel, design_id: z.string().max(64).describe('Design id') }),
    }),
    'design.approved': defineEvent({
      description: 'The buyer approved a generated design',
      properties: z.object({
        ...funnel,
        design_id: z.string().max(64).describe('Design id'),
        revisions: z.number().int().nonnegative().describe('Regenerations before approval'),
      }),
    }),
    'order.paid': defineEvent({
      description: 'Stripe payment succeeded for an order (handleSuccessfulPayment); the revenue event',
      version: 2,
      revenue: { amount: 'amount', currency: 'currency' },
      destinations: ['posthog', 'webhook'],
      pii: { allow: [] },
      properties: z.object({
        order_id: orderId,
        amount: z.number().nonnegative().describe('Amount paid, in major units of the currency'),
        currency: z.string().length(3).describe('ISO 4217 currency code'),
        tier,
        item_count: z.number().int().positive().describe('Items in the order'),
        skus: z.array(z.string().max(64)).max(100).describe('SKUs of the items, e.g. TSHIRT-BLK-XL'),
        country,
        subtotal: subtotal.optional(),
      }),
    }),
  },
});

export default catalog;
