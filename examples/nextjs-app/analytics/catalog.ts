/**
 * The example's tracking plan: two browser events, one server event and one flag. `npm run
 * generate` writes the typed browser client (analytics/client) from it.
 */
import * as z from 'zod';
import { defineCatalog, defineEvent, defineFlag } from 'trackplan';

export const catalog = defineCatalog({
  name: 'nextshop',
  version: 1,
  events: {
    signup_page_viewed: defineEvent({ description: 'The sign-up call to action was shown', properties: z.object({}) }),
    'cta.clicked': defineEvent({
      description: 'A call-to-action button was clicked',
      properties: z.object({ button: z.enum(['signup', 'pricing']), note: z.string().max(200).optional() }),
    }),
    'order.paid': defineEvent({
      description: 'An order was paid (server side)',
      properties: z.object({ order_id: z.string().min(1).max(64), amount: z.number().nonnegative(), currency: z.string().length(3), via: z.enum(['route', 'action']) }),
    }),
  },
  flags: {
    'new-checkout': defineFlag({ description: 'The redesigned checkout', variants: ['control', 'test'], default: 'control' }),
  },
});
