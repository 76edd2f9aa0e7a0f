import { TrackplanConfigError } from '../core/errors';
import type { DeliveryReporter, DestinationFactory, Message } from '../core/types';
import { BatchQueue, parseRetryAfter, queueOptions, type AttemptResult, type BatchStore } from './batch-queue';
import { assertHttpUrl, defaultFetch, type FetchLike } from './http';
import { capturePropertiesOf } from './posthog-payload';
import type { PostHogDirectOptions } from './posthog-direct';

/** The part of a posthog-node client trackplan calls. */
export interface PostHogLike {
  capture(event: { distinctId: string; event: string; properties?: Record<string, unknown>; groups?: Record<string, string>; timestamp?: Date; uuid?: string }): void;
  identify(data: { distinctId: string; properties?: Record<string, unknown> }): void;
  alias(data: { distinctId: string; alias: string }): void;
  groupIdentify(data: { groupType: string; groupKey: string; properties?: Record<string, unknown>; distinctId?: string }): void;
  flush(): Promise<void>;
  shutdown(timeoutMs?: number): Promise<void>;
}

type PostHogConstructor = new (apiKey: string, options: Record<string, unknown>) => PostHogLike;

export interface PostHogNodeOptions extends PostHogDirectOptions {
  /** Your own posthog-node instance. trackplan feeds it but does not shut it down. */
  client?: PostHogLike;
  /** `'client'` (default): through posthog-node. `'direct'`: trackplan's own `/batch/` transport. */
  transport?: 'client' | 'direct';
  /** Messages handed to posthog-node at a time, then flushed as one request. Default 500. A partial window waits up to `flushIntervalMs` (default 1000). */
  windowSize?: number;
  /** Further `new PostHog()` options (e.g. `{ disableGeoip: false }`). */
  options?: Record<string, unknown>;
}

/** A posthog-node call, as JSON: what the queue holds instead of the message object. */
type Call =
  | { c: 'capture'; distinctId: string; event: string; properties: Record<string, unknown>; groups?: Record<string, string>; timestamp: string; uuid: string }
  | { c: 'identify'; distinctId: string; properties: Record<string, unknown> }
  | { c: 'alias'; distinctId: string; alias: string }
  | { c: 'groupIdentify'; groupType: string; groupKey: string; properties: Record<string, unknown>; distinctId?: string };

function callOf(message: Message): Call {
  switch (message.type) {
    case 'track': {
      const { envelope } = message;
      return {
        c: 'capture',
        distinctId: envelope.distinct_id ?? envelope.uuid,
        event: envelope.event,
        properties: capturePropertiesOf(message),
        groups: Object.keys(envelope.groups).length ? envelope.groups : undefined,
        timestamp: envelope.timestamp,
        uuid: envelope.uuid,
      };
    }
    case 'identify':
      return { c: 'identify', distinctId: message.distinctId, properties: { $set: message.set, $set_once: message.setOnce } };
    case 'alias':
      return { c: 'alias', distinctId: message.distinctId, alias: message.alias };
    case 'groupIdentify':
      return { c: 'groupIdentify', groupType: message.groupType, groupKey: message.groupKey, properties: message.properties, distinctId: message.distinctId ?? undefined };
  }
}

function hand(client: PostHogLike, call: Call): void {
  switch (call.c) {
    case 'capture':
      return client.capture({ distinctId: call.distinctId, event: call.event, properties: call.properties, groups: call.groups, timestamp: new Date(call.timestamp), uuid: call.uuid });
    case 'identify':
      return client.identify({ distinctId: call.distinctId, properties: call.properties });
    case 'alias':
      return client.alias({ distinctId: call.distinctId, alias: call.alias });
    case 'groupIdentify':
      return client.groupIdentify({ groupType: call.groupType, groupKey: call.groupKey, properties: call.properties, distinctId: call.distinctId });
  }
}

/**
 * PostHog through the real posthog-node client, with flow control: posthog-node silently drops
 * the oldest events once its queue is full and retries at a fixed 3 s, so trackplan keeps its own
 * byte-bounded queue and hands posthog-node one window at a time (one request), retrying with
 * backoff in the fetch it gives the client. Every message settles once: delivered or dropped.
 * The queue holds each call serialized, and waiting windows compressed with `packedBatches`
 * (Node: gzip), not the message objects: a held event costs tens of bytes, not kilobytes of heap.
 */
