import { TrackplanConfigError } from '../core/errors';
import type { DestinationFactory } from '../core/types';
import type { Builtin, Runtime } from './_shared/builtin';
import { ga4ForBrowser } from './ga4';
import { webhookForBrowser } from './lazy-browser-webhook';
import { posthogForBrowser } from './posthog-js';
import { posthogForNode } from './posthog-node';
import { webhookForNode } from './webhook';

/*
 * The built-in destinations, one table per runtime, keyed by the tracker option that configures
 * them (in the order they are made). The trackers and the outbox dispatcher read these; their
 * option types are derived from them. Two tables, not one, so that a page's bundle carries none of
 * the Node destinations and the reverse (an unused table is dropped by the bundler).
 *
 * Adding a built-in: its file exports a `Builtin` for each runtime it runs in; add it below (and to
 * BUILTIN_RUNTIMES), with its test.
 */

export const NODE_BUILTINS = {
  /** PostHog through posthog-node: `{ apiKey, host }`, `{ client }` to reuse your instance, or `{ apiKey, transport: 'direct' }`. */
  posthog: posthogForNode,
  /** A JSON webhook: `{ url, secret, headers }`. */
  webhook: webhookForNode,
};

export const BROWSER_BUILTINS = {
  /**
   * PostHog through posthog-js: `{ client: window.posthog }` when the snippet loaded it (its queueing
   * stub is fine), or `{ apiKey, host, options }` to have trackplan import and initialise posthog-js.
   */
  posthog: posthogForBrowser,
  /** GA4 through `window.gtag` / `dataLayer`. */
  ga4: ga4ForBrowser,
  /**
   * A JSON webhook: fetch with keepalive, `sendBeacon` when the page hides, unsent events kept for the
   * next page. Its code loads with `import()` when configured; meanwhile events wait (at most 1000).
   */
  webhook: webhookForBrowser,
};

/** Where each built-in runs: an option for a built-in this runtime lacks is refused, not ignored. */
export const BUILTIN_RUNTIMES: Readonly<Record<string, readonly Runtime[]>> = {
  posthog: ['node', 'browser'],
  ga4: ['browser'],
  webhook: ['node', 'browser'],
};

/** A runtime's built-in options, derived from its table (the JSDoc above shows on each option). */
export type BuiltinOptions<Table> = { [K in keyof Table]?: Table[K] extends Builtin<infer Options, any> ? Options : never };

/**
 * The built-ins the options configure, made in table order. `'outbox'` lays each one's `outbox`
 * settings under the user's (the dispatcher's table is its retry queue).
 */
export function builtinDestinations<Env>(
  runtime: Runtime,
  table: Readonly<Record<string, Builtin<any, Env>>>,
  options: Readonly<Record<string, unknown>>,
  env: Env,
  use: 'tracker' | 'outbox' = 'tracker',
): DestinationFactory[] {
  for (const [key, runtimes] of Object.entries(BUILTIN_RUNTIMES)) {
    if (options[key] && !runtimes.includes(runtime))
      throw new TrackplanConfigError(`[${key}] runs only in ${runtimes.map((r) => `trackplan/${r}`).join(' and ')}; remove \`${key}\` from this ${runtime === 'node' ? 'Node' : 'browser'} tracker's options.`);
  }
  const factories: DestinationFactory[] = [];
  for (const [key, builtin] of Object.entries(table)) {
    const given = options[key];
    if (!given) continue;
    factories.push(builtin.create(use === 'outbox' && builtin.outbox ? { ...builtin.outbox, ...(given as object) } : given, env));
  }
  return factories;
}
