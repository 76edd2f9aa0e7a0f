import type { DestinationFactory } from '../core/types';
import { BatchQueue } from './_shared/batch-queue';
import { assertHttpUrl, defaultFetch, postOnce, type FetchLike } from './_shared/http';
import { toWebhookEnvelope } from './_shared/webhook-envelope';
import { BEACON_BYTES, checkBrowserWebhookOptions, handOff, persistence, storageKeyOf, type BrowserWebhookRuntime } from './_shared/webhook-handoff';

export type { BrowserWebhookRuntime } from './_shared/webhook-handoff';

export interface BrowserWebhookOptions {
  url: string;
  headers?: Record<string, string>;
  /**
   * Events per request.
   * @default 50 (fetch keepalive bodies must stay under 64 KB)
   */
  batchSize?: number;
  flushIntervalMs?: number;
  maxAttempts?: number;
  /**
   * Unsent events kept in localStorage for the next page: at most this many.
   * @default 500
   */
  maxStoredEvents?: number;
  /**
   * …and at most this many bytes.
   * @default 256 KiB
   */
  maxStoredBytes?: number;
  fetch?: FetchLike;
}

/**
 * The webhook from a page: batches over `fetch` with `keepalive`; when the page hides, what is
 * queued leaves by `navigator.sendBeacon`, and what cannot is kept in localStorage (bounded, oldest
 * dropped first on a full quota) and sent by the next page load.
 */
export function browserWebhookDestination(options: BrowserWebhookOptions, runtime: BrowserWebhookRuntime): DestinationFactory {
  const url = assertHttpUrl(options.url, 'url', 'webhook');
  checkBrowserWebhookOptions(options);
  const storageKey = storageKeyOf(url);
  const fetchImpl = options.fetch ?? defaultFetch;
  const headers = { 'content-type': 'application/json', ...options.headers };
  const keepaliveFetch: FetchLike = (target, init) => fetchImpl(target, { ...init, keepalive: true });

  return (reporter) => {
    const queue = new BatchQueue(
      {
        batchSize: options.batchSize ?? 50,
        maxBatchBytes: BEACON_BYTES,
        flushIntervalMs: options.flushIntervalMs ?? 1000,
        maxQueueBytes: 4 * 1024 * 1024,
        maxAttempts: options.maxAttempts ?? 5,
        concurrency: 2,
        retryBaseMs: 500,
        retryMaxMs: 10_000,
        attempt: (events, _count, signal) => postOnce(keepaliveFetch, url, headers, `{"events":[${events}]}`, 10_000, signal, 'webhook'),
      },
      reporter,
    );
    const nextPage = persistence(storageKey, runtime.storage, reporter, options.maxStoredEvents ?? 500, options.maxStoredBytes ?? 256 * 1024);

    runtime.onPageHide?.(() => {
      const taken = queue.takeQueued();
      handOff(url, taken.payloads, runtime, nextPage, taken.settle);
    });

    // Events a previous page could not send: they enter this page's books as routed.
    const restored = runtime.restore === false ? [] : nextPage.load();
    if (restored.length) {
      reporter.adopted(restored.length);
      for (const payload of restored) queue.post(payload);
    }

    return {
      name: 'webhook',
      accepts: ['track'],
      send(message) {
        if (message.type !== 'track') return Promise.resolve({ delivered: false, reason: 'unsupported' });
        return queue.enqueue(message, JSON.stringify(toWebhookEnvelope(message.envelope)));
      },
      post(message) {
        if (message.type === 'track') queue.post(JSON.stringify(toWebhookEnvelope(message.envelope)));
      },
      pending: () => queue.pending(),
      flush: () => queue.flush(),
      shutdown: (ms) => queue.shutdown(ms),
    };
  };
}
