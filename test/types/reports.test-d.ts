/**
 * Compile-only type tests for funnels and metrics, checked by `npm run typecheck` (tsc): every
 * `@ts-expect-error` line must be an error, and every `expectTypeOf` must hold.
 */
import { expectTypeOf } from 'vitest';
import * as z from 'zod';
import { activation, defineCatalog, defineEvent, defineFunnel, retention, revenueSeries, timeToFirst, timeToNth, type FunnelSpec, type MetricSpec } from '../../src/index';

const events = {
  user_login_succeeded: defineEvent({ description: 'Login', properties: z.object({ is_first_login: z.boolean(), method: z.enum(['password', 'sso']).optional() }) }),
  recipe_created: defineEvent({ description: 'Recipe', properties: z.object({ recipe_id: z.string() }) }),
  batch_started: defineEvent({ description: 'Batch' }),
  order_paid: defineEvent({ description: 'Paid', properties: z.object({ amount: z.number(), currency: z.string() }), revenue: { amount: 'amount', currency: 'currency' } }),
};

const catalog = defineCatalog({
  name: 'types',
  version: 1,
  events,
  funnels: {
    first_value: defineFunnel({
      description: 'First login to first batch',
      steps: [{ event: 'user_login_succeeded', where: { is_first_login: true } }, 'recipe_created', 'batch_started'],
      window: '7d',
      by: 'user',
      order: 'ordered',
    }),
    with_enum: defineFunnel({ description: 'SSO logins', steps: [{ event: 'user_login_succeeded', where: { method: 'sso' } }, 'batch_started'] }),
  },
  metrics: {
    ttfv: timeToFirst('batch_started', { from: { event: 'user_login_succeeded', where: { is_first_login: true } } }),
    second_recipe: timeToNth('recipe_created', 2, { from: 'user_login_succeeded' }),
    activation_7d: activation({ from: 'user_login_succeeded', all: ['recipe_created', 'batch_started'], within: '7d' }),
    week1: retention({ start: 'user_login_succeeded', return: 'batch_started', period: 'week' }),
    revenue: revenueSeries(),
  },
});
expectTypeOf(catalog.funnels.first_value).toEqualTypeOf<FunnelSpec>();
expectTypeOf(catalog.metrics.revenue).toEqualTypeOf<MetricSpec>();
// @ts-expect-error not a declared funnel
catalog.funnels.nope;

defineCatalog({
  name: 'bad_step',
  version: 1,
  events,
  // @ts-expect-error unknown event in a step
  funnels: { f: defineFunnel({ description: 'x', steps: ['user_login_succeeded', 'recipe_deleted'] }) },
});
defineCatalog({
  name: 'bad_prop',
  version: 1,
  events,
  // @ts-expect-error unknown property in a where filter
  funnels: { f: defineFunnel({ description: 'x', steps: [{ event: 'user_login_succeeded', where: { is_first: true } }, 'batch_started'] }) },
});
defineCatalog({
  name: 'bad_value',
  version: 1,
  events,
  // @ts-expect-error a value of the wrong type
  funnels: { f: defineFunnel({ description: 'x', steps: [{ event: 'user_login_succeeded', where: { is_first_login: 'yes' } }, 'batch_started'] }) },
});
defineCatalog({
  name: 'bad_enum',
  version: 1,
  events,
  // @ts-expect-error a value outside the enum
  funnels: { f: defineFunnel({ description: 'x', steps: [{ event: 'user_login_succeeded', where: { method: 'magic' } }, 'batch_started'] }) },
});
// @ts-expect-error a funnel needs two steps
defineFunnel({ description: 'x', steps: ['batch_started'] });
// @ts-expect-error a malformed window
defineFunnel({ description: 'x', steps: ['a', 'b'], window: '7 days' });
defineCatalog({
  name: 'bad_metric_event',
  version: 1,
  events,
  // @ts-expect-error unknown event in a metric
  metrics: { m: timeToFirst('batch_finished', { from: 'user_login_succeeded' }) },
});
defineCatalog({
  name: 'bad_metric_from',
  version: 1,
  events,
  // @ts-expect-error unknown event in activation's list
  metrics: { m: activation({ from: 'user_login_succeeded', all: ['recipe_created', 'nope'], within: '7d' }) },
});
defineCatalog({
  name: 'bad_metric_where',
  version: 1,
  events,
  // @ts-expect-error where property the target event does not declare
  metrics: { m: timeToFirst('recipe_created', { from: 'user_login_succeeded', where: { recipe: 'x' } }) },
});
defineCatalog({
  name: 'bad_retention',
  version: 1,
  events,
  // @ts-expect-error unknown return event
  metrics: { m: retention({ start: 'user_login_succeeded', return: 'came_back', period: 'week' }) },
});
