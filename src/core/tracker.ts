import type { GuardOptions } from './guards';
import { DEFAULT_SIZE_LIMITS } from './guards';
import { TrackplanConfigError, isTrackplanError } from './errors';
import {
  describeError,
  prepareAlias,
  prepareGroupIdentify,
  prepareIdentify,
  prepareTrack,
  type PipelineContext,
  type Prepared,
  type TrackCallOptions,
  type ValidationMode,
  violationToThrow,
} from './pipeline';
import { Router } from './router';
import type { DeliveryOutcome, DestinationEntry, DropCounts, DropReason, Message, RuntimeCatalog, RuntimeEventSpec, TrackerStats, Violation } from './types';

/** Options shared by the Node and browser trackers (and the outbox). */
export interface SharedTrackerOptions {
  /**
   * What to do with an event that breaks its schema.
   * - `'report'`: deliver it (unknown properties removed) and call `onViolation`.
   * - `'drop'`: do not deliver it; count it as dropped (`invalid`).
   * - `'throw'`: throw a `CatalogViolationError` (tests and development).
   * @default 'report'
   * @example validation: process.env.NODE_ENV === 'test' ? 'throw' : 'report'
   */
  validation?: ValidationMode;
  /**
   * PII and size guards.
   * @default { pii: 'redact', maxStringLength: 255, maxEventBytes: 32768 }
   */
  guards?: {
    /**
     * `'redact'` replaces personal data, `'drop-event'` drops the whole message, `'off'` skips the scan.
     * @default 'redact'
     */
    pii?: 'redact' | 'drop-event' | 'off';
    /**
     * Strings longer than this are cut.
     * @default 255
     */
    maxStringLength?: number;
    /**
     * Property names allowed to carry personal data in every event (events add their own `pii.allow`).
     * @default []
     * @example allow: ['billing_email']
     */
    allow?: string[];
    /**
     * Largest serialized event, in bytes; larger ones are dropped as `too_large`.
     * @default 32768
     */
    maxEventBytes?: number;
  };
  /**
   * Called for every rule a message broke, whatever was done about it. Never throws into track().
   * @default undefined (violations are counted in `stats().violations` only)
   */
  onViolation?: (violation: Violation) => void;
  /**
   * Called for every problem that is not a catalog violation. Delivery problems arrive as a
   * `DeliveryError` (`destination`, `reason`, `count`, `retrying`, the original failure as `cause`):
   * `retrying: false` when messages were dropped, `retrying: true` once per outage while a
   * destination retries (nothing lost yet).
   * @default undefined (problems are counted in `stats()` only)
   * @example onError: (error) => { if (error instanceof DeliveryError && !error.retrying) alert(error) }
   */
  onError?: (error: unknown) => void;
  /**
   * `true` logs what happens to each message through `console.debug`; or pass your own logger.
   * @default false
   */
  debug?: boolean | ((message: string) => void);
  /**
   * Validate and count, but send nothing.
   * @default false
   */
  disabled?: boolean;
  /**
   * Names this service in every envelope (`source`).
   * @default null
   * @example source: 'billing-service'
   */
  source?: string;
  /**
   * Handed the delivery promise of every message (Vercel's and Cloudflare's `waitUntil`), so a
   * serverless function is kept alive until its events are delivered.
   * @default undefined
   * @example waitUntil: (promise) => context.waitUntil(promise)
   */
  waitUntil?: (promise: Promise<unknown>) => void;
  /**
   * Your own destinations: objects `{ name, send(message) }` (see `Destination`), `createHttpDestination(…)`,
   * or `memoryDestination()` from `trackplan/testing`.
   * @default []
   */
  destinations?: DestinationEntry[];
}

export interface CoreRuntime {
  /** A new message id for the millisecond `ms` (Node: `createUuidV7`; the browser: `crypto.randomUUID`). */
  newId(ms: number): string;
  now(): number;
  library: { name: string; version: string };
  log(message: string): void;
  destinations: DestinationEntry[];
  /** Why nothing will be sent, for the debug log (e.g. no API key in the environment). */
  idleReason?: string;
  /**
   * Decides when a checked message may leave (the browser's consent): call `route` now, later, or
   * never and `drop(reason)` instead. Default: route at once.
   */
  admit?(route: () => Promise<void>, drop: (reason: DropReason) => void): Promise<void>;
}

