import type { DropReason } from './drop-reasons';

// The two a page needs up front (the generated client's queue) live apart, so the rest stays with the runtime.
import { TrackplanError } from './trackplan-error';

export { TrackplanConfigError, TrackplanError } from './trackplan-error';

/** An event or message that breaks the catalog; thrown only under `validation: 'throw'`. */
export class CatalogViolationError extends TrackplanError {
  constructor(
    message: string,
    readonly violations: readonly import('./types').Violation[],
  ) {
    super(message);
    this.name = 'CatalogViolationError';
  }
}

/** What a `DeliveryError` says happened, and to how many messages. */
export interface DeliveryErrorDetails {
  /** The destination's name (`posthog`, `webhook`, `ga4`, or your own). */
  destination: string;
  /** Why: the key it is counted under in `stats()`, or what is being retried (`http_503`, `network_error`). */
  reason: DropReason;
  /** How many messages it is about. */
  count: number;
  /** `true`: nothing is lost yet, the destination is retrying (reported once per outage). `false`: `count` messages were dropped. */
  retrying: boolean;
  /** The underlying failure (an HTTP answer, a network error, a throwing client). */
  cause?: unknown;
}

/**
 * A delivery problem at one destination, as `onError` receives it. `retrying: false` means `count`
 * messages were dropped and counted under `reason`; `retrying: true` means a request failed and is
 * being retried, nothing lost yet (once per outage: the next such report comes after a delivery
 * succeeded again). The original failure is the `cause`.
 */
export class DeliveryError extends TrackplanError {
  readonly destination: string;
  readonly reason: DropReason;
  readonly count: number;
  readonly retrying: boolean;
  constructor(details: DeliveryErrorDetails) {
    super(deliveryMessage(details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DeliveryError';
    this.destination = details.destination;
    this.reason = details.reason;
    this.count = details.count;
    this.retrying = details.retrying;
  }
}

function deliveryMessage({ destination, reason, count, retrying, cause }: DeliveryErrorDetails): string {
  const what = retrying ? `delivery failing (${reason}), retrying ${count} message(s); nothing lost yet` : `${count} message(s) dropped (${reason})`;
  // The cause's own "[trackplan] [webhook]" prefix would repeat ours.
  const detail = cause === undefined ? '' : `: ${String((cause as Error)?.message ?? cause).replace(/^\[trackplan\]\s*(\[[^\]]*\]\s*)?/, '')}`;
  return `[trackplan] [${destination}] ${what}${detail}`;
}

/** Works across realms and bundled copies, unlike `instanceof`. */
export function isTrackplanError(value: unknown): value is TrackplanError {
  return typeof value === 'object' && value !== null && (value as { isTrackplanError?: unknown }).isTrackplanError === true;
}

/** A one-line description of anything thrown, for logs and `last_error`; never throws itself. */
export function describeError(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return 'unprintable error';
  }
}
