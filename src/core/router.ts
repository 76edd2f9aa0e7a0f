import { DeliveryError, TrackplanConfigError } from './errors';
import { describeError } from './pipeline';
import type { ConsentState, DeliveryOutcome, DeliveryReporter, DestinationEntry, DestinationStats, DropCounts, DropReason, Message, ReportingDestination, Violation } from './types';
import { bookedDestination, checkedEntry } from './user-destination';

export interface RouterHooks {
  onError(error: unknown): void;
  onViolation(violation: Violation): void;
  debug(message: string): void;
  /** Whether `debug` prints anything: messages are only formatted when it does. */
  debugEnabled?: boolean;
}

interface Slot {
  destination: ReportingDestination;
  routed: number;
  delivered: number;
  dropped: DropCounts;
  /** A retried failure was reported and no delivery has succeeded since: further retries stay quiet. */
  failing: boolean;
}

/**
 * Hands each message to the destinations that take it and keeps the per-destination books:
 * `routed == delivered + dropped + pending` at every moment. Every destination call goes through
 * here, so a faulty destination is counted and reported, never thrown into the caller.
 */
export class Router {
  private readonly slots: Slot[] = [];

  constructor(entries: readonly DestinationEntry[], private readonly hooks: RouterHooks) {
    entries.forEach((entry, index) => this.add(checkedEntry(entry, index)));
  }

  get names(): string[] {
    return this.slots.map((slot) => slot.destination.name);
  }

  get destinations(): ReportingDestination[] {
    return this.slots.map((slot) => slot.destination);
  }

  /** A factory (built-ins) keeps its own books through the reporter; a plain `Destination` gets them from its outcomes. */
  private add(entry: DestinationEntry): void {
    const slot = { routed: 0, delivered: 0, dropped: {}, failing: false } as Slot;
    const hooks = this.hooks;
    const reporter: DeliveryReporter = {
      delivered: (count) => {
        slot.delivered += count;
        if (count > 0) slot.failing = false;
      },
      dropped: (reason, count, error) => {
        slot.dropped[reason] = (slot.dropped[reason] ?? 0) + count;
        if (hooks.debugEnabled) hooks.debug(`[${slot.destination?.name}] dropped ${count} (${reason})${error ? `: ${describeError(error)}` : ''}`);
        if (error !== undefined) this.reportDelivery(slot, reason, count, false, error);
      },
      retrying: (reason, count, error) => {
        if (hooks.debugEnabled) hooks.debug(`[${slot.destination?.name}] retrying ${count} (${reason}): ${describeError(error)}`);
        // One report per outage, not one per attempt: the next comes after a delivery succeeded.
        if (slot.failing) return;
        slot.failing = true;
        this.reportDelivery(slot, reason, count, true, error);
      },
      adopted: (count) => {
        slot.routed += count;
      },
      error: (error, lost) => (lost ? this.reportDelivery(slot, lost.reason, lost.count, false, error) : hooks.onError(error)),
      debug: (message) => hooks.debug(`[${slot.destination?.name}] ${message}`),
      violation: (violation) => hooks.onViolation(violation),
    };
    slot.destination = typeof entry === 'function' ? entry(reporter) : bookedDestination(entry, reporter);
    if (this.slots.some((other) => other.destination.name === slot.destination.name))
      throw new TrackplanConfigError(`destinations: two destinations are named "${slot.destination.name}"; give each a unique name (memoryDestination({ name })).`);
    this.slots.push(slot);
  }

  /** The destinations a message goes to: those that accept its type, narrowed by the event's list. */
  select(message: Message, only?: readonly string[]): ReportingDestination[] {
    const chosen: ReportingDestination[] = [];
    for (const { destination } of this.slots) {
      if (destination.accepts && !destination.accepts.includes(message.type)) continue;
      if (only && !only.includes(destination.name)) continue;
      chosen.push(destination);
    }
    return chosen;
  }

  /** Sends to the chosen destinations; the promise settles when every one has an outcome. */
  route(message: Message, targets: readonly ReportingDestination[]): Promise<DeliveryOutcome[]> {
    const outcomes: Promise<DeliveryOutcome>[] = [];
    for (const destination of targets) {
      const slot = this.slots.find((s) => s.destination === destination)!;
      slot.routed++;
      outcomes.push(this.sendGuarded(slot, message));
    }
    return Promise.all(outcomes);
  }

  /** Like `route` when nobody waits for the outcomes: destinations that can skip the promise do. */
  post(message: Message, targets: readonly ReportingDestination[]): void {
    for (const destination of targets) {
      const slot = this.slots.find((s) => s.destination === destination)!;
      slot.routed++;
      if (!destination.post) {
        void this.sendGuarded(slot, message);
        continue;
      }
      try {
        destination.post(message);
      } catch (error) {
        slot.dropped.destination_error = (slot.dropped.destination_error ?? 0) + 1;
        this.reportDelivery(slot, 'destination_error', 1, false, error);
      }
    }
  }

  /** `onError` hears of delivery problems as `DeliveryError`s, the original failure their `cause`. */
  private reportDelivery(slot: Slot, reason: DropReason, count: number, retrying: boolean, cause: unknown): void {
    this.hooks.onError(new DeliveryError({ destination: slot.destination?.name ?? 'unknown', reason, count, retrying, cause }));
  }

  private sendGuarded(slot: Slot, message: Message): Promise<DeliveryOutcome> {
    const fail = (error: unknown): DeliveryOutcome => {
      slot.dropped.destination_error = (slot.dropped.destination_error ?? 0) + 1;
      this.reportDelivery(slot, 'destination_error', 1, false, error);
      return { delivered: false, reason: 'destination_error', error };
    };
    try {
      return Promise.resolve(slot.destination.send(message)).catch(fail);
    } catch (error) {
      return Promise.resolve(fail(error));
    }
  }

  stats(): Record<string, DestinationStats> {
    const out: Record<string, DestinationStats> = {};
    for (const slot of this.slots) {
      let pending = 0;
      try {
        pending = slot.destination.pending();
      } catch (error) {
        this.hooks.onError(error);
      }
      out[slot.destination.name] = { routed: slot.routed, delivered: slot.delivered, dropped: { ...slot.dropped }, pending };
    }
    return out;
  }

  async flush(): Promise<void> {
    await Promise.all(this.slots.map((slot) => this.guarded(() => slot.destination.flush())));
  }

  async shutdown(timeoutMs: number): Promise<void> {
    await Promise.all(this.slots.map((slot) => this.guarded(() => slot.destination.shutdown(timeoutMs))));
  }

  /** Passes consent on to every destination that follows it (the call is synchronous; a rejection is reported). */
  setConsent(state: ConsentState): void {
    for (const { destination } of this.slots) if (destination.setConsent) void this.guarded(() => destination.setConsent!(state));
  }

  /** Tells every destination that keeps identity to forget the current person. */
  reset(): void {
    for (const { destination } of this.slots) if (destination.reset) void this.guarded(() => destination.reset!());
  }

  /** Runs one destination hook: a throw or a rejection goes to onError, never to the caller. */
  private async guarded(call: () => unknown): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.hooks.onError(error);
    }
  }
}
