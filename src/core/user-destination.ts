import { TrackplanConfigError } from './errors';
import type { DropReason, DeliveryOutcome, DeliveryReporter, Destination, DestinationEntry, ReportingDestination } from './types';
import { waitAtMost } from './wait';

const DELIVERED: DeliveryOutcome = { delivered: true };

/** A `send` whose promise has not settled yet: booked once, by the send or by the shutdown deadline. */
interface InFlight {
  settled: boolean;
  done: Promise<DeliveryOutcome>;
  resolve(outcome: DeliveryOutcome): void;
}

const isThenable = (value: unknown): value is PromiseLike<unknown> => typeof (value as PromiseLike<unknown> | null)?.then === 'function';

/** The `destinations` option's entry, checked at construction: a factory (built-ins, `createHttpDestination`) or a `Destination`. */
export function checkedEntry(entry: unknown, index: number): DestinationEntry {
  if (typeof entry === 'function') return entry as DestinationEntry;
  const candidate = entry as Partial<Record<keyof Destination, unknown>> | null;
  const problem =
    !candidate || typeof candidate !== 'object'
      ? `got ${entry === null ? 'null' : typeof entry}`
      : typeof candidate.name !== 'string' || candidate.name === ''
        ? 'its name must be a non-empty string'
        : typeof candidate.send !== 'function'
          ? 'it has no send(message) function'
          : (['flush', 'shutdown', 'setConsent', 'reset'] as const).filter((hook) => candidate[hook] !== undefined && typeof candidate[hook] !== 'function').map((hook) => `${hook} must be a function`)[0];
  if (problem) throw new TrackplanConfigError(`destinations[${index}] must be a destination, an object { name, send(message) } (${problem}).`);
  return entry as Destination;
}

/**
 * A `Destination` written against the simple contract, given the books the router needs: its
 * outcomes (returned, resolved, thrown or rejected) become the reporter's counts, what it has not
 * settled is its `pending`, and missing hooks do nothing. A `send` that returns synchronously costs
 * no promise on the `post` path.
 */
export function bookedDestination(destination: Destination, reporter: DeliveryReporter): ReportingDestination {
  const inFlight = new Set<InFlight>();

  const fail = (error: unknown): DeliveryOutcome => {
    reporter.dropped('destination_error', 1, error);
    return { delivered: false, reason: 'destination_error', error };
  };
  const book = (result: unknown): DeliveryOutcome => {
    const outcome = result as { delivered?: unknown; reason?: unknown; error?: unknown } | undefined;
    if (outcome === undefined || outcome?.delivered === true) {
      reporter.delivered(1);
      return DELIVERED;
    }
    if (outcome !== null && typeof outcome === 'object' && outcome.delivered === false) {
      if (typeof outcome.reason !== 'string' || outcome.reason.length === 0) {
        reporter.dropped('destination_dropped', 1, outcome.error);
        return { delivered: false, reason: 'destination_dropped', error: outcome.error };
      }
      // A destination's own reason is counted as it names it (DestinationOutcome).
      const reason = outcome.reason as DropReason;
      reporter.dropped(reason, 1, outcome.error);
      return { delivered: false, reason, error: outcome.error };
    }
    return fail(new Error(`[trackplan] [${destination.name}] send() returned ${describeValue(result)}; return nothing or { delivered: true } when delivered, { delivered: false, reason } when dropped`));
  };
  const settle = (record: InFlight, decide: () => DeliveryOutcome) => {
    if (record.settled) return; // dropped at the shutdown deadline meanwhile: booked already
    record.settled = true;
    inFlight.delete(record);
    let outcome: DeliveryOutcome;
    try {
      outcome = decide();
    } catch (error) {
      outcome = fail(error);
    }
    record.resolve(outcome);
  };
  /** Sends one message: the outcome at once when `send` returned one, else a promise of it. */
  const start = (message: Parameters<Destination['send']>[0]): DeliveryOutcome | Promise<DeliveryOutcome> => {
    let result: unknown;
    try {
      result = destination.send(message);
      if (!isThenable(result)) return book(result);
    } catch (error) {
      return fail(error);
    }
    const record = { settled: false } as InFlight;
    record.done = new Promise<DeliveryOutcome>((resolve) => (record.resolve = resolve));
    inFlight.add(record);
    Promise.resolve(result).then(
      (value) => settle(record, () => book(value)),
      (error) => settle(record, () => fail(error)),
    );
    return record.done;
  };
  const unsettled = () => Promise.all(Array.from(inFlight, (record) => record.done));

  return {
    name: destination.name,
    accepts: destination.accepts,
    send: (message) => Promise.resolve(start(message)),
    post: (message) => void start(message),
    pending: () => inFlight.size,
    async flush() {
      const sending = unsettled();
      try {
        await destination.flush?.();
      } finally {
        await sending;
      }
    },
    async shutdown(timeoutMs) {
      let failed = false;
      let failure: unknown;
      // Without a shutdown hook, flushing is what there is to do before letting go.
      const closing = (async () => {
        try {
          await (destination.shutdown ? destination.shutdown(timeoutMs) : destination.flush?.());
        } catch (error) {
          failed = true;
          failure = error;
        }
        await unsettled();
      })();
      await waitAtMost(closing, timeoutMs);
      if (inFlight.size) {
        const count = inFlight.size;
        const outcome: DeliveryOutcome = { delivered: false, reason: 'shutdown_timeout', error: new Error(`[trackplan] [${destination.name}] ${count} message(s) unsettled at the shutdown deadline`) };
        for (const record of inFlight) settle(record, () => outcome);
        reporter.dropped('shutdown_timeout', count, outcome.error);
      }
      if (failed) throw failure;
    },
    setConsent: destination.setConsent ? (state) => destination.setConsent!(state) : undefined,
    reset: destination.reset ? () => destination.reset!() : undefined,
  };
}

function describeValue(value: unknown): string {
  try {
    return value === null || typeof value !== 'object' ? String(value) : JSON.stringify(value).slice(0, 80);
  } catch {
    return typeof value;
  }
}