export interface CoreTracker {
  track(name: string, props?: unknown, options?: TrackCallOptions): Promise<void>;
  /** Tracks one of trackplan's own events (the flag exposure): same guards, books and destinations. */
  trackBuiltin(spec: RuntimeEventSpec, props: Record<string, unknown>, options?: TrackCallOptions): Promise<void>;
  identify(distinctId: unknown, traits?: unknown, setOnce?: unknown): Promise<void>;
  alias(distinctId: unknown, alias: unknown): Promise<void>;
  group(groupType: unknown, groupKey: unknown, props?: unknown, distinctId?: string): Promise<void>;
  /** While opted out every message is dropped and counted as `opted_out`. */
  setOptedOut(optedOut: boolean): void;
  isOptedOut(): boolean;
  flush(): Promise<void>;
  shutdown(timeoutMs?: number): Promise<void>;
  stats(): TrackerStats;
  /** Reports a violation found outside the pipeline (e.g. in what posthog-js captured by itself). */
  reportViolation(violation: Violation): void;
  /** Reports an error found outside the pipeline; a throwing `onError` never reaches the caller. */
  reportError(error: unknown): void;
  readonly router: Router;
  readonly context: PipelineContext;
}

const DONE: Promise<void> = Promise.resolve();
const ignore = (): void => {};

/** The runtime-independent tracker: the pipeline, the books and the router. */
export function createCoreTracker(catalog: RuntimeCatalog, options: SharedTrackerOptions, runtime: CoreRuntime): CoreTracker {
  assertCatalog(catalog);
  const validation = validationModeFrom(options.validation);
  const context: PipelineContext = {
    catalog,
    validation,
    guards: guardOptionsFrom(options.guards),
    source: options.source ?? null,
    newId: runtime.newId,
    now: runtime.now,
    library: runtime.library,
  };
  const log = options.debug ? (typeof options.debug === 'function' ? options.debug : runtime.log) : undefined;
  const debug = (message: string) => {
    if (log) safely(() => log(`[trackplan] ${message}`));
  };
  const onError = (error: unknown) => {
    if (log) debug(`error: ${describeError(error)}`);
    if (options.onError) safely(() => options.onError!(error));
  };
  const onViolation = (violation: Violation) => {
    counters.violations++;
    if (violation.kind === 'pii' && violation.action === 'redacted') counters.redactions++;
    if (log) debug(`violation [${violation.event}] ${violation.kind}${violation.path ? ` at ${violation.path}` : ''}: ${violation.message} (${violation.action})`);
    if (options.onViolation) safely(() => options.onViolation!(violation));
  };
  const router = new Router([...runtime.destinations, ...(options.destinations ?? [])], { onError, onViolation, debug, debugEnabled: Boolean(log) });
  const counters = { tracked: 0, violations: 0, redactions: 0, dropped: {} as DropCounts };
  let closed = false;
  let optedOut = false;
  if (router.names.length === 0) debug(`no destination is configured${runtime.idleReason ? ` (${runtime.idleReason})` : ''}: messages are validated and counted, not sent`);

  const drop = (reason: DropReason) => {
    counters.dropped[reason] = (counters.dropped[reason] ?? 0) + 1;
  };

  /** The one path every message takes after its pure preparation. */
  function dispatch<M extends Message>(prepared: Prepared<M>, only?: readonly string[]): Promise<void> {
    for (const violation of prepared.violations) onViolation(violation);
    const thrown = violationToThrow(validation, prepared);
    if (!prepared.ok) {
      drop(prepared.reason);
      if (log) debug(`dropped ${prepared.error.message}`);
      if (thrown) throw thrown;
      return DONE;
    }
    if (thrown) {
      drop('invalid');
      throw thrown;
    }
    if (closed) return dropWith('shutdown');
    if (optedOut) return dropWith('opted_out');
    if (options.disabled) return dropWith('disabled');
    const targets = router.select(prepared.message, only);
    if (targets.length === 0) return dropWith('no_destination');
    // Outcomes are awaited only for the debug log and waitUntil; otherwise the message is posted
    // (no promise chain per message: a burst costs its bytes) and outcomes reach the books alone.
    const message = prepared.message;
    const route = log
      ? () => router.route(message, targets).then(logOutcomes(message))
      : options.waitUntil
        ? () => router.route(message, targets).then(ignore)
        : () => (router.post(message, targets), DONE);
    const delivery = runtime.admit ? runtime.admit(route, drop) : route();
    if (options.waitUntil) safely(() => options.waitUntil!(delivery));
    return delivery;
  }

  function dropWith(reason: DropReason): Promise<void> {
    drop(reason);
    return DONE;
  }

  const logOutcomes = (message: Message) => (outcomes: DeliveryOutcome[]) => {
    if (!log) return;
    const failed = outcomes.filter((o) => !o.delivered).length;
    debug(`${message.type} ${message.type === 'track' ? message.envelope.event : ''} ${message.uuid}: ${outcomes.length - failed} delivered, ${failed} dropped`);
  };

  /** Counts the call, and turns anything unexpected into an error report instead of a throw. */
  function entry(run: () => Promise<void>): Promise<void> {
    counters.tracked++;
    try {
      return run();
    } catch (error) {
      if (validation === 'throw' && isViolationError(error)) throw error;
      drop('internal_error');
      onError(error);
      return DONE;
    }
  }

  return {
    router,
    context,
    reportViolation: onViolation,
    reportError: onError,
    track: (name, props, callOptions) =>
      entry(() => {
        const prepared = prepareTrack(context, name, props, callOptions);
        const only = prepared.ok ? catalog.events[prepared.message.envelope.event].destinations : undefined;
        return dispatch(prepared, only);
      }),
    trackBuiltin: (spec, props, callOptions) => entry(() => dispatch(prepareTrack(context, spec.name, props, callOptions, spec))),
    identify: (distinctId, traits, setOnce) => entry(() => dispatch(prepareIdentify(context, distinctId, traits, setOnce))),
    alias: (distinctId, alias) => entry(() => dispatch(prepareAlias(context, distinctId, alias))),
    group: (groupType, groupKey, props, distinctId) => entry(() => dispatch(prepareGroupIdentify(context, groupType, groupKey, props, distinctId))),
    setOptedOut(value) {
      optedOut = value;
    },
    isOptedOut: () => optedOut,
    flush: () => router.flush(),
    async shutdown(timeoutMs = 5000) {
      closed = true;
      await router.shutdown(timeoutMs);
    },
    stats: () => ({
      tracked: counters.tracked,
      dropped: { ...counters.dropped },
      violations: counters.violations,
      redactions: counters.redactions,
      destinations: router.stats(),
    }),
  };
}

