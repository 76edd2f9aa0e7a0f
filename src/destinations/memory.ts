import type { DeliveryOutcome, Destination, DropReason, Envelope, Message, MessageType } from '../core/types';

export interface MemoryDestinationOptions {
  /** Default `'memory'`. Give it `'posthog'` or `'webhook'` to stand in for one in routing tests. */
  name?: string;
  /** Message types it takes. Default: all. */
  accepts?: readonly MessageType[];
  /** Return a reason to make the destination drop that message (fault tests). */
  fail?: (message: Message) => DropReason | undefined;
}

/** A destination that also exposes what it received. */
export interface MemoryDestination extends Destination {
  /** Every message delivered, in order. */
  readonly messages: Message[];
  /** The envelopes of delivered `track` messages. */
  readonly events: Envelope[];
  clear(): void;
}

/**
 * Records what a destination would receive, for your own tests:
 * `const memory = memoryDestination(); createTracker(catalog, { destinations: [memory] })`.
 * It is a plain `Destination`: the router keeps its books from what `send` returns.
 */
export function memoryDestination(options: MemoryDestinationOptions = {}): MemoryDestination {
  const messages: Message[] = [];
  const events: Envelope[] = [];
  return {
    name: options.name ?? 'memory',
    accepts: options.accepts,
    messages,
    events,
    send(message): DeliveryOutcome | undefined {
      const reason = options.fail?.(message);
      if (reason) return { delivered: false, reason };
      messages.push(message);
      if (message.type === 'track') events.push(message.envelope);
      return undefined;
    },
    clear() {
      messages.length = 0;
      events.length = 0;
    },
  };
}
