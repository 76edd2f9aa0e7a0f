// `trackplan/browser`: the isomorphic surface plus the browser tracker and snippet injection.
export * from '../index';
export { injectSnippets } from '../core/snippets';
export { createTracker, type BrowserTracker, type BrowserTrackerOptions, type BrowserDestinationOptions } from './tracker';
export type { BrowserFlags, BrowserFlagsOptions } from './flags';
export { createHttpDestination } from './destinations';
export type { HttpDestinationOptions } from '../destinations/_shared/http-options';
export type { FetchLike } from '../destinations/_shared/http';
export type { BrowserWebhookOptions } from '../destinations/browser-webhook';
export type { WebhookEnvelope } from '../destinations/_shared/webhook-envelope';
/** The posthog-js client (or the snippet's `window.posthog` stub) as trackplan uses it: type `window.posthog` with it. */
export type { PostHogJsLike } from '../destinations/posthog-js';
