/**
 * Compile-only type tests, checked by `npm run typecheck` (tsc): every `@ts-expect-error` line must
 * be an error, and every `expectTypeOf` must hold.
 */
import { expectTypeOf } from 'vitest';
import { createTracker } from '../../src/node/index';
import { catalog, paid } from '../fixtures/storefront-catalog';

const tracker = createTracker(catalog, {});

tracker.track('order.paid', paid);
tracker.track('order.paid', paid, { distinctId: 'u', groups: { organization: 'o' } });
tracker.track('checkout.start', { order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' });
tracker.track('signup_page_viewed');
tracker.track('signup_page_viewed', { referrer: 'pricing' });
tracker.track('onboarding_completed');

// @ts-expect-error an event name the catalog does not have
tracker.track('order.refunded', {});
// @ts-expect-error a missing required property (item_count)
tracker.track('order.paid', { order_id: 'o', amount: 1, currency: 'USD', tier: 't', skus: [], country: 'US' });
// @ts-expect-error a property of the wrong type
tracker.track('order.paid', { ...paid, amount: '49.99' });
// @ts-expect-error props are required for an event with required properties
tracker.track('checkout.start');
// @ts-expect-error an undeclared property
tracker.track('signup_page_viewed', { referer: 'typo' });

tracker.identify('user_123', { role: 'admin', teams_count: 2 });
tracker.identify('user_123', { role: 'member' }, { setOnce: { teams_count: 1 } });
// @ts-expect-error a trait value outside the enum
tracker.identify('user_123', { role: 'owner' });
// @ts-expect-error a trait the person schema does not declare
tracker.identify('user_123', { favourite_colour: 'blue' });

tracker.groupIdentify('organization', 'org_456', { plan: 'pro' });
// @ts-expect-error a group type the catalog does not declare
tracker.groupIdentify('team', 't_1', {});
// @ts-expect-error a group property outside the enum
tracker.groupIdentify('organization', 'org_456', { plan: 'enterprise' });

expectTypeOf(tracker.track).returns.toEqualTypeOf<void>();
expectTypeOf(tracker.flush).returns.toEqualTypeOf<Promise<void>>();
expectTypeOf<Parameters<typeof tracker.track<'order.paid'>>[1]>().toEqualTypeOf<{
  order_id: string;
  amount: number;
  currency: string;
  tier: string;
  item_count: number;
  skus: string[];
  country: string;
}>();

// @ts-expect-error revenue must name a declared property
import('../../src/node/index').then(({ defineEvent }) => defineEvent({ description: 'x', revenue: { amount: 'nope' }, properties: catalog.definition.events['order.paid'].properties! }));

// The one contract: the Node tracker, the browser tracker and a generated client share these shapes.
import type { Tracker } from '../../src/index';
import { createTracker as createBrowserTracker } from '../../src/browser/index';
import * as generated from '../../schema/clients/storefront/index';

const browser = createBrowserTracker(catalog, {});
expectTypeOf(tracker).toMatchTypeOf<Tracker<typeof catalog>>();
expectTypeOf(browser).toMatchTypeOf<Tracker<typeof catalog>>();
tracker.group('organization', 'org_456', { plan: 'pro' }, { distinctId: 'user_123' });
browser.group('organization', 'org_456', { plan: 'pro' });
// @ts-expect-error a group property outside the enum (browser)
browser.group('organization', 'org_456', { plan: 'enterprise' });
expectTypeOf(tracker.reset).returns.toEqualTypeOf<void>();
expectTypeOf(browser.isOptedOut).returns.toEqualTypeOf<boolean>();
expectTypeOf(tracker.optOut).returns.toEqualTypeOf<void>();
// The generated client's functions have the tracker's shapes (props optional exactly when nothing is required).
expectTypeOf(generated.identify).parameters.toEqualTypeOf<Parameters<Tracker<ReturnType<typeof generated.compileCatalog>>['identify']>>();
expectTypeOf(generated.group).toEqualTypeOf<Tracker<ReturnType<typeof generated.compileCatalog>>['group']>();
expectTypeOf(generated.init).returns.toEqualTypeOf<Promise<import('../../src/browser/index').BrowserTracker<ReturnType<typeof generated.compileCatalog>>>>();
generated.track('checkout.start', { order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' });
// @ts-expect-error props are required for an event with required properties (generated client)
generated.track('checkout.start');

// Exported by name for users' own code.
import type { DropReason, FetchLike as NodeFetchLike, PostHogNodeOptions, WebhookEnvelope, WebhookOptions } from '../../src/node/index';
import type { BrowserWebhookOptions, FetchLike as BrowserFetchLike, PostHogJsLike } from '../../src/browser/index';
expectTypeOf<DropReason>().toMatchTypeOf<string>();
expectTypeOf<WebhookEnvelope['groups']>().toEqualTypeOf<Record<string, string>>();
declare const types: [NodeFetchLike, BrowserFetchLike, PostHogNodeOptions, WebhookOptions, BrowserWebhookOptions, PostHogJsLike];
void types;
