/**
 * Tformance (seed 001): a tiered taxonomy in snake_case, past tense for completed actions,
 * `team_slug` on every team-scoped event, enriched person and team properties, and error tracking
 * without message text (type, fingerprint and route only).
 * The plan branches on `is_feature_enabled()` without naming flags; the two below are the reference
 * catalog's own: one boolean, one multivariate with a payload.
 */
import * as z from 'zod';
import { defineCatalog, defineEvent } from '../src/core/catalog';
import { defineFlag } from '../src/core/flags';

const teamSlug = z.string().min(1).max(64).describe('Slug of the team the event belongs to');
const team = { team_slug: teamSlug };
const integration = z.enum(['github', 'jira', 'slack']).describe('Which integration');

export const catalog = defineCatalog({
  name: 'tformance',
  version: 1,
  person: z
    .object({
      role: z.enum(['admin', 'member']).describe('Role, to segment by'),
      teams_count: z.number().int().nonnegative().describe('Teams the user belongs to'),
      signup_source: z.enum(['github', 'email', 'invite']).describe('Acquisition channel'),
      has_connected_github: z.boolean().describe('Feature adoption: GitHub connected'),
      has_connected_jira: z.boolean().describe('Feature adoption: Jira connected'),
      has_connected_slack: z.boolean().describe('Feature adoption: Slack connected'),
    })
    .partial(),
  groups: {
    team: z
      .object({
        plan: z.enum(['trial', 'starter', 'pro']).describe('Revenue segmentation'),
        onboarding_complete: z.boolean().describe('Activation tracking'),
        repos_tracked: z.number().int().nonnegative().describe('Usage intensity'),
        total_prs: z.number().int().nonnegative().describe('Data volume'),
        ai_adoption_rate: z.number().min(0).max(100).describe('Key business metric, percent'),
      })
      .partial(),
  },
  events: {
    user_signed_up: defineEvent({ description: 'A user signed up', properties: z.object({ method: z.enum(['github', 'email', 'invite']).describe('Signup method') }) }),
    github_connected: defineEvent({
      description: 'GitHub was connected during onboarding',
      properties: z.object({ ...team, org_name: z.string().max(100).describe('GitHub organization name'), member_count: z.number().int().nonnegative().describe('Members in the GitHub organization') }),
    }),
    onboarding_step_completed: defineEvent({
      description: 'An onboarding step was completed',
      properties: z.object({ ...team, step: z.string().max(64).describe('Onboarding step'), repos_count: z.number().int().nonnegative().optional().describe('Repositories selected so far') }),
    }),
    onboarding_skipped: defineEvent({ description: 'An onboarding step was skipped', properties: z.object({ ...team, step: z.string().max(64).describe('Onboarding step') }) }),
    onboarding_completed: defineEvent({ description: 'Onboarding was completed', properties: z.object(team) }),
    slack_configured: defineEvent({
      description: 'Slack notifications were configured',
      properties: z.object({ ...team, weekly_digest: z.boolean().describe('Weekly digest toggle'), pr_alerts: z.boolean().describe('PR alerts toggle'), leaderboard: z.boolean().optional().describe('Leaderboard toggle') }),
    }),
    jira_connected: defineEvent({ description: 'Jira was connected', properties: z.object({ ...team, site_url: z.string().url().max(255).describe('Jira site URL') }) }),
    dashboard_first_view: defineEvent({ description: 'The team dashboard was viewed for the first time', properties: z.object(team) }),
    analytics_viewed: defineEvent({
      description: 'An analytics tab was viewed',
      properties: z.object({ ...team, tab: z.string().max(64).describe('Analytics tab'), date_range: z.string().max(32).describe('Selected date range, e.g. 30d') }),
    }),
    pr_list_exported: defineEvent({
      description: 'The PR list was exported',
      properties: z.object({ ...team, format: z.enum(['csv', 'xlsx']).describe('Export format'), row_count: z.number().int().nonnegative().describe('Rows exported'), has_filters: z.boolean().describe('Whether filters were applied') }),
    }),
    integration_connected: defineEvent({ description: 'An integration was connected', properties: z.object({ ...team, integration, is_reconnect: z.boolean().describe('It had been connected before') }) }),
    integration_disconnected: defineEvent({ description: 'An integration was disconnected', properties: z.object({ ...team, integration, reason: z.string().max(64).optional().describe('Why, when known') }) }),
    team_member_invited: defineEvent({ description: 'A team member was invited', properties: z.object({ ...team, invitee_role: z.enum(['admin', 'member']).describe('Role offered to the invitee') }) }),
    team_member_joined: defineEvent({ description: 'An invited team member accepted and joined', properties: z.object({ ...team, role: z.enum(['admin', 'member']).describe('Role of the new member'), days_since_invite: z.number().nonnegative().optional().describe('Days between invite and join') }) }),
    repo_sync_started: defineEvent({ description: 'A repository sync started', properties: z.object({ ...team, repos_count: z.number().int().nonnegative().describe('Repositories in the sync') }) }),
    repo_sync_completed: defineEvent({
      description: 'A repository sync completed',
      properties: z.object({ ...team, repos_count: z.number().int().nonnegative().describe('Repositories synced'), prs_synced: z.number().int().nonnegative().describe('Pull requests synced'), duration_seconds: z.number().nonnegative().describe('Sync duration in seconds') }),
    }),
    error_occurred: defineEvent({
      description: 'An application error happened; type, fingerprint and route only, never the message text',
      properties: z.object({
        error_type: z.string().max(100).describe('Error class name, e.g. TypeError'),
        fingerprint: z.string().max(64).describe('Stable hash of the error type and top stack frames'),
        route: z.string().max(255).describe('Route or view name where it happened'),
        status_code: z.number().int().optional().describe('HTTP status, for server errors'),
        team_slug: teamSlug.optional(),
      }),
    }),
    date_filter_changed: defineEvent({ description: 'The date filter was changed', properties: z.object({ ...team, date_range: z.string().max(32).describe('New date range'), previous_range: z.string().max(32).optional().describe('Previous date range') }) }),
    repo_filter_applied: defineEvent({ description: 'A repository filter was applied', properties: z.object({ ...team, repos_selected: z.number().int().nonnegative().describe('Repositories selected') }) }),
    pr_detail_viewed: defineEvent({ description: 'A pull request detail page was viewed', properties: z.object({ ...team, pr_id: z.string().max(64).describe('Pull request id') }) }),
    insight_viewed: defineEvent({ description: 'An insight was viewed', properties: z.object({ ...team, insight_type: z.string().max(64).describe('Kind of insight') }) }),
    settings_updated: defineEvent({ description: 'Team settings were updated', properties: z.object({ ...team, section: z.string().max(64).describe('Settings section'), fields_changed: z.array(z.string().max(64)).max(50).describe('Names of the fields that changed') }) }),
    chart_interacted: defineEvent({
      description: 'A chart was clicked or hovered (front end)',
      properties: z.object({ ...team, chart_type: z.string().max(64).describe('Chart, e.g. ai_adoption'), action: z.enum(['click', 'hover']).describe('Interaction') }),
    }),
    sidebar_navigation: defineEvent({ description: 'A sidebar link was followed (front end)', properties: z.object({ ...team, destination: z.string().max(100).describe('Section navigated to') }) }),
    theme_switched: defineEvent({ description: 'The colour theme was switched (front end)', properties: z.object({ theme: z.enum(['light', 'dark', 'system']).describe('New theme') }) }),
    external_link_clicked: defineEvent({ description: 'An external link was clicked (front end)', properties: z.object({ url_domain: z.string().max(255).describe('Domain of the link, not the full URL'), placement: z.string().max(64).optional().describe('Where the link was') }) }),
  },
  flags: {
    'ai-insights-panel': defineFlag({ description: 'The AI adoption insights panel on the team dashboard', default: false }),
    'onboarding-flow': defineFlag({
      description: 'Which onboarding the team gets: the current one, or a guided flow that connects integrations step by step',
      variants: ['control', 'guided'],
      default: 'control',
      payload: {
        guided: z.object({
          steps: z.array(z.enum(['github', 'jira', 'slack'])).min(1).describe('Integrations to connect, in order'),
          skippable: z.boolean().describe('Whether a step may be skipped'),
        }),
      },
    }),
  },
});
