/**
 * omoi_os (seed 002): server-side billing, subscription, payment, workflow and user events with the
 * plan's exact JSON payloads; revenue as `$revenue` + `currency`; the `organization` group.
 */
import * as z from 'zod';
import { defineCatalog, defineEvent } from '../src/core/catalog';

const organizationId = z.string().min(1).max(64).describe('Organization id (also the organization group key)');
const tier = z.string().min(1).max(32).describe('Subscription tier, e.g. pro or team');
const amountUsd = z.number().nonnegative().describe('Amount in US dollars');

export const catalog = defineCatalog({
  name: 'omoi',
  version: 1,
  person: z
    .object({
      plan: z.string().max(32).describe('Plan of the user'),
      company_size: z.string().max(32).describe('Company size bucket, e.g. small'),
    })
    .partial(),
  groups: {
    organization: z
      .object({
        subscription_tier: z.string().max(32).describe('Current subscription tier'),
        employee_count: z.number().int().nonnegative().describe('Employees in the organization'),
        industry: z.string().max(64).describe('Industry of the organization'),
      })
      .partial(),
  },
  events: {
    checkout_completed: defineEvent({
      description: 'A Stripe checkout session completed successfully',
      properties: z.object({
        checkout_type: z.enum(['subscription', 'lifetime', 'credits']).describe('What was bought'),
        amount_usd: amountUsd,
        organization_id: organizationId,
        tier,
        stripe_session_id: z.string().max(255).describe('Stripe checkout session id (cs_…)'),
      }),
    }),
    subscription_created: defineEvent({
      description: 'A new subscription was created (Stripe webhook)',
      properties: z.object({
        tier,
        amount_usd: amountUsd,
        organization_id: organizationId,
        stripe_subscription_id: z.string().max(255).describe('Stripe subscription id (sub_…)'),
        is_lifetime: z.boolean().describe('Whether this is a lifetime deal'),
      }),
    }),
    subscription_updated: defineEvent({
      description: 'A subscription changed tier (upgrade or downgrade)',
      properties: z.object({
        old_tier: tier.describe('Tier before the change'),
        new_tier: tier.describe('Tier after the change'),
        old_amount_usd: amountUsd.describe('Price before the change, USD'),
        new_amount_usd: amountUsd.describe('Price after the change, USD'),
        organization_id: organizationId,
        change_type: z.enum(['upgrade', 'downgrade']).describe('Direction of the change'),
        mrr_change: z.number().describe('Change in monthly recurring revenue, USD (negative on downgrade)'),
      }),
    }),
    subscription_canceled: defineEvent({
      description: 'A subscription was canceled',
      properties: z.object({
        tier,
        organization_id: organizationId,
        at_period_end: z.boolean().describe('Cancels at the end of the billing period'),
        reason: z.string().max(64).optional().describe('Cancellation reason, e.g. user_requested'),
      }),
    }),
    payment_succeeded: defineEvent({
      description: 'A payment succeeded; revenue goes to PostHog as $revenue (from amount_usd) and currency',
      revenue: { amount: 'amount_usd', currency: 'currency' },
      properties: z.object({
        amount_usd: amountUsd,
        organization_id: organizationId,
        payment_type: z.enum(['subscription', 'one_time', 'credits']).describe('What the payment was for'),
        currency: z.string().length(3).describe('ISO 4217 currency code, USD'),
      }),
    }),
    payment_failed: defineEvent({
      description: 'A payment failed',
      properties: z.object({
        amount_usd: amountUsd,
        organization_id: organizationId,
        failure_reason: z.string().max(64).describe('Stripe failure code, e.g. card_declined'),
        attempt_number: z.number().int().positive().describe('Attempt number for this invoice'),
      }),
    }),
    subscription_payment: defineEvent({
      description: 'Recurring subscription revenue (capture_revenue); $revenue from amount_usd',
      revenue: { amount: 'amount_usd', currency: 'currency' },
      properties: z.object({
        amount_usd: amountUsd,
        currency: z.string().length(3).default('USD').describe('ISO 4217 currency code'),
        tier: tier.optional(),
        organization_id: organizationId.optional(),
      }),
    }),
    workflow_started: defineEvent({
      description: 'A workflow or sandbox began execution',
      properties: z.object({
        workflow_id: z.string().max(64).describe('Workflow id (wf_…)'),
        organization_id: organizationId,
        workflow_type: z.string().max(64).describe('Kind of workflow, e.g. code_review'),
      }),
    }),
    workflow_completed: defineEvent({
      description: 'A workflow completed successfully',
      properties: z.object({
        workflow_id: z.string().max(64).describe('Workflow id (wf_…)'),
        organization_id: organizationId,
        duration_seconds: z.number().nonnegative().describe('Wall-clock duration in seconds'),
        tasks_completed: z.number().int().nonnegative().describe('Tasks the workflow completed'),
        cost_usd: z.number().nonnegative().describe('Compute cost in US dollars'),
      }),
    }),
    workflow_failed: defineEvent({
      description: 'A workflow failed',
      properties: z.object({
        workflow_id: z.string().max(64).describe('Workflow id (wf_…)'),
        organization_id: organizationId,
        error_type: z.string().max(64).describe('Error class, e.g. TimeoutError'),
        error_message: z.string().max(255).describe('Error message (the PII guard redacts personal data in it)'),
        duration_seconds: z.number().nonnegative().describe('Seconds until the failure'),
      }),
    }),
    user_created: defineEvent({
      description: 'A new user account was created',
      properties: z.object({
        signup_method: z.string().max(32).describe('How the user signed up, e.g. github'),
        organization_id: organizationId,
        referral_source: z.string().max(64).describe('Where the user came from, e.g. product_hunt'),
      }),
    }),
    user_signed_in: defineEvent({
      description: 'A user signed in',
      properties: z.object({ method: z.string().max(32).describe('Sign-in method, e.g. github'), organization_id: organizationId }),
    }),
    feature_used: defineEvent({
      description: 'A product feature was used (the plan’s track_event example)',
      properties: z.object({ feature: z.string().max(64).describe('Feature name, e.g. code_review'), language: z.string().max(32).optional().describe('Programming language involved') }),
    }),
  },
});

export default catalog;
