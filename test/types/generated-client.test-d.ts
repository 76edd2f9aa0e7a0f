// Compile-only: the generated clients are typed from their catalogs (checked by `npm run typecheck`).
import * as esim from '../../schema/clients/esim/index';
import { trackCheckoutStart, trackOrderPaid, track, identify, group } from '../../schema/clients/storefront/index';

trackCheckoutStart({ order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' });
trackOrderPaid({ order_id: 'o', amount: 1, currency: 'USD', tier: 'pro', item_count: 1, skus: [], country: 'US' });
track('design.started', { order_id: 'o', tier: 'pro', subtotal: 1, country: 'US', design_id: 'd' });
identify('user_1', { role: 'admin' });
group('organization', 'org_1', { plan: 'pro' });

// @ts-expect-error a missing required property
trackCheckoutStart({ order_id: 'o', tier: 'pro', subtotal: 1 });
// @ts-expect-error a wrong type
trackOrderPaid({ order_id: 'o', amount: '1', currency: 'USD', tier: 'pro', item_count: 1, skus: [], country: 'US' });
// @ts-expect-error an event the catalog does not have
track('order.refunded', {});
// @ts-expect-error a trait outside the enum
identify('user_1', { role: 'owner' });
// @ts-expect-error a group type the catalog does not declare
group('team', 't_1', {});

// An event without properties (z.object({})): no arguments needed, and none accepted.
esim.trackAppOpened();
esim.trackAppOpened(undefined, { distinctId: 'user_1' });
esim.track('app_opened');
esim.track('app_opened', {});
// @ts-expect-error app_opened has no properties
esim.trackAppOpened({ screen: 'home' });
// @ts-expect-error an event with a required property still needs it
esim.track('user_signup');
