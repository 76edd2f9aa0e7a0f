import { checkPositiveInteger, checkPostHogKey, checkQueueSettings } from '../core/config-rules';
import { TrackplanConfigError } from '../core/errors';
import type { DestinationFactory, Message } from '../core/types';
import { BatchQueue, queueOptions, type AttemptResult, type BatchStore } from './_shared/batch-queue';
import type { Builtin, NodeEnv } from './_shared/builtin';
import { assertHttpUrl, defaultFetch, postOnce, type FetchLike } from './_shared/http';
import { capturePropertiesOf } from './_shared/posthog-payload';
import { posthogDirectDestination, type PostHogDirectOptions } from './posthog-direct';

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
  /**
   * A project secret key (`phs_…`) or personal API key (`phx_…`) for local flag evaluation: the
   * flags client then loads flag definitions and `tracker.flags.evaluate()` decides without a
   * request. Passed to posthog-node as `secretKey`; events never use it.
   */
  secretKey?: string;
  /** `'client'` (default): through posthog-node. `'direct'`: trackplan's own `/batch/` transport. */
  transport?: 'client' | 'direct';
  /** Messages handed to posthog-node at a time, then flushed as one request (with this transport it replaces `batchSize`). Default 500. A partial window waits up to `flushIntervalMs` (default 1000). */
  windowSize?: number;
  /**
   * Further `new PostHog()` options (e.g. `{ disableGeoip: false }`). Retries, timeouts and windows are
   * trackplan's (`maxAttempts`, `retryBaseMs`, `retryMaxMs`, `timeoutMs`, `windowSize`, `fetch`):
   * `fetch`, `fetchRetryCount`, `fetchRetryDelay`, `requestTimeout`, `flushAt`, `maxBatchSize` and
   * `maxQueueSize` here are refused.
   */
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
 * posthog-node settings trackplan owns, with what to set instead. Retries and timeouts have one
 * owner per request (two owners disagree on what became of a batch), and a window must leave as
 * one request that posthog-node neither splits nor trims.
 */
const OWNED_SETTINGS: Record<string, string> = {
  fetch: '`fetch`',
  fetchRetryCount: '`maxAttempts`',
  fetchRetryDelay: '`retryBaseMs` and `retryMaxMs`',
  requestTimeout: '`timeoutMs`',
  flushAt: '`windowSize`',
  maxBatchSize: '`windowSize`',
  maxQueueSize: '`windowSize` and `maxQueueBytes`',
};

/** How far posthog-node's own request timeout lies past trackplan's: a backstop that never fires first. */
const BACKSTOP_MS = 5_000;

/** One window handed to posthog-node: what aborts its request (the shutdown deadline) and what each request came to. */
interface Exchange {
  signal: AbortSignal;
  results: AttemptResult[];
}

/**
 * PostHog through the real posthog-node client, with flow control: posthog-node silently drops
 * the oldest events once its queue is full and retries at a fixed 3 s, so trackplan keeps its own
 * byte-bounded queue and hands posthog-node one window at a time (one request).
 *
 * One owner per request: trackplan's queue retries the window (backoff, jitter, Retry-After), the
 * fetch handed to posthog-node times the request out and tells trackplan what it came to, and
 * posthog-node tries once and only ever sees "accepted" or "refused", never a network error or a
 * timeout (on which it would keep the batch and resend it behind our back, after trackplan had
 * counted it dropped). Every message settles once: delivered or dropped.
 * The queue holds each call serialized, and waiting windows compressed with `packedBatches`
 * (Node: gzip), not the message objects: a held event costs tens of bytes, not kilobytes of heap.
 */
