import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { batchtrack, catalogs, esim, omoi, storefront, tformance } from '../../schema/index';
import { descriptionOf, shapeOf, type EventDefinition } from '../../src/core/catalog';

const eventsOf = (c: { definition: { events: object } }) => c.definition.events as Record<string, EventDefinition>;

const expectedEvents: Record<string, string[]> = {
  batchtrack: [
    'inventory_adjusted', 'inventory_item_created', 'inventory_item_custom_created', 'inventory_item_global_created',
    'batch_started', 'batch_completed', 'batch_cancelled', 'batch_failed', 'timer_started', 'timer_stopped',
    'recipe_created', 'recipe_variation_created', 'recipe_test_created', 'recipe_updated', 'recipe_deleted',
    'product_created', 'product_variant_created', 'sku_created', 'batch_metrics_computed', 'plan_production_requested', 'stock_check_run',
    'user_login_succeeded', 'signup_checkout_started', 'signup_checkout_completed', 'purchase_completed', 'onboarding_completed',
    'first_landing_recorded', 'signup_page_viewed',
  ],
  tformance: [
    'user_signed_up', 'github_connected', 'onboarding_step_completed', 'onboarding_skipped', 'onboarding_completed', 'slack_configured',
    'jira_connected', 'dashboard_first_view', 'analytics_viewed', 'pr_list_exported', 'integration_connected', 'integration_disconnected',
    'team_member_invited', 'team_member_joined', 'repo_sync_started', 'repo_sync_completed', 'error_occurred', 'date_filter_changed',
    'repo_filter_applied', 'pr_detail_viewed', 'insight_viewed', 'settings_updated', 'chart_interacted', 'sidebar_navigation',
    'theme_switched', 'external_link_clicked',
  ],
  omoi: [
    'checkout_completed', 'subscription_created', 'subscription_updated', 'subscription_canceled', 'payment_succeeded', 'payment_failed',
    'workflow_started', 'workflow_completed', 'workflow_failed', 'user_created', 'user_signed_in',
  ],
  esim: ['user_signup', 'checkout_started', 'payment_succeeded', 'esim_activated'],
  storefront: ['order.paid', 'checkout.start', 'checkout.session_created', 'design.started', 'design.approved'],
};

// Seed 002's payloads, exactly as the plan documents them.
const omoiPayloads: Record<string, Record<string, unknown>> = {
  checkout_completed: { checkout_type: 'subscription', amount_usd: 50.0, organization_id: 'org_456', tier: 'pro', stripe_session_id: 'cs_xxx' },
  subscription_created: { tier: 'pro', amount_usd: 50.0, organization_id: 'org_456', stripe_subscription_id: 'sub_xxx', is_lifetime: false },
  subscription_updated: { old_tier: 'pro', new_tier: 'team', old_amount_usd: 50.0, new_amount_usd: 150.0, organization_id: 'org_456', change_type: 'upgrade', mrr_change: 100.0 },
  subscription_canceled: { tier: 'pro', organization_id: 'org_456', at_period_end: true, reason: 'user_requested' },
  payment_succeeded: { amount_usd: 50.0, organization_id: 'org_456', payment_type: 'subscription', currency: 'USD' },
  payment_failed: { amount_usd: 50.0, organization_id: 'org_456', failure_reason: 'card_declined', attempt_number: 1 },
  workflow_started: { workflow_id: 'wf_789', organization_id: 'org_456', workflow_type: 'code_review' },
  workflow_completed: { workflow_id: 'wf_789', organization_id: 'org_456', duration_seconds: 120.5, tasks_completed: 5, cost_usd: 0.25 },
  workflow_failed: { workflow_id: 'wf_789', organization_id: 'org_456', error_type: 'TimeoutError', error_message: 'Operation timed out after 300s', duration_seconds: 300.0 },
  user_created: { signup_method: 'github', organization_id: 'org_456', referral_source: 'product_hunt' },
  user_signed_in: { method: 'github', organization_id: 'org_456' },
};

describe('reference catalogs', () => {
  it.each(Object.entries(expectedEvents))('%s has every event its seed names', (name, events) => {
    const catalog = catalogs.find((c) => c.name === name)!;
    for (const event of events) expect(Object.keys(catalog.events)).toContain(event);
  });

  it.each(Object.entries(omoiPayloads))("omoi %s accepts the seed's payload exactly", (event, payload) => {
    const result = omoi.events[event].validate(payload);
    expect(result.issues).toEqual([]);
    expect(result.unknownKeys).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('refuses bad payloads: a wrong type, a missing required property, a value outside the enum', () => {
    expect(omoi.events.payment_failed.validate({ ...omoiPayloads.payment_failed, attempt_number: 'one' }).ok).toBe(false);
    const { workflow_id: _, ...missing } = omoiPayloads.workflow_started as Record<string, unknown>;
    expect(omoi.events.workflow_started.validate(missing).ok).toBe(false);
    expect(omoi.events.checkout_completed.validate({ ...omoiPayloads.checkout_completed, checkout_type: 'gift' }).ok).toBe(false);
    expect(storefront.events['checkout.start'].validate({ order_id: 'o', tier: 'pro', subtotal: 1, country: 'USA' }).ok).toBe(false);
  });

  it('the storefront funnel shares order_id, tier, subtotal and country with identical types', () => {
    const funnel = ['checkout.start', 'checkout.session_created', 'design.started', 'design.approved'];
    for (const key of ['order_id', 'tier', 'subtotal', 'country']) {
      const schemas = funnel.map((event) => JSON.stringify(z.toJSONSchema(shapeOf(eventsOf(storefront)[event].properties)![key] as z.ZodType)));
      expect(new Set(schemas).size, key).toBe(1);
    }
  });

  it('revenue events map amount and currency; BatchTrack timing properties are on the core events', () => {
    expect(omoi.events.payment_succeeded.revenue).toEqual({ amount: 'amount_usd', currency: 'currency' });
    expect(storefront.events['order.paid']).toMatchObject({ version: 2, destinations: ['posthog', 'webhook'] });
    expect(esim.events.payment_succeeded.revenue).toEqual({ amount: 'amount_minor_units', currency: 'currency' });
    for (const event of ['recipe_created', 'batch_started', 'inventory_item_created', 'user_login_succeeded', 'onboarding_completed', 'stock_check_run', 'plan_production_requested'])
      expect(Object.keys(shapeOf(eventsOf(batchtrack)[event].properties)!)).toEqual(expect.arrayContaining(['seconds_since_first_login', 'user_use_index', 'org_use_index']));
    expect(Object.keys(shapeOf(tformance.definition.events.error_occurred.properties)!)).not.toContain('error_message');
  });

  it.each(catalogs.map((c) => [c.name, c] as const))('%s: every event and property is described', (_name, catalog) => {
    for (const [event, definition] of Object.entries(eventsOf(catalog))) {
      expect(definition.description.length, event).toBeGreaterThan(5);
      const shape = definition.properties ? shapeOf(definition.properties)! : {};
      for (const [property, schema] of Object.entries(shape)) expect(descriptionOf(schema), `${event}.${property}`).toBeTruthy();
    }
  });
});
