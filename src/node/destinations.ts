import { createRequire } from 'node:module';
import { gunzipSync, gzip, gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { TrackplanConfigError } from '../core/errors';
import type { DestinationFactory } from '../core/types';
import type { NodeEnv } from '../destinations/_shared/builtin';
import { packedBatches } from '../destinations/_shared/packed-batches';
import { checkHttpOptions, type HttpDestinationOptions } from '../destinations/_shared/http-options';
import { httpDestination } from '../destinations/http-destination';
import { builtinDestinations, NODE_BUILTINS, type BuiltinOptions } from '../destinations/registry';
import { signWebhookBody } from './webhook-signature';

/** The Node tracker's built-in destination options (`posthog`, `webhook`), from the registry. */
export type NodeDestinationOptions = BuiltinOptions<typeof NODE_BUILTINS>;

const requireFromHere = createRequire(import.meta.url);
const gzipAsync = promisify(gzip);

/**
 * How Node holds waiting batches: gzip at level 1 (about 1 µs per 390-byte envelope, a tenth of the
 * bytes; level 6 saves a further 7% for twice the time). The result is copied when zlib hands back a
 * slice of a larger buffer, so the bytes counted against the queue bound are the bytes held.
 */
export const gzipBatches = packedBatches({
  pack(bytes) {
    const out = gzipSync(bytes, { level: 1 });
    return out.byteLength === out.buffer.byteLength ? out : new Uint8Array(out);
  },
  unpack: (bytes) => gunzipSync(bytes).toString('utf8'),
});

/** posthog-node is an optional peer: load it only when PostHog is configured. */
export function loadPostHogConstructor(): unknown {
  try {
    return (requireFromHere('posthog-node') as { PostHog: unknown }).PostHog;
  } catch (error) {
    throw new TrackplanConfigError(
      '[posthog] Cannot import `posthog-node`. Install it (npm i posthog-node), pass `posthog: { client }`, or use `posthog: { transport: "direct" }`.',
      { cause: error },
    );
  }
}

/** What Node gives its destinations: gzip, the webhook signer, posthog-node on demand. */
const nodeEnv: NodeEnv = {
  batches: gzipBatches,
  gzip: async (text) => new Uint8Array(await gzipAsync(text)),
  sign: signWebhookBody,
  loadPostHog: loadPostHogConstructor,
};

/**
 * The built-in destination factories for Node, from the registry: the same code for the tracker and
 * the outbox dispatcher (`'outbox'` adds the dispatcher's fast-fail retry settings).
 */
export function nodeDestinations(options: NodeDestinationOptions, use: 'tracker' | 'outbox' = 'tracker'): DestinationFactory[] {
  return builtinDestinations('node', NODE_BUILTINS, options as Record<string, unknown>, nodeEnv, use);
}

/**
 * Your own HTTP destination, on the webhook's machinery (batches bounded by count and bytes, retries
 * with backoff and `Retry-After`, a byte-bounded queue, waiting batches held gzip-compressed).
 * @example
 * const amplitude = createHttpDestination({
 *   name: 'amplitude',
 *   url: 'https://api2.amplitude.com/2/httpapi',
 *   accepts: ['track'],
 *   encode: (message) => (message.type === 'track' ? { event_type: message.envelope.event, user_id: message.envelope.distinct_id } : undefined),
 *   body: (events) => `{"api_key":${JSON.stringify(apiKey)},"events":[${events}]}`,
 * });
 * createTracker(catalog, { destinations: [amplitude] });
 */
export function createHttpDestination(options: HttpDestinationOptions): DestinationFactory {
  const { url } = checkHttpOptions(options);
  return httpDestination({ ...options, url }, { batches: gzipBatches });
}
