import { createRequire } from 'node:module';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { TrackplanConfigError } from '../core/errors';
import type { DestinationFactory } from '../core/types';
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
      factories.push(posthogDirectDestination(posthog, { gzip: async (text: string) => new Uint8Array(await gzipAsync(text)) }));
    } else {
      const PostHog = posthog.client ? undefined : loadPostHogConstructor();
      factories.push(posthogNodeDestination(posthog, { PostHog: PostHog as never }));
    }
  }
  if (options.webhook) {
    factories.push(webhookDestination(options.webhook, { sign: signWebhookBody }));
  }
  return factories;
}
