import { checkQueueSettings } from '../core/config-rules';
import { TrackplanConfigError } from '../core/errors';
import type { DestinationFactory } from '../core/types';
import type { BatchStore } from './_shared/batch-queue';
import type { Builtin, NodeEnv } from './_shared/builtin';
import { assertHttpUrl, type FetchLike } from './_shared/http';
import { toWebhookEnvelope } from './_shared/webhook-envelope';
import { httpDestination } from './http-destination';

export type { FetchLike } from './_shared/http';

export interface WebhookOptions {
  /** Where to POST `{ "events": [envelope, …] }`. */
  url: string;
  /** Signs each body: header `X-Trackplan-Signature: t=<unix>,v1=<hex hmac-sha256 of "t.body">`. */
  secret?: string;
  /** Extra request headers, e.g. `{ authorization: 'Bearer …' }`. */
  headers?: Record<string, string>;
  /**
   * Events per request.
   * @default 500
   */
  batchSize?: number;
  /**
   * How long a partial batch waits, in ms.
   * @default 1000
   */
  flushIntervalMs?: number;
  /**
   * Queue bound in bytes held; overflow drops the oldest, counted `queue_overflow`. Default 64 MiB.
   * On Node waiting batches are held gzip-compressed (about 35 bytes per envelope instead of 390).
   */
  maxQueueBytes?: number;
  /**
   * Attempts per batch.
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
   * 
   * @default `globalThis.fetch`
   */
  fetch?: FetchLike;
}

export interface WebhookRuntime {
  /** Node passes an HMAC signer; without one a `secret` is refused. */
  sign?: (body: string, secret: string) => string;
  /** How waiting batches are held (Node: gzip-compressed); bodies are still sent as plain JSON. */
  batches?: () => BatchStore;
}

/** The generic JSON webhook destination: batched, retried, bounded by bytes. Takes `track` messages only. */
export function webhookDestination(options: WebhookOptions, runtime: WebhookRuntime = {}): DestinationFactory {
  const url = assertHttpUrl(options?.url, 'url', 'webhook');
  checkQueueSettings(options, 'webhook');
  if (options.secret !== undefined && (typeof options.secret !== 'string' || options.secret === ''))
    throw new TrackplanConfigError('[webhook] secret must be a non-empty string.');
  if (options.secret && !runtime.sign) throw new TrackplanConfigError('[webhook] signing needs the Node entry (trackplan/node); a secret must never ship to a browser.');
  const { secret } = options;
  return httpDestination(
    {
      ...options,
      name: 'webhook',
      url,
      accepts: ['track'],
      encode: (message) => (message.type === 'track' ? toWebhookEnvelope(message.envelope) : undefined),
      body: (events) => `{"events":[${events}]}`,
      headers: secret ? (body) => ({ ...options.headers, 'x-trackplan-signature': runtime.sign!(body, secret) }) : options.headers,
      maxBatchBytes: 4 * 1024 * 1024,
    },
    { batches: runtime.batches },
  );
}

function assertUrl(value: unknown): string {
  try {
    return assertHttpUrl(value, 'webhook.url');
  } catch (error) {
    throw new TrackplanConfigError(`[webhook] url must be an http(s) URL (got ${JSON.stringify(value)}).`, { cause: error });
  }
}

/** The Node tracker's (and the outbox dispatcher's) `webhook` option. */
export const webhookForNode: Builtin<WebhookOptions, NodeEnv> = {
  name: 'webhook',
  create: (options, env) => webhookDestination(options, { sign: env.sign, batches: env.batches }),
  outbox: { maxAttempts: 2, retryBaseMs: 100, flushIntervalMs: 50 },
};
