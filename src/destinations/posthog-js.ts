import { checkHttpUrl, checkPostHogKey } from '../core/config-rules';
import { TrackplanConfigError } from '../core/errors';
import type { DeliveryOutcome, DestinationFactory, JsonValue, Message } from '../core/types';
import type { BrowserEnv, Builtin } from './_shared/builtin';
import { capturePropertiesOf } from './_shared/posthog-payload';

/** The public posthog-js methods trackplan uses; the snippet's queueing stub has all of them. */
export interface PostHogJsLike {
  capture(event: string, properties?: Record<string, unknown>, options?: { timestamp?: Date }): unknown;
  identify(distinctId: string, set?: Record<string, unknown>, setOnce?: Record<string, unknown>): unknown;
  alias(alias: string, original?: string): unknown;
  group(groupType: string, groupKey: string, properties?: Record<string, unknown>): unknown;
  reset(): unknown;
  set_config(config: Record<string, unknown>): unknown;
  opt_in_capturing(): unknown;
  opt_out_capturing(): unknown;
  get_distinct_id?(): string;
}

/** posthog-js's `before_send` argument (a CaptureResult). */
export interface CaptureResultLike {
  uuid: string;
  event: string;
  properties: Record<string, unknown>;
  $set?: Record<string, unknown>;
  $set_once?: Record<string, unknown>;
}

/** Carries trackplan's uuid through `capture()`, which takes none: `before_send` moves it into place. */
export const UUID_PROPERTY = '$trackplan_uuid';

export interface PostHogJsRuntime {
  /** Resolves the client: the given one, or posthog-js imported and initialised on demand. */
  client(): Promise<PostHogJsLike>;
}

/**
 * PostHog in the browser through the real posthog-js. posthog-js sends on its own schedule and
 * reports nothing back, so a message counts as delivered once posthog-js has accepted it.
 */
export function posthogJsDestination(runtime: PostHogJsRuntime): DestinationFactory {
  return (reporter) => {
    let pending = 0;
    const hand = (client: PostHogJsLike, message: Message) => {
      switch (message.type) {
        case 'track': {
          const properties: Record<string, JsonValue> = { ...capturePropertiesOf(message), [UUID_PROPERTY]: message.uuid };
          if (Object.keys(message.envelope.groups).length) properties.$groups = message.envelope.groups;
          client.capture(message.envelope.event, properties, { timestamp: new Date(message.envelope.timestamp) });
          return;
        }
        case 'identify':
          client.identify(message.distinctId, message.set, message.setOnce);
          return;
        case 'alias':
          // posthog-js: alias(newAlias, original) records `original` as the person's distinct id.
          client.alias(message.alias, message.distinctId);
          return;
        case 'groupIdentify':
          client.group(message.groupType, message.groupKey, message.properties);
          return;
      }
    };
    return {
      name: 'posthog',
      async send(message): Promise<DeliveryOutcome> {
        pending++;
        try {
          hand(await runtime.client(), message);
          reporter.delivered(1);
          return { delivered: true };
        } catch (error) {
          reporter.dropped('posthog_js_error', 1, error);
          return { delivered: false, reason: 'posthog_js_error', error };
        } finally {
          pending--;
        }
      },
      pending: () => pending,
      flush: async () => {},
      shutdown: async () => {},
      setConsent(state) {
        if (state === 'pending') return;
        void runtime.client().then((client) => (state === 'granted' ? client.opt_in_capturing() : client.opt_out_capturing()), (error) => reporter.error(error));
      },
      reset() {
        void runtime.client().then((client) => client.reset(), (error) => reporter.error(error));
      },
    };
  };
}

/**
 * The browser tracker's `posthog` option: `{ client: window.posthog }` when the snippet loaded it (its
 * queueing stub is fine), or `{ apiKey, host, options }` to have trackplan import and initialise posthog-js.
 */
export type PostHogBrowserOptions = { client: PostHogJsLike } | { apiKey: string; host?: string; options?: Record<string, unknown> };

export const posthogForBrowser: Builtin<PostHogBrowserOptions, BrowserEnv> = {
  name: 'posthog',
  create: (options, env) => posthogJsDestination({ client: posthogLoader(options, env) }),
};

/** The client, resolved once: the given one (its guard installed by createTracker) or posthog-js imported on demand. */
function posthogLoader(config: PostHogBrowserOptions, env: BrowserEnv): () => Promise<PostHogJsLike> {
  let ready: Promise<PostHogJsLike> | undefined;
  if ('client' in config) {
    const given = config.client;
    if (!given || typeof given.capture !== 'function') throw new TrackplanConfigError('[posthog] client must be a posthog-js instance (or the snippet\'s window.posthog).');
    env.onPostHogClient(given);
    // The snippet's stub is replaced by the real instance when array.js loads, and posthog-js never
    // reads the stub again: from then on calls go to window.posthog.
    const current = () => {
      const loaded = env.window?.posthog as PostHogJsLike | undefined;
      if (loaded && loaded !== given && isSnippetStub(given) && !isSnippetStub(loaded)) {
        env.onPostHogClient(loaded);
        return loaded;
      }
      return given;
    };
    return () => Promise.resolve(current());
  }
  checkPostHogKey(config.apiKey, 'apiKey', 'posthog');
  const host = config.host === undefined ? 'https://us.i.posthog.com' : checkHttpUrl(config.host, 'host', 'posthog').toString().replace(/\/+$/, '');
  return () =>
    (ready ??= import('posthog-js').then((module) => {
      const posthog = (module.default ?? module) as unknown as PostHogJsLike & { init(key: string, options: Record<string, unknown>): PostHogJsLike | undefined };
      const userBeforeSend = config.options?.before_send as ((e: CaptureResultLike | null) => CaptureResultLike | null) | undefined;
      const client =
        posthog.init(config.apiKey, {
          api_host: host,
          ...config.options,
          before_send: userBeforeSend ? (event: CaptureResultLike | null) => env.posthogBeforeSend(userBeforeSend(event)) : env.posthogBeforeSend,
        }) ?? posthog;
      env.onPostHogClient(client);
      return client;
    }));
}

/** The snippet's queueing stub: an array carrying the snippet version (`__SV`), not yet a posthog-js instance. */
function isSnippetStub(client: unknown): boolean {
  return Array.isArray(client) && '__SV' in client;
}
