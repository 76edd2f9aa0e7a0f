/**
 * BatchTrack (seed 000): domain events written to the `domain_event` outbox and dispatched to a
 * webhook and PostHog; the public funnel events of the marketing site; timing properties on the
 * core onboarding/use events for time-to-first-value. Tenant scope is the `organization` group.
 */
import * as z from 'zod';
import { defineCatalog, defineEvent } from '../src/core/catalog';
import { defineFunnel } from '../src/core/funnels';
import { activation, retention, revenueSeries, timeToFirst, timeToNth } from '../src/core/metrics';

const id = (what: string) => z.string().min(1).max(64).describe(`${what} id`);

/** Additive timing properties on core onboarding/use events (TTFV, first/second use). */
const timing = {
  seconds_since_first_login: z.number().nonnegative().optional().describe('Seconds since the user first logged in'),
  user_use_index: z.number().int().positive().optional().describe('How many times this user has done this action (1 = first)'),
  org_use_index: z.number().int().positive().optional().describe('How many times the organization has done this action (1 = first)'),
  is_first_use: z.boolean().optional().describe('First time this user did this action'),
  is_second_use: z.boolean().optional().describe('Second time this user did this action'),
};

const recipe = { recipe_id: id('Recipe'), ...timing };
const batch = { batch_id: id('Batch'), recipe_id: id('Recipe') };