export function posthogNodeDestination(options: PostHogNodeOptions, deps: { PostHog?: PostHogConstructor; batches?: () => BatchStore } = {}): DestinationFactory {
  const windowSize = options.windowSize ?? 500;
  const maxAttempts = options.maxAttempts ?? 10;
  const retryBaseMs = options.retryBaseMs ?? 500;
  const retryMaxMs = options.retryMaxMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const ownsClient = !options.client;
  if (ownsClient) {
    if (typeof options.apiKey !== 'string' || options.apiKey === '')
      throw new TrackplanConfigError('[posthog] apiKey is required (your project API key, "phc_…"), or pass { client } with your posthog-node instance.');
    if (!deps.PostHog) throw new TrackplanConfigError('[posthog] posthog-node is not available; install it or use { transport: "direct" }.');
  }
  const host = assertHttpUrl(options.host ?? 'https://us.i.posthog.com', 'posthog.host').replace(/\/+$/, '');

  return (reporter) => {
    let lastFailure: { reason: string; error: Error } | undefined;
    const fetchImpl = options.fetch ?? defaultFetch;
    const client =
      options.client ??
      new deps.PostHog!(options.apiKey!, {
        host,
        flushAt: windowSize,
        maxBatchSize: windowSize,
        maxQueueSize: windowSize * 2,
        flushInterval: 0,
        fetchRetryCount: 0,
        requestTimeout: timeoutMs,
        ...options.options,
        fetch: retryingFetch(fetchImpl, { maxAttempts, retryBaseMs, retryMaxMs, reporter, onFinalFailure: (f) => (lastFailure = f) }),
      });

    // One window in flight at a time (posthog-node's flush takes everything it holds), tried once
    // here: the retries happen inside the fetch handed to posthog-node.
    const queue = new BatchQueue(
      queueOptions(
        options,
        { batchSize: windowSize, maxBatchBytes: 16 * 1024 * 1024, concurrency: 1, maxAttempts: 1 },
        async (calls): Promise<AttemptResult> => {
          lastFailure = undefined;
          try {
            for (const call of JSON.parse(`[${calls}]`) as Call[]) hand(client, call);
            await client.flush();
          } catch (error) {
            const failure = error instanceof Error ? error : new Error(`[trackplan] [posthog] posthog-node rejected the batch: ${String(error)}`);
            const failed = lastFailure as { reason: string; error: Error } | undefined;
            return { ok: false, retry: false, reason: failed?.reason ?? 'posthog_error', error: failed?.error ?? failure };
          }
          const failed = lastFailure as { reason: string; error: Error } | undefined;
          return failed ? { ok: false, retry: false, reason: failed.reason, error: failed.error } : { ok: true };
        },
        deps.batches,
      ),
      reporter,
    );

    return {
      name: 'posthog',
      send: (message) => queue.enqueue(message, JSON.stringify(callOf(message))),
      post: (message) => queue.post(JSON.stringify(callOf(message))),
      pending: () => queue.pending(),
      flush: () => queue.flush(),
      async shutdown(ms) {
        await queue.shutdown(ms);
        if (ownsClient) await client.shutdown(Math.max(0, ms)).catch((error) => reporter.error(error));
      },
    };
  };
}

/**
 * The fetch handed to posthog-node: retries network errors, 408, 429 and 5xx with exponential
 * backoff and full jitter (honouring Retry-After), instead of posthog-node's fixed 3 s; the final
 * failure is answered as an HTTP error so posthog-node drops the batch from its queue (trackplan has
 * already counted it), rather than keeping it to resend behind our back.
 */
function retryingFetch(
  fetchImpl: FetchLike,
  settings: { maxAttempts: number; retryBaseMs: number; retryMaxMs: number; reporter: DeliveryReporter; onFinalFailure(f: { reason: string; error: Error }): void },
) {
  return async (url: string, init: { method: string; headers: Record<string, string>; body: string | Uint8Array; signal?: AbortSignal }) => {
    let last: { reason: string; error: Error; status: number } = { reason: 'network_error', error: new Error('not sent'), status: 503 };
    for (let attempt = 1; attempt <= settings.maxAttempts; attempt++) {
      let retryAfter: number | undefined;
      try {
        const response = await fetchImpl(url, init);
        if (response.status < 300 || (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429)) {
          if (response.status >= 300) settings.onFinalFailure({ reason: `http_${response.status}`, error: new Error(`[trackplan] [posthog] ${url} answered HTTP ${response.status}`) });
          return response;
        }
        last = { reason: `http_${response.status}`, error: new Error(`[trackplan] [posthog] ${url} answered HTTP ${response.status}`), status: response.status };
        retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      } catch (cause) {
        last = { reason: 'network_error', error: new Error(`[trackplan] [posthog] could not reach ${url}: ${String((cause as Error)?.message ?? cause)}`, { cause }), status: 503 };
      }
      if (attempt === settings.maxAttempts) break;
      settings.reporter.error(last.error);
      const ceiling = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** (attempt - 1));
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, retryAfter !== undefined ? Math.min(retryAfter, settings.retryMaxMs) : Math.random() * ceiling);
        (timer as { unref?: () => void }).unref?.();
      });
    }
    settings.onFinalFailure({ reason: 'retries_exhausted', error: last.error });
    return new Response(JSON.stringify({ error: last.reason }), { status: last.status >= 500 ? last.status : 503 });
  };
}
