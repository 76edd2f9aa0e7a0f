/**
 * Every reason a message can be dropped for, as `stats().dropped` and the per-destination books
 * count it. One list: the `DropReason` type is derived from it, and a test checks that every reason
 * the code emits is in it.
 */
export const DROP_REASONS = [
  // The pipeline: the message broke the catalog or a guard.
  'invalid',
  'unknown_event',
  'invalid_input',
  'pii',
  'too_large',
  // The tracker: the message was never routed.
  'shutdown',
  'opted_out',
  'disabled',
  'no_destination',
  'internal_error',
  // The browser: consent and the generated client's start-up queue.
  'consent_denied',
  'consent_queue_overflow',
  'client_queue_overflow',
  // A destination could not take or deliver it.
  'destination_error',
  'destination_dropped',
  'destination_unavailable',
  'loading_overflow',
  'unsupported',
  'queue_overflow',
  'shutdown_timeout',
  'retries_exhausted',
  'network_error',
  'timeout',
  'posthog_error',
  'posthog_js_error',
  'ga4_reserved_name',
  'webhook_unavailable',
  'webhook_loading_overflow',
  // The page's webhook: what leaves with the page, and its storage.
  'handed_to_next_page',
  'storage_corrupt',
  'no_storage',
  'storage_bound',
  'storage_quota',
  'storage_error',
] as const;

/** An HTTP answer that dropped a batch (`http_400`), or a retried one that was given up on. */
export type HttpDropReason = `http_${number}`;

/** Why a message was dropped: the keys of `stats().dropped` and of each destination's `dropped`. */
export type DropReason = (typeof DROP_REASONS)[number] | HttpDropReason;

const HTTP_REASON = /^http_\d{3}$/;
const KNOWN: ReadonlySet<string> = new Set(DROP_REASONS);

/** Whether `value` is a `DropReason` (one of `DROP_REASONS`, or `http_` and a status code). */
export function isDropReason(value: unknown): value is DropReason {
  return typeof value === 'string' && (KNOWN.has(value) || HTTP_REASON.test(value));
}
