import { checkPostHogKey, checkQueueSettings } from '../core/config-rules';
import type { DestinationFactory } from '../core/types';
import { BatchQueue, queueOptions, type BatchStore } from './_shared/batch-queue';
import { assertHttpUrl, defaultFetch, postOnce, type FetchLike } from './_shared/http';
import { toPostHogEvent } from './_shared/posthog-payload';

export interface PostHogDirectOptions {
  apiKey?: string;
  /**
   * 
   * @default `https://us.i.posthog.com`
   */
  host?: string;
  /**
   * Events per request.
   * @default 1000
   */
  batchSize?: number;
  flushIntervalMs?: number;
  /**
   * 
   * @default 64 MiB held (on Node, waiting batches are held gzip-compressed); overflow drops the oldest (`queue_overflow`)
   */
  maxQueueBytes?: number;
  /**
   * Attempts per batch (HTTP).
   * @default 10
   */
  maxAttempts?: number;
  /**
   * Per-request timeout in ms.
   * @default 10000
   */
  timeoutMs?: number;
  /**
   * Requests in flight at once.
   * @default 4
   */
  concurrency?: number;
  /**
   * First retry delay ceiling in ms (doubles each attempt, full jitter).
   * @default 500
   */
  retryBaseMs?: number;
  /**
   * Largest retry delay in ms.
   * @default 30000
   */
  retryMaxMs?: number;
  /**
   * The fetch used for requests.
   * @default globalThis.fetch
   */
  fetch?: FetchLike;
}

export interface PostHogDirectRuntime {
  /** Node passes zlib's gzip; without it bodies go uncompressed. */
  gzip?: (text: string) => Promise<Uint8Array>;
  now?: () => Date;
  /** How waiting batches are held (Node: gzip-compressed). */
  batches?: () => BatchStore;
}

/**
 * PostHog without posthog-node: the same gzip JSON body posthog-node sends to `/batch/`, from
 * trackplan's own batching queue (bounded by bytes, retried with backoff, several requests in flight).
 */
export function posthogDirectDestination(options: PostHogDirectOptions, runtime: PostHogDirectRuntime = {}): DestinationFactory {
  checkPostHogKey(options.apiKey, 'apiKey', 'posthog');
  checkQueueSettings(options, 'posthog');
  const host = assertHttpUrl(options.host ?? 'https://us.i.posthog.com', 'host', 'posthog').replace(/\/+$/, '');
  const url = `${host}/batch/`;
  const fetchImpl = options.fetch ?? defaultFetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = runtime.now ?? (() => new Date());
  const prefix = `{"api_key":${JSON.stringify(options.apiKey)},"batch":[`;

  return (reporter) => {
    const queue = new BatchQueue(
      queueOptions(options, { batchSize: 1000, maxBatchBytes: 16 * 1024 * 1024 }, async (events, _count, signal) => {
        // sent_at is the time of this attempt (PostHog corrects clock skew with it), so the body is built now.
        const json = `${prefix}${events}],"sent_at":"${now().toISOString()}"}`;
        const body = runtime.gzip ? await runtime.gzip(json) : json;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (runtime.gzip) headers['content-encoding'] = 'gzip';
        return postOnce(fetchImpl, url, headers, body, timeoutMs, signal, 'posthog');
      }, runtime.batches),
      reporter,
    );
    return {
      name: 'posthog',
      send: (message) => queue.enqueue(message, JSON.stringify(toPostHogEvent(message))),
      post: (message) => void queue.post(JSON.stringify(toPostHogEvent(message))),
      pending: () => queue.pending(),
      flush: () => queue.flush(),
      shutdown: (timeoutMs) => queue.shutdown(timeoutMs),
    };
  };
}
