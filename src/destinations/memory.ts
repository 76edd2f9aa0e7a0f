import type { DeliveryOutcome, DestinationFactory, DropReason, Envelope, Message, MessageType } from '../core/types';

export interface MemoryDestinationOptions {
  /** Default `'memory'`. Give it `'posthog'` or `'webhook'` to stand in for one in routing tests. */
  name?: string;
  /** Message types it takes. Default: all. */
  accepts?: readonly MessageType[];
  /** Return a reason to make the destination drop that message (fault tests). */
  fail?: (message: Message) => DropReason | undefined;
}

/** A destination factory that also exposes what it received. */
export interface MemoryDestination extends DestinationFactory {
  /** Every message delivered, in order. */
  readonly messages: Message[];
  /** The envelopes of delivered `track` messages. */
  readonly events: Envelope[];
  clear(): void;
}

/**
 * Records what a destination would receive, for your own tests:
 * `const memory = memoryDestination(); createTracker(catalog, { destinations: [memory] })`.
 */
export function memoryDestination(options: MemoryDestinationOptions = {}): MemoryDestination {
  const messages: Message[] = [];
  const events: Envelope[] = [];
  const factory: DestinationFactory = (reporter) => ({
    name: options.name ?? 'memory',
    accepts: options.accepts,
    async send(message): Promise<DeliveryOutcome> {
      const reason = options.fail?.(message);
      if (reason) {
        reporter.dropped(reason, 1);
        return { delivered: false, reason };
      }
      messages.push(message);
      if (message.type === 'track') events.push(message.envelope);
      reporter.delivered(1);
      return { delivered: true };
    },
    pending: () => 0,
    flush: async () => {},
    shutdown: async () => {},
  });
  return Object.assign(factory, {
    messages,
    events,
    clear() {
      messages.length = 0;
      events.length = 0;
    },
  });
}
