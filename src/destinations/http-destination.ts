import type { DeliveryOutcome, DestinationFactory, Message } from '../core/types';
import { BatchQueue, queueOptions, type BatchStore, type QueueSettings } from './_shared/batch-queue';
import { defaultFetch, postOnce, type FetchLike } from './_shared/http';
import type { HttpDestinationOptions } from './_shared/http-options';

export type { HttpDestinationOptions } from './_shared/http-options';

/** What the runtime entry sets: how batches are held, and the page's keepalive requests. */
export interface HttpDestinationRuntime {
  /** Node: gzip-compressed batches. */
  batches?: () => BatchStore;
  /** Browser: requests outlive the page (fetch `keepalive`). */
  keepalive?: boolean;
  maxBatchBytes?: number;
  maxQueueBytes?: number;
}

const jsonArray = (events: string) => `[${events}]`;

/**
 * An HTTP destination of your own, on the webhook's machinery: batches bounded by count and bytes,
 * several requests in flight, retries with exponential backoff and full jitter (network errors,
 * timeouts, 408, 429, 5xx; a `Retry-After` wins), a queue bounded by bytes (overflow drops the
 * oldest, counted `queue_overflow`), and exact books: every message is delivered or dropped with a reason.
 * Takes options already checked (`checkHttpOptions`, which gives the normalised `url`): the page
 * checks them up front and loads this module with import().
 */
export function httpDestination(options: HttpDestinationOptions, runtime: HttpDestinationRuntime = {}): DestinationFactory {
  const { name, url } = options;
  const headersOption = options.headers;
  const accepts = options.accepts;
  const encode = options.encode;
  const body = options.body ?? jsonArray;
  const given = options.fetch ?? defaultFetch;
  const fetchImpl: FetchLike = runtime.keepalive ? (target, init) => given(target, { ...init, keepalive: true }) : given;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const fixedHeaders = typeof headersOption === 'function' ? undefined : { 'content-type': 'application/json', ...headersOption };
  const headersFor = (text: string): Record<string, string> => fixedHeaders ?? { 'content-type': 'application/json', ...(headersOption as (body: string) => Record<string, string>)(text) };
  const settings: QueueSettings = { ...options, maxQueueBytes: options.maxQueueBytes ?? runtime.maxQueueBytes };
  const maxBatchBytes = options.maxBatchBytes ?? runtime.maxBatchBytes ?? 1024 * 1024;
  /** The message's JSON, or undefined when `encode` skips it. */
  const payloadOf = (message: Message): string | undefined => {
    const value = encode(message);
    return value === undefined ? undefined : JSON.stringify(value);
  };

  return (reporter) => {
    const queue = new BatchQueue(
      queueOptions(settings, { batchSize: 500, maxBatchBytes }, (events, _count, signal) => {
        const text = body(events);
        return postOnce(fetchImpl, url, headersFor(text), text, timeoutMs, signal, name);
      }, runtime.batches),
      reporter,
    );
    const skip = (): DeliveryOutcome => {
      reporter.dropped('unsupported', 1);
      return { delivered: false, reason: 'unsupported' };
    };
    return {
      name,
      accepts,
      send(message) {
        const payload = payloadOf(message);
        return payload === undefined ? Promise.resolve(skip()) : queue.enqueue(message, payload);
      },
      post(message) {
        const payload = payloadOf(message);
        if (payload === undefined) skip();
        else queue.post(payload);
      },
      pending: () => queue.pending(),
      flush: () => queue.flush(),
      shutdown: (timeoutMs) => queue.shutdown(timeoutMs),
    };
  };
}