function isViolationError(error: unknown): boolean {
  return isTrackplanError(error) && error.name === 'CatalogViolationError';
}

/** The `validation` option, checked (shared with the outbox). */
export function validationModeFrom(validation: SharedTrackerOptions['validation'] = 'report'): ValidationMode {
  if (!['report', 'drop', 'throw'].includes(validation))
    throw new TrackplanConfigError(`validation must be 'report', 'drop' or 'throw' (got ${JSON.stringify(validation)}).`);
  return validation;
}

/** The guard settings from the user's options, checked (shared with the outbox). */
export function guardOptionsFrom(guards: SharedTrackerOptions['guards'] = {}): GuardOptions {
  const pii = guards.pii ?? 'redact';
  if (!['redact', 'drop-event', 'off'].includes(pii)) throw new TrackplanConfigError(`guards.pii must be 'redact', 'drop-event' or 'off' (got ${JSON.stringify(pii)}).`);
  const maxStringLength = guards.maxStringLength ?? DEFAULT_SIZE_LIMITS.maxStringLength;
  if (!Number.isInteger(maxStringLength) || maxStringLength < 1) throw new TrackplanConfigError(`guards.maxStringLength must be a positive integer (got ${JSON.stringify(maxStringLength)}).`);
  const maxEventBytes = guards.maxEventBytes ?? 32 * 1024;
  if (!Number.isInteger(maxEventBytes) || maxEventBytes < 256) throw new TrackplanConfigError(`guards.maxEventBytes must be an integer of at least 256 (got ${JSON.stringify(maxEventBytes)}).`);
  if (guards.allow !== undefined && (!Array.isArray(guards.allow) || guards.allow.some((key) => typeof key !== 'string')))
    throw new TrackplanConfigError('guards.allow must be an array of property names.');
  return { pii, limits: { ...DEFAULT_SIZE_LIMITS, maxStringLength }, allow: new Set(guards.allow ?? []), maxEventBytes };
}

function assertCatalog(catalog: RuntimeCatalog): void {
  if (!catalog || typeof catalog !== 'object' || typeof catalog.events !== 'object' || typeof catalog.name !== 'string')
    throw new TrackplanConfigError('createTracker(catalog, options): the first argument must be a catalog from defineCatalog() (or a generated client).');
}

function safely(call: () => void): void {
  try {
    call();
  } catch {
    // A throwing user callback must never reach the host's track() call.
  }
}
