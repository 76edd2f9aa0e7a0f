import { TrackplanConfigError } from '../core/errors';
import type { DeliveryOutcome, DeliveryReporter, DestinationFactory, Message } from '../core/types';
import { keepAlive, parseRetryAfter } from './batch-queue';
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
  /** Messages handed to posthog-node at a time, then flushed as one request. Default 500. */
  windowSize?: number;
  /** Further `new PostHog()` options (e.g. `{ disableGeoip: false }`). */
  options?: Record<string, unknown>;
}

interface Item {
  message: Message;
  bytes: number;
  resolve(outcome: DeliveryOutcome): void;
}

/**
 * PostHog through the real posthog-node client, with flow control: posthog-node silently drops
 * the oldest events once its queue is full and retries at a fixed 3 s, so trackplan keeps its own
 * byte-bounded queue and hands posthog-node one window at a time (one request), retrying with
 * backoff in the fetch it gives the client. Every message settles once: delivered or dropped.
 */
export function posthogNodeDestination(options: PostHogNodeOptions, deps: { PostHog?: PostHogConstructor } = {}): DestinationFactory {
  const windowSize = options.windowSize ?? 500;
  const maxQueueBytes = options.maxQueueBytes ?? 64 * 1024 * 1024;
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

    const queue: Item[] = [];
    let head = 0;
    let queuedBytes = 0;
    let inWindow: Item[] = [];
    let running: Promise<void> | undefined;
    let closed = false;

    const settle = (items: Item[], outcome: DeliveryOutcome) => {
      if (!items.length) return;
      for (const item of items) item.resolve(outcome);
      if (outcome.delivered) reporter.delivered(items.length);
      else reporter.dropped(outcome.reason, items.length, outcome.error);
    };

    const hand = (message: Message) => {
      switch (message.type) {
        case 'track': {
          const { envelope } = message;
          client.capture({
            distinctId: envelope.distinct_id ?? envelope.uuid,
            event: envelope.event,
            properties: capturePropertiesOf(message),
            groups: Object.keys(envelope.groups).length ? envelope.groups : undefined,
            timestamp: new Date(envelope.timestamp),
            uuid: envelope.uuid,
          });
          return;
        }
        case 'identify':
          return client.identify({ distinctId: message.distinctId, properties: { $set: message.set, $set_once: message.setOnce } });
        case 'alias':
          return client.alias({ distinctId: message.distinctId, alias: message.alias });
        case 'groupIdentify':
          return client.groupIdentify({ groupType: message.groupType, groupKey: message.groupKey, properties: message.properties, distinctId: message.distinctId ?? undefined });
      }
    };

    async function drain(): Promise<void> {
      while (head < queue.length) {
        inWindow = queue.slice(head, head + windowSize);
        head += inWindow.length;
        for (const item of inWindow) queuedBytes -= item.bytes;
        if (head > 4096 && head * 2 > queue.length) {
          queue.splice(0, head);
          head = 0;
        }
        lastFailure = undefined;
        let failure: unknown;
        try {
          for (const item of inWindow) hand(item.message);
          await client.flush();
        } catch (error) {
          failure = error ?? new Error('posthog-node rejected the batch');
        }
        const window = inWindow;
        inWindow = [];
        const failed = lastFailure as { reason: string; error: Error } | undefined;
        if (failure === undefined && !failed) settle(window, { delivered: true });
        else settle(window, { delivered: false, reason: failed?.reason ?? 'posthog_error', error: failed?.error ?? failure });
      }
      queue.length = 0;
      head = 0;
    }

    let overflowError: Error | undefined;
    const add = (message: Message, resolve: (outcome: DeliveryOutcome) => void) => {
      const item: Item = { message, bytes: estimateBytes(message), resolve };
      if (closed) return settle([item], { delivered: false, reason: 'shutdown' });
      queue.push(item);
      queuedBytes += item.bytes;
      while (queuedBytes > maxQueueBytes && queue.length - head > 1) {
        const oldest = queue[head];
        queue[head++] = undefined as unknown as Item; // a dropped message must not stay reachable
        queuedBytes -= oldest.bytes;
        overflowError ??= new Error(`[trackplan] [posthog] queue over ${maxQueueBytes} bytes: the oldest messages are being dropped`);
        settle([oldest], { delivered: false, reason: 'queue_overflow', error: overflowError });
      }
      void kick();
    };

    const kick = () => {
      if (!running) {
        running = new Promise<void>((resolve) => queueMicrotask(resolve))
          .then(drain)
          .finally(() => {
            running = undefined;
            if (head < queue.length) kick();
          });
      }
      return running;
    };

    return {
      name: 'posthog',
      send(message) {
        return new Promise<DeliveryOutcome>((resolve) => add(message, resolve));
      },
      post(message) {
        add(message, ignoreOutcome);
      },
      pending: () => queue.length - head + inWindow.length,
      async flush() {
        const release = keepAlive(); // retry back-offs use unref'd timers; an awaited flush must not exit early
        try {
          while (running || head < queue.length) await kick();
        } finally {
          release();
        }
      },
      async shutdown(ms) {
        closed = true;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const deadline = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), Math.max(0, ms));
        });
        const result = await Promise.race([this.flush().then(() => 'done' as const), deadline]);
        clearTimeout(timer);
        if (result === 'timeout') {
          const left = [...queue.slice(head), ...inWindow];
          queue.length = 0;
          head = 0;
          inWindow = [];
          settle(left, { delivered: false, reason: 'shutdown_timeout', error: new Error(`[trackplan] [posthog] ${left.length} message(s) undelivered at the shutdown deadline`) });
        }
        if (ownsClient) await client.shutdown(Math.max(0, ms)).catch((error) => reporter.error(error));
      },
    };
  };
}

const ignoreOutcome = (): void => {};

/** A rough serialized size, for the queue bound (no JSON.stringify on the hot path). */
function estimateBytes(message: Message): number {
  let bytes = 200;
  const props = message.type === 'track' ? message.envelope.properties : message.type === 'identify' ? message.set : message.type === 'groupIdentify' ? message.properties : {};
  for (const key in props) {
    const value = props[key];
    bytes += key.length + 4 + (typeof value === 'string' ? value.length + 2 : typeof value === 'object' && value !== null ? 64 : 8);
  }
  return bytes;
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