export const catalog = defineCatalog({
  name: 'batchtrack',
  version: 1,
  person: z
    .object({
      role: z.string().max(32).describe('Role in the organization'),
      signup_source: z.string().max(64).describe('Acquisition channel'),
    })
    .partial(),
  groups: {
    organization: z
      .object({
        plan: z.string().max(32).describe('Subscription plan'),
        onboarding_completed: z.boolean().describe('Whether onboarding is complete'),
      })
      .partial(),
  },
  events: {
    inventory_adjusted: defineEvent({
      description: 'An inventory quantity was adjusted (inventory adjustment core delegator)',
      properties: z.object({
        inventory_item_id: id('Inventory item'),
        change_type: z.string().max(32).describe('Kind of adjustment, e.g. restock, spoil, use'),
        quantity_delta: z.number().describe('Signed change in quantity'),
        unit: z.string().max(16).describe('Unit of the quantity'),
      }),
    }),
    inventory_item_created: defineEvent({
      description: 'An inventory item was created',
      properties: z.object({ inventory_item_id: id('Inventory item'), creation_source: z.enum(['custom', 'global']).describe('Created from scratch or from the global library'), ...timing }),
    }),
    inventory_item_custom_created: defineEvent({
      description: 'A custom inventory item was created',
      properties: z.object({ inventory_item_id: id('Inventory item'), ...timing }),
    }),
    inventory_item_global_created: defineEvent({
      description: 'An inventory item was created from the global library',
      properties: z.object({ inventory_item_id: id('Inventory item'), global_item_id: id('Global library item'), ...timing }),
    }),
    batch_started: defineEvent({ description: 'A production batch was started', properties: z.object({ ...batch, ...timing }) }),
    batch_completed: defineEvent({
      description: 'A production batch was completed',
      properties: z.object({ ...batch, duration_seconds: z.number().nonnegative().describe('Batch duration in seconds'), yield_quantity: z.number().nonnegative().optional().describe('Quantity produced') }),
    }),
    batch_cancelled: defineEvent({ description: 'A production batch was cancelled', properties: z.object({ ...batch, reason: z.string().max(64).optional().describe('Why it was cancelled') }) }),
    batch_failed: defineEvent({ description: 'A production batch failed', properties: z.object({ ...batch, failure_reason: z.string().max(64).describe('Failure reason code') }) }),
    timer_started: defineEvent({ description: 'A batch timer was started', properties: z.object({ timer_id: id('Timer'), batch_id: id('Batch').optional(), duration_seconds: z.number().nonnegative().describe('Timer length in seconds') }) }),
    timer_stopped: defineEvent({ description: 'A batch timer was stopped', properties: z.object({ timer_id: id('Timer'), batch_id: id('Batch').optional(), elapsed_seconds: z.number().nonnegative().describe('Seconds elapsed when stopped') }) }),
    recipe_created: defineEvent({ description: 'A recipe was created', properties: z.object(recipe) }),
    recipe_variation_created: defineEvent({ description: 'A variation of a recipe was created', properties: z.object({ ...recipe, parent_recipe_id: id('Parent recipe') }) }),
    recipe_test_created: defineEvent({ description: 'A test version of a recipe was created', properties: z.object({ ...recipe, parent_recipe_id: id('Parent recipe') }) }),
    recipe_updated: defineEvent({ description: 'A recipe was updated', properties: z.object({ recipe_id: id('Recipe'), fields_changed: z.array(z.string().max(64)).max(50).describe('Names of the fields that changed') }) }),
    recipe_deleted: defineEvent({ description: 'A recipe was deleted', properties: z.object({ recipe_id: id('Recipe') }) }),
    product_created: defineEvent({ description: 'A product was created', properties: z.object({ product_id: id('Product') }) }),
    product_variant_created: defineEvent({ description: 'A product variant was created', properties: z.object({ product_id: id('Product'), variant_id: id('Variant') }) }),
    sku_created: defineEvent({ description: 'A SKU was created', properties: z.object({ sku_id: id('SKU'), product_id: id('Product'), variant_id: id('Variant').optional() }) }),
    batch_metrics_computed: defineEvent({
      description: 'Batch statistics were recomputed (stats/analytics internals)',
      properties: z.object({ batch_id: id('Batch'), metrics_count: z.number().int().nonnegative().describe('Metrics computed'), duration_ms: z.number().nonnegative().describe('Computation time in ms') }),
    }),
    plan_production_requested: defineEvent({ description: 'A production plan was requested', properties: z.object({ recipe_id: id('Recipe'), planned_quantity: z.number().positive().describe('Quantity to produce'), ...timing }) }),
    stock_check_run: defineEvent({
      description: 'A stock check was run for a recipe',
      properties: z.object({ recipe_id: id('Recipe'), items_short: z.number().int().nonnegative().describe('Ingredients short of stock'), ...timing }),
    }),
    user_login_succeeded: defineEvent({
      description: 'A user logged in',
      properties: z.object({ is_first_login: z.boolean().describe('First login of this user'), login_method: z.string().max(32).optional().describe('Login method'), ...timing }),
    }),
    signup_checkout_started: defineEvent({
      description: 'A signup checkout was started (server)',
      properties: z.object({ tier: z.string().max(32).describe('Chosen tier'), billing_cycle: z.enum(['monthly', 'yearly']).describe('Billing cycle') }),
    }),
    signup_checkout_completed: defineEvent({
      description: 'A signup checkout completed (server)',
      properties: z.object({ tier: z.string().max(32).describe('Chosen tier'), billing_cycle: z.enum(['monthly', 'yearly']).describe('Billing cycle'), stripe_session_id: z.string().max(255).describe('Stripe checkout session id (cs_…)') }),
    }),
    purchase_completed: defineEvent({
      description: 'A purchase was completed (server); the revenue event of the launch funnel',
      revenue: { amount: 'amount', currency: 'currency' },
      properties: z.object({ tier: z.string().max(32).describe('Purchased tier'), amount: z.number().nonnegative().describe('Amount paid in major units'), currency: z.string().length(3).describe('ISO 4217 currency code') }),
    }),
    onboarding_completed: defineEvent({
      description: 'The organization finished onboarding',
      properties: z.object({ steps_completed: z.number().int().nonnegative().describe('Onboarding steps completed'), ...timing }),
    }),
    first_landing_recorded: defineEvent({
      description: 'First visit to the public site (browser)',
      properties: z.object({
        landing_path: z.string().max(255).describe('Path of the landing page'),
        referrer_domain: z.string().max(255).optional().describe('Referring domain'),
        utm_source: z.string().max(100).optional().describe('utm_source of the visit'),
        utm_campaign: z.string().max(100).optional().describe('utm_campaign of the visit'),
      }),
    }),
    signup_page_viewed: defineEvent({
      description: 'The signup page was viewed (browser)',
      properties: z.object({ referrer: z.string().max(255).optional().describe('Where the visitor came from, e.g. pricing'), seconds_since_landing: z.number().nonnegative().optional().describe('Seconds since the first landing') }),
    }),
    pricing_page_viewed: defineEvent({
      description: 'The pricing page was viewed (browser, public funnel view timing)',
      properties: z.object({ seconds_since_landing: z.number().nonnegative().optional().describe('Seconds since the first landing') }),
    }),
    public_cta_clicked: defineEvent({
      description: 'A call to action on the landing, signup or pricing page was clicked (browser)',
      properties: z.object({ page: z.enum(['landing', 'signup', 'pricing']).describe('Page of the CTA'), cta: z.string().max(64).describe('Which CTA'), seconds_since_landing: z.number().nonnegative().optional().describe('Seconds since the first landing') }),
    }),
  },
  // The seed's five launch funnels ("Recommended PostHog Funnels (Launch)").
  funnels: {
    visit_to_purchase: defineFunnel({
      description: 'Visit → signup → checkout start → purchase complete',
      steps: ['first_landing_recorded', 'signup_page_viewed', 'signup_checkout_started', 'purchase_completed'],
      window: '14d',
    }),
    first_login_to_setup: defineFunnel({
      description: 'First login → setup (onboarding) complete',
      steps: [{ event: 'user_login_succeeded', where: { is_first_login: true } }, 'onboarding_completed'],
      window: '14d',
    }),
    first_value: defineFunnel({
      description: 'First value (activation): first login → first inventory item → first recipe → first batch',
      steps: [{ event: 'user_login_succeeded', where: { is_first_login: true } }, 'inventory_item_created', 'recipe_created', 'batch_started'],
      window: '7d',
    }),
    recipe_maturity: defineFunnel({
      description: 'Recipe maturity path: recipe → variation → test → batch',
      steps: ['recipe_created', 'recipe_variation_created', 'recipe_test_created', 'batch_started'],
      window: '30d',
    }),
    planning_behavior: defineFunnel({
      description: 'Planning behavior: production plan → stock check → batch',
      steps: ['plan_production_requested', 'stock_check_run', 'batch_started'],
      window: '7d',
    }),
  },
  // The seed's launch KPI baseline set.
  metrics: {
    visitor_to_signup: activation({ description: 'Visitor → signup conversion: visitors who viewed the signup page within 30 days of landing', from: 'first_landing_recorded', all: ['signup_page_viewed'], within: '30d' }),
    signup_to_purchase: activation({ description: 'Signup → purchase conversion within 30 days of checkout start', from: 'signup_checkout_started', all: ['purchase_completed'], within: '30d' }),
    purchase_to_first_login: activation({ description: 'Purchase → first login rate within 7 days', from: 'purchase_completed', all: [{ event: 'user_login_succeeded', where: { is_first_login: true } }], within: '7d' }),
    ttfv_custom_inventory_item: timeToFirst('inventory_item_custom_created', { from: 'user_login_succeeded' }),
    ttfv_global_inventory_item: timeToFirst('inventory_item_global_created', { from: 'user_login_succeeded' }),
    ttfv_recipe: timeToFirst('recipe_created', { from: 'user_login_succeeded' }),
    ttfv_variation: timeToFirst('recipe_variation_created', { from: 'user_login_succeeded' }),
    ttfv_test: timeToFirst('recipe_test_created', { from: 'user_login_succeeded' }),
    ttfv_stock_check: timeToFirst('stock_check_run', { from: 'user_login_succeeded' }),
    ttfv_production_plan: timeToFirst('plan_production_requested', { from: 'user_login_succeeded' }),
    ttfv_batch_started: timeToFirst('batch_started', { from: 'user_login_succeeded' }),
    second_use_recipe: timeToNth('recipe_created', 2, { from: 'user_login_succeeded' }),
    second_use_batch: timeToNth('batch_started', 2, { from: 'user_login_succeeded' }),
    second_use_stock_check: timeToNth('stock_check_run', 2, { from: 'user_login_succeeded' }),
    second_use_production_plan: timeToNth('plan_production_requested', 2, { from: 'user_login_succeeded' }),
    onboarding_completion: timeToFirst('onboarding_completed', { description: 'Onboarding completion rate (value) and median completion time from the first login', from: 'user_login_succeeded' }),
    activation_7d: activation({ description: '7-day activation: the first-value bundle (inventory item, recipe, batch) within 7 days of the first login', from: 'user_login_succeeded', all: ['inventory_item_created', 'recipe_created', 'batch_started'], within: '7d' }),
    week1_retention: retention({ description: 'Week-1 retention: returned and started a batch in days 7-13 after the first login', start: 'user_login_succeeded', return: 'batch_started', period: 'week' }),
    revenue: revenueSeries(),
  },
});

export default catalog;
