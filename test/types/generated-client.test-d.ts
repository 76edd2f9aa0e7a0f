// Compile-only: the generated clients are typed from their catalogs (checked by `npm run typecheck`).
import { expectTypeOf } from 'vitest';
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

// Flags in a generated client (tformance declares a boolean flag and a multivariate one with a payload).

import * as tformance from '../../schema/clients/tformance/index';

void tformance.init({ flags: { bootstrap: { distinctID: 'user_1', featureFlags: { 'onboarding-flow': 'guided' }, featureFlagPayloads: {} } } });
expectTypeOf(tformance.flags.get('onboarding-flow')).toEqualTypeOf<'control' | 'guided'>();
expectTypeOf(tformance.flags.get('ai-insights-panel')).toEqualTypeOf<boolean>();
expectTypeOf(tformance.flags.isEnabled('ai-insights-panel')).toEqualTypeOf<boolean>();
expectTypeOf(tformance.flags.payload('onboarding-flow')).toEqualTypeOf<{ steps: Array<'github' | 'jira' | 'slack'>; skippable: boolean } | undefined>();
expectTypeOf(tformance.flags.payload('ai-insights-panel')).toEqualTypeOf<undefined>();
expectTypeOf(tformance.flags.subscribe(() => {})).toEqualTypeOf<() => void>();
if (tformance.flags.get('onboarding-flow') === 'guided') {
  // @ts-expect-error a variant the flag does not have
} else if (tformance.flags.get('onboarding-flow') === 'guidde') {
}
// @ts-expect-error a flag key the catalog does not have
tformance.flags.get('ai-insights');
// @ts-expect-error a flag key the catalog does not have
tformance.flags.payload('onboarding');
// @ts-expect-error the bootstrap has posthog-js's shape
void tformance.init({ flags: { bootstrap: { featureFlags: 'guided' } } });
// A client of a catalog without flags has none.
// @ts-expect-error the esim catalog declares no flags
esim.flags;
