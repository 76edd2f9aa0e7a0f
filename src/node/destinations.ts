import { createRequire } from 'node:module';
import { gunzipSync, gzip, gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { TrackplanConfigError } from '../core/errors';
import type { DestinationFactory } from '../core/types';
import { packedBatches } from '../destinations/_shared/packed-batches';
import { posthogNodeDestination, type PostHogNodeOptions } from '../destinations/posthog-node';
import { posthogDirectDestination } from '../destinations/posthog-direct';
import { webhookDestination, type WebhookOptions } from '../destinations/webhook';
import { signWebhookBody } from './webhook-signature';

export interface NodeDestinationOptions {
  /** PostHog through posthog-node: `{ apiKey, host }`, or `{ client }` to reuse your instance. */
  posthog?: PostHogNodeOptions;
  /** A JSON webhook: `{ url, secret, headers }`. */
  webhook?: WebhookOptions;
}

const requireFromHere = createRequire(import.meta.url);
const gzipAsync = promisify(gzip);

/**
 * How Node holds waiting batches: gzip at level 1 (about 1 µs per 390-byte envelope, a tenth of the
 * bytes; level 6 saves a further 7% for twice the time). The result is copied when zlib hands back a
 * slice of a larger buffer, so the bytes counted against the queue bound are the bytes held.
 */
const gzipBatches = packedBatches({
  pack(bytes) {
    const out = gzipSync(bytes, { level: 1 });
    return out.byteLength === out.buffer.byteLength ? out : new Uint8Array(out);
  },
  unpack: (bytes) => gunzipSync(bytes).toString('utf8'),
});

/** posthog-node is an optional peer: load it only when PostHog is configured. */
function loadPostHogConstructor(): unknown {
  try {
    return (requireFromHere('posthog-node') as { PostHog: unknown }).PostHog;
  } catch (error) {
    throw new TrackplanConfigError(
      '[posthog] Cannot import `posthog-node`. Install it (npm i posthog-node), pass `posthog: { client }`, or use `posthog: { transport: "direct" }`.',
      { cause: error },
    );
  }
}

/** The destination factories for Node: the same code for the tracker and the outbox dispatcher. */
export function nodeDestinations(options: NodeDestinationOptions): DestinationFactory[] {
  const factories: DestinationFactory[] = [];
  if (options.posthog) {
    const posthog = options.posthog;
    if (posthog.transport === 'direct') {
      factories.push(posthogDirectDestination(posthog, { gzip: async (text: string) => new Uint8Array(await gzipAsync(text)), batches: gzipBatches }));
    } else {
      const PostHog = posthog.client ? undefined : loadPostHogConstructor();
      factories.push(posthogNodeDestination(posthog, { PostHog: PostHog as never, batches: gzipBatches }));
    }
  }
  if (options.webhook) {
    factories.push(webhookDestination(options.webhook, { sign: signWebhookBody, batches: gzipBatches }));
  }
  return factories;
}
