import type { DeliveryOutcome, DestinationFactory, Message, MessageType, ReportingDestination } from '../../core/types';
import { waitAtMost } from '../../core/wait';

/** Messages held while a destination's code loads; beyond this the oldest are dropped and counted. */
export const LAZY_HELD_LIMIT = 1000;

interface Held {
  message: Message;
  /** Set for `send` (someone awaits the outcome); absent for `post`. */
  done?: (outcome: DeliveryOutcome) => void;
}

/**
 * A destination whose code arrives by `import()`, so a page that never makes one never loads it.
 * Until it arrives, messages routed to it are held (at most 1000; the oldest beyond that are dropped
 * as `loading_overflow`) and counted as pending, then handed over in order. A failed load drops them
 * as `destination_unavailable`, reported to `onError`; so is what is still held at the shutdown deadline
 * (`shutdown_timeout`). Nothing is lost without being counted.
 */
export function lazyDestination(name: string, accepts: readonly MessageType[] | undefined, load: () => Promise<DestinationFactory>): DestinationFactory {
  return (reporter) => {
    let real: ReportingDestination | undefined;
    let unavailable: Error | undefined;
    let held: Held[] = [];

    /** Books the outcome of `items` once (onError hears of a failure once) and answers their senders. */
    const settle = (items: Held[], outcome: DeliveryOutcome) => {
      if (!items.length) return;
      if (outcome.delivered) reporter.delivered(items.length);
      else reporter.dropped(outcome.reason, items.length, outcome.error);
      for (const item of items) item.done?.(outcome);
    };
    const hold = (item: Held) => {
      if (unavailable) return settle([item], { delivered: false, reason: 'destination_unavailable' });
      held.push(item);
      if (held.length > LAZY_HELD_LIMIT) settle([held.shift()!], { delivered: false, reason: 'loading_overflow' });
    };
    /** Hands one held message to the loaded destination; a throw there (its encoder, say) is counted, not lost. */
    const handOver = (destination: ReportingDestination, item: Held) => {
      try {
        if (item.done) void destination.send(item.message).then(item.done);
        else if (destination.post) destination.post(item.message);
        else void destination.send(item.message);
      } catch (error) {
        settle([item], { delivered: false, reason: 'destination_error', error });
      }
    };

    const loading = load().then(
      (factory) => {
        const destination = factory(reporter);
        real = destination;
        const waiting = held;
        held = [];
        for (const item of waiting) handOver(destination, item);
      },
      (error) => {
        unavailable = new Error(`[trackplan] [${name}] its code could not be loaded (import() failed); the messages held for it are dropped`, { cause: error });
        const waiting = held;
        held = [];
        settle(waiting, { delivered: false, reason: 'destination_unavailable', error: unavailable });
      },
    );

    return {
      name,
      accepts,
      send(message) {
        if (real) return real.send(message);
        return new Promise<DeliveryOutcome>((done) => hold({ message, done }));
      },
      post(message) {
        if (!real) return hold({ message });
        if (real.post) real.post(message);
        else void real.send(message);
      },
      pending: () => (real ? real.pending() : held.length),
      async flush() {
        await loading;
        await real?.flush();
      },
      async shutdown(timeoutMs) {
        const started = Date.now();
        await waitAtMost(loading, timeoutMs);
        if (real) return real.shutdown(Math.max(0, timeoutMs - (Date.now() - started)));
        const left = held;
        held = [];
        settle(left, { delivered: false, reason: 'shutdown_timeout', error: new Error(`[trackplan] [${name}] ${left.length} message(s) held at the shutdown deadline: its code had not loaded`) });
      },
    };
  };
}
