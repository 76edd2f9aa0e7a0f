import { describe, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import { defineCatalog, defineEvent, type PropsOf } from '../../src/core/catalog';

const catalog = defineCatalog({
  name: 'open-types',
  version: 1,
  naming: { events: 'any' },
  events: {
    'Order Completed': defineEvent({ open: true, description: 'An order was completed.', properties: z.object({ order_id: z.string() }) }),
    'Empty Event': defineEvent({ open: true, description: 'Accepts any properties.' }),
    closed_event: defineEvent({ description: 'A closed event.', properties: z.object({ order_id: z.string() }) }),
  },
});

describe('open events in the types', () => {
  it('an open event takes its declared properties plus any other key; a closed one does not', () => {
    expectTypeOf<{ order_id: string; coupon: string }>().toExtend<PropsOf<typeof catalog, 'Order Completed'>>();
    expectTypeOf<{ coupon: string }>().not.toExtend<PropsOf<typeof catalog, 'Order Completed'>>();
    expectTypeOf<{ anything: number }>().toExtend<PropsOf<typeof catalog, 'Empty Event'>>();
    expectTypeOf<PropsOf<typeof catalog, 'closed_event'>>().toEqualTypeOf<{ order_id: string }>();
    expectTypeOf<PropsOf<typeof catalog, 'Order Completed'>>().toEqualTypeOf<{ [key: string]: unknown; order_id: string }>();
  });
});
