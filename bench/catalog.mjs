// The benchmark's event: 8 properties, four of them strings (issue 6).
import * as z from 'zod';
import { defineCatalog, defineEvent } from '../dist/node/index.js';

export const properties = z.object({
  order_id: z.string(),
  tier: z.string(),
  country: z.string(),
  sku: z.string(),
  amount: z.number(),
  item_count: z.number().int(),
  paid: z.boolean(),
  discount: z.number(),
});

export const catalog = defineCatalog({
  name: 'bench',
  version: 1,
  events: { order_paid: defineEvent({ description: 'An order was paid', properties }) },
});

export const event = (i) => ({ order_id: `ord_${i}`, tier: 'pro', country: 'US', sku: 'TSHIRT-BLK-XL', amount: 49.99, item_count: 2, paid: true, discount: 0 });
