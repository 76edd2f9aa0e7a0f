import type { DestinationFactory } from '../core/types';
import { checkHttpOptions, type HttpDestinationOptions } from '../destinations/_shared/http-options';
import { lazyDestination } from '../destinations/_shared/lazy-destination';

/** Under fetch keepalive's 64 KB per request, as the page's webhook. */
const KEEPALIVE_BYTES = 60_000;

/**
 * Your own HTTP destination from a page, on the webhook's machinery: batches under fetch keepalive's
 * 64 KB (requests outlive the page), retries with backoff and `Retry-After`, a queue bounded at 4 MiB.
 * Its options are checked at once; its code loads with `import()` (messages wait meanwhile, at most
 * 1000), so a page that makes none never carries it. Unlike the built-in webhook it keeps nothing
 * for the next page: what is unsent when the page closes is lost with it.
 */
export function createHttpDestination(options: HttpDestinationOptions): DestinationFactory {
  const { name, url } = checkHttpOptions(options);
  return lazyDestination(name, options.accepts, async () =>
    (await import('../destinations/http-destination')).httpDestination({ ...options, url }, { keepalive: true, maxBatchBytes: KEEPALIVE_BYTES, maxQueueBytes: 4 * 1024 * 1024 }),
  );
}
