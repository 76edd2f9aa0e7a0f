import type { Catalog, EventNameOf, PropsOf } from '../core/catalog';
import type { DeliveryOutcome, DestinationFactory, Envelope, Message, Violation } from '../core/types';
import { createTracker as createBrowserTracker, type BrowserTracker, type BrowserTrackerOptions } from '../browser/tracker';
import { createNodeTracker, type NodeTracker, type NodeTrackerOptions } from '../node/tracker';
import { fixedFlagsBootstrap, fixedFlagsSource, type TestFlagValues } from './flag-values';
import { mismatch, short } from './format';

/**
 * Options of `createTestTracker`: the Node tracker's, or the browser tracker's with `runtime: 'browser'`;
 * `flags` gives the flag values `tracker.flags` reads (the others read as their catalog default).
 */
export type TestTrackerOptions<C = any> =
  | ({ runtime?: 'node'; flags?: TestFlagValues<C> } & Omit<NodeTrackerOptions, 'flags'>)
  | ({ runtime: 'browser'; flags?: TestFlagValues<C> } & Omit<BrowserTrackerOptions, 'flags'>);

export interface TestTracker<C, T> {
  /** The real tracker (validation, guards, routing, books), delivering to memory. */
  tracker: T;
  /** The envelopes delivered, in order: one per tracked event, whatever destinations it is routed to. */
  readonly events: Envelope[];
  /** Every message delivered (track, identify, alias, groupIdentify), in order. */
  readonly messages: Message[];
  /** Every `onViolation` report (an event dropped as invalid is here, not in `events`). */
  readonly violations: Violation[];
  /** Every `onError` report. */
  readonly errors: unknown[];
  /**
   * Throws a plain `Error` (any test runner) listing what was tracked unless an event `name` was
   * delivered whose properties include `partialProps` (nested objects match partially, arrays
   * exactly). Returns the first matching envelope.
   */
  expectTracked<const N extends EventNameOf<C>>(name: N, partialProps?: Partial<PropsOf<C, N>>): Envelope;
  /** Forgets what was recorded (events, messages, violations, errors). */
  clear(): void;
}

/**
 * A tracker for your own tests: the real Node tracker (or the browser one with
 * `{ runtime: 'browser' }`) delivering to memory, with what it delivered and reported.
 * Events routed to named destinations (`destinations: ['posthog']` in the catalog) are recorded
 * too: a memory stand-in takes each name the catalog routes to, unless you configure it yourself.
 * @example
 * const { tracker, expectTracked } = createTestTracker(catalog);
 * await checkout(tracker);
 * expectTracked('order.paid', { amount: 49 });
 */
export function createTestTracker<C extends Catalog<any, any, any>>(catalog: C, options: { runtime: 'browser'; flags?: TestFlagValues<C> } & Omit<BrowserTrackerOptions, 'flags'>): TestTracker<C, BrowserTracker<C>>;
export function createTestTracker<C extends Catalog<any, any, any>>(catalog: C, options?: { runtime?: 'node'; flags?: TestFlagValues<C> } & Omit<NodeTrackerOptions, 'flags'>): TestTracker<C, NodeTracker<C>>;
export function createTestTracker<C extends Catalog<any, any, any>>(catalog: C, options: TestTrackerOptions<C> = {}): TestTracker<C, NodeTracker<C> | BrowserTracker<C>> {
  const events: Envelope[] = [];
  const messages: Message[] = [];
  const violations: Violation[] = [];
  const errors: unknown[] = [];
  const { runtime, flags, ...trackerOptions } = options;
  const given = flags as Record<string, unknown> | undefined;
  const sink = recordingSink(messages, events);
  const taken = new Set(['posthog', 'webhook', 'ga4'].filter((name) => (trackerOptions as Record<string, unknown>)[name]));
  const standIns = standInNames(catalog).filter((name) => !taken.has(name));
  const shared = {
    ...trackerOptions,
    destinations: [...standIns.map((name) => sink(name)), ...(trackerOptions.destinations ?? [])],
    onViolation: (violation: Violation) => {
      violations.push(violation);
      trackerOptions.onViolation?.(violation);
    },
    onError: (error: unknown) => {
      errors.push(error);
      trackerOptions.onError?.(error);
    },
  };
  const tracker =
    runtime === 'browser'
      ? createBrowserTracker(catalog, { ...(shared as BrowserTrackerOptions), flags: { bootstrap: fixedFlagsBootstrap(catalog, given) } })
      : createNodeTracker(catalog, shared as NodeTrackerOptions, undefined, fixedFlagsSource(catalog, given));

  return {
    tracker,
    events,
    messages,
    violations,
    errors,
    expectTracked(name, partialProps) {
      const named = events.filter((envelope) => envelope.event === name);
      const found = named.find((envelope) => !mismatch(envelope.properties, partialProps ?? {}));
      if (found) return found;
      throw new Error(describeMiss(name, partialProps, events, violations));
    },
    clear() {
      for (const list of [events, messages, violations, errors]) list.length = 0;
    },
  };
}

/** `memory`, plus every destination name the catalog routes an event to. */
function standInNames(catalog: Catalog<any, any, any>): string[] {
  const names = new Set(['memory']);
  for (const event of Object.values(catalog.events)) for (const name of event.destinations ?? []) names.add(name);
  return [...names];
}

/** Memory destinations under several names that record each message once (by uuid). */
function recordingSink(messages: Message[], events: Envelope[]): (name: string) => DestinationFactory {
  const seen = new Set<string>();
  return (name) => (reporter) => ({
    name,
    async send(message): Promise<DeliveryOutcome> {
      if (!seen.has(message.uuid)) {
        seen.add(message.uuid);
        messages.push(message);
        if (message.type === 'track') events.push(message.envelope);
      }
      reporter.delivered(1);
      return { delivered: true };
    },
    pending: () => 0,
    flush: async () => {},
    shutdown: async () => {},
  });
}

function describeMiss(name: string, partialProps: unknown, events: Envelope[], violations: Violation[]): string {
  const wanted = partialProps && Object.keys(partialProps).length ? ` with ${short(partialProps)}` : '';
  const lines = [`[trackplan] [testing] expected "${name}" to be tracked${wanted}, but it was not.`];
  if (events.length === 0) lines.push('Tracked: nothing.');
  else {
    lines.push(`Tracked (${events.length}):`);
    events.slice(0, 50).forEach((envelope, i) => {
      const differs = envelope.event === name ? mismatch(envelope.properties, partialProps ?? {}) : undefined;
      const why = differs ? `   <- ${differs.path || 'properties'}: expected ${short(differs.expected, 60)}, got ${short(differs.actual, 60)}` : '';
      lines.push(`  ${i + 1}. ${envelope.event} ${short(envelope.properties)}${why}`);
    });
    if (events.length > 50) lines.push(`  … and ${events.length - 50} more`);
  }
  const related = violations.filter((v) => v.event === name);
  if (related.length) {
    lines.push(`Violations of "${name}" (${related.length}):`);
    for (const v of related.slice(0, 20)) lines.push(`  - ${v.kind}${v.path ? ` at ${v.path}` : ''}: ${v.message} (${v.action})`);
  }
  return lines.join('\n');
}
