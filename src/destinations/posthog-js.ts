import type { DeliveryOutcome, DestinationFactory, JsonValue, Message } from '../core/types';
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
