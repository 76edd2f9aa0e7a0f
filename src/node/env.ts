import type { Catalog } from '../core/catalog';
import { createNodeTracker, type NodeTracker, type NodeTrackerOptions } from './tracker';

const TRUE = /^(1|true|yes|on)$/i;

/**
 * A tracker configured from the environment keys the seed plans use: `POSTHOG_API_KEY` or
 * `POSTHOG_PROJECT_API_KEY`, `POSTHOG_HOST` (default https://us.i.posthog.com), `POSTHOG_DEBUG`,
 * `POSTHOG_DISABLED`, `ANALYTICS_WEBHOOK_URL` or `DOMAIN_EVENT_WEBHOOK_URL`, `ANALYTICS_WEBHOOK_SECRET`.
 * With no key set it still works: events are validated and counted, nothing is sent.
 */
export function createTrackerFromEnv<C extends Catalog<any, any, any>>(
  catalog: C,
  overrides: NodeTrackerOptions = {},
  env: Record<string, string | undefined> = process.env,
): NodeTracker<C> {
  const apiKey = env.POSTHOG_API_KEY || env.POSTHOG_PROJECT_API_KEY;
  const webhookUrl = env.ANALYTICS_WEBHOOK_URL || env.DOMAIN_EVENT_WEBHOOK_URL;
  const options: NodeTrackerOptions = {
    debug: TRUE.test(env.POSTHOG_DEBUG ?? ''),
    disabled: TRUE.test(env.POSTHOG_DISABLED ?? ''),
    ...overrides,
  };
  if (apiKey && !options.posthog) options.posthog = { apiKey, host: env.POSTHOG_HOST || 'https://us.i.posthog.com' };
  if (webhookUrl && !options.webhook) options.webhook = { url: webhookUrl, secret: env.ANALYTICS_WEBHOOK_SECRET || undefined };
  const idle = !options.posthog && !options.webhook ? 'neither POSTHOG_API_KEY/POSTHOG_PROJECT_API_KEY nor ANALYTICS_WEBHOOK_URL/DOMAIN_EVENT_WEBHOOK_URL is set' : undefined;
  return createNodeTracker(catalog, options, idle);
}