export function posthogNodeDestination(options: PostHogNodeOptions, deps: { PostHog?: PostHogConstructor; batches?: () => BatchStore } = {}): DestinationFactory {
  checkQueueSettings(options, 'posthog');
  const windowSize = options.windowSize === undefined ? 500 : checkPositiveInteger(options.windowSize, 'windowSize', 'posthog');
  const timeoutMs = options.timeoutMs ?? 10_000;
  const ownsClient = !options.client;
  if (ownsClient) {
    if (options.apiKey === undefined || options.apiKey === '')
      throw new TrackplanConfigError('[posthog] apiKey is required (your project API key, "phc_…"), or pass { client } with your posthog-node instance.');
    checkPostHogKey(options.apiKey, 'apiKey', 'posthog');
    if (!deps.PostHog) throw new TrackplanConfigError('[posthog] posthog-node is not available; install it or use { transport: "direct" }.');
    for (const key of Object.keys(options.options ?? {}))
      if (key in OWNED_SETTINGS)
        throw new TrackplanConfigError(`[posthog] options.${key} is trackplan's to set (it owns retries, timeouts and windows, so that its counts match what PostHog got); use the posthog ${OWNED_SETTINGS[key]} setting instead.`);
  }
  const host = assertHttpUrl(options.host ?? 'https://us.i.posthog.com', 'host', 'posthog').replace(/\/+$/, '');

  return (reporter) => {
    const fetchImpl = options.fetch ?? defaultFetch;
    let current: Exchange | undefined;

    /** The fetch handed to posthog-node: one timed request, its outcome kept for trackplan's books. */
    const sendOnce = async (url: string, init: { method: string; headers: Record<string, string>; body: string | Uint8Array | Blob; signal?: AbortSignal }) => {
      const exchange = current;
      // Anything else posthog-node sends (feature flags, say) is none of the window's business.
      if (!exchange || !url.endsWith('/batch/')) return fetchImpl(url, init as Parameters<FetchLike>[1]);
      const body = typeof init.body === 'string' || init.body instanceof Uint8Array ? init.body : new Uint8Array(await init.body.arrayBuffer());
      const result = await postOnce(fetchImpl, url, init.headers, body, timeoutMs, exchange.signal, 'posthog');
      exchange.results.push(result);
      // Refused is 400, never 413 (which posthog-node would split and resend): it drops the batch.
      return new Response(null, { status: result.ok ? 200 : 400 });
    };

    const client =
      options.client ??
      new deps.PostHog!(options.apiKey!, {
        host,
        flushInterval: 0,
        ...options.options,
        flushAt: windowSize,
        maxBatchSize: windowSize,
        maxQueueSize: windowSize * 2,
        fetchRetryCount: 0,
        requestTimeout: timeoutMs + BACKSTOP_MS,
        fetch: sendOnce,
      });

    // One window in flight at a time (posthog-node's flush takes everything it holds), as many
    // calls as posthog-node sends in one request.
    const queue = new BatchQueue(
      queueOptions(
        { ...options, batchSize: windowSize },
        { batchSize: windowSize, maxBatchBytes: 16 * 1024 * 1024, concurrency: 1 },
        async (calls, _count, signal): Promise<AttemptResult> => {
          const exchange: Exchange = { signal, results: [] };
          current = exchange;
          let failure: unknown;
          try {
            for (const call of JSON.parse(`[${calls}]`) as Call[]) hand(client, call);
            await client.flush();
          } catch (error) {
            failure = error;
          } finally {
            current = undefined;
          }
          const refused = exchange.results.find((result) => !result.ok);
          if (refused) return refused;
          if (exchange.results.length > 0 || failure === undefined) return { ok: true };
          // No request of ours answered (your own client, or posthog-node failed before sending):
          // whether it still holds the window is unknown, so it is not handed over again.
          const error = failure instanceof Error ? failure : new Error(String(failure));
          return { ok: false, retry: false, reason: 'posthog_error', error: new Error(`[trackplan] [posthog] posthog-node could not send the batch: ${error.message}`, { cause: failure }) };
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

/** The Node tracker's (and the outbox dispatcher's) `posthog` option: posthog-node, or `transport: 'direct'`. */
export const posthogForNode: Builtin<PostHogNodeOptions, NodeEnv> = {
  name: 'posthog',
  create(options, env) {
    if (options.transport === 'direct') return posthogDirectDestination(options, { gzip: env.gzip, batches: env.batches });
    return posthogNodeDestination(options, { PostHog: options.client ? undefined : (env.loadPostHog() as PostHogConstructor), batches: env.batches });
  },
  outbox: { maxAttempts: 2, retryBaseMs: 100 },
};
