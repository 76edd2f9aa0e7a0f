import type { DestinationFactory } from '../../core/types';
import type { CaptureResultLike } from '../posthog-js';
import type { BatchStore } from './batch-queue';

export type Runtime = 'node' | 'browser';

/**
 * A built-in destination in one runtime, configured by one tracker option (its key in the
 * runtime's table in `registry.ts`). What only the runtime can give (gzip, signing, the page) comes
 * in `env`, so destination files stay free of `node:` modules and of `window`.
 */
export interface Builtin<Options, Env> {
  /** Its name in `stats()` and in an event's `destinations` list. */
  readonly name: string;
  /** Checks the option's value (a `TrackplanConfigError` says what to fix) and makes the destination. */
  create(options: Options, env: Env): DestinationFactory;
  /**
   * Laid under the user's settings by the outbox dispatcher: its table is the retry queue, so
   * a batch is tried only briefly before the row goes back to the table.
   */
  readonly outbox?: Partial<Options>;
}

/** What the Node entry gives its destinations. */
export interface NodeEnv {
  /** How waiting batches are held: gzip-compressed. */
  batches: () => BatchStore;
  /** gzip for request bodies (PostHog's `/batch/`). */
  gzip(text: string): Promise<Uint8Array>;
  /** The webhook's HMAC signer. */
  sign(body: string, secret: string): string;
  /** posthog-node's `PostHog` class, loaded on first use (an optional peer); throws a config error without it. */
  loadPostHog(): unknown;
}

/** The parts of `window` the page's destinations read. */
export interface PageWindow {
  posthog?: unknown;
  gtag?: (...args: unknown[]) => void;
  dataLayer?: unknown[];
}

/** What the browser entry gives its destinations. */
export interface BrowserEnv {
  /** Undefined outside a page (server-side rendering, tests without a DOM). */
  window: PageWindow | undefined;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined;
  sendBeacon?(url: string, body: string): boolean;
  onPageHide?(listener: () => void): void;
  /** The PII guard posthog-js runs as `before_send`. */
  posthogBeforeSend(event: CaptureResultLike | null): CaptureResultLike | null;
  /** Told the posthog-js instance once it is known (the tracker reads its distinct id). */
  onPostHogClient(client: unknown): void;
}
