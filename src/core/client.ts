import type { Catalog, defineCompiledCatalog } from './catalog';
import { TrackplanConfigError, TrackplanError } from './trackplan-error';
import type { Tracker } from './typed';
import type { compileFlagPayload, compileJsonSchema } from './json-schema';
import type { TrackCallOptions } from './pipeline';
import type { DropCounts, DropReason, TrackerStats } from './types';
import { waitAtMost } from './wait';

/** What a generated client needs of a tracker: `Tracker` with names untyped (both runtimes fit). */
interface AnyTracker {
  track(name: string, props?: unknown, options?: TrackCallOptions): void;
  identify(distinctId: string, traits?: unknown, options?: unknown): void;
  alias(distinctId: string, alias: string): void;
  group(groupType: string, groupKey: string, props?: unknown, options?: unknown): void;
  reset(): void;
  optOut(): void;
  optIn(): void;
  isOptedOut(): boolean;
  flush(): Promise<void>;
  shutdown(timeoutMs?: number): Promise<void>;
  stats(): TrackerStats;
}

/** What a generated client's `compileCatalog` is handed: the zod-free catalog builders. */
export interface CatalogCompiler {
  compileJsonSchema: typeof compileJsonSchema;
  defineCompiledCatalog: typeof defineCompiledCatalog;
  /** Flag payload parsers (clients of catalogs with flags); absent in runtimes older than flags. */
  compileFlagPayload: typeof compileFlagPayload;
}

/** What a generated client's `flags` is built over: the tracker once it exists, and what waits for it. */
export interface ClientFlagsHost {
  /** The tracker, once init() made it. */
  tracker(): unknown;
  /** The options init() was given (the browser's `flags.bootstrap` is read from them before the tracker exists). */
  initOptions(): unknown;
  /** The tracker being made, if init() was called and has not finished. */
  starting(): Promise<unknown> | undefined;
  /** Runs `call` on the tracker, now or once it exists (queued like any call). */
  run(call: (tracker: any) => void): void;
  /** Calls `listener` once the tracker exists. */
  onTracker(listener: () => void): void;
}

/** The part of trackplan a generated client loads: the builders and the runtime's `createTracker`. */
export interface ClientRuntime extends CatalogCompiler {
  createTracker(catalog: any, options?: any): unknown;
}

/** Counters of a generated client: the tracker's, plus the calls still waiting for it. */
export interface GeneratedClientStats extends TrackerStats {
  /** Calls made before the tracker exists (before `init()`, or while its runtime loads). */
  queued: number;
}

/**
 * The module API of a generated client (`import { init, track } from './analytics'`): the `Tracker`
 * contract, typed by the catalog, plus `init()`. Calls made before the tracker exists wait for it.
 */
export interface GeneratedClient<C, T, O> extends Omit<Tracker<C>, 'stats' | 'isOptedOut'> {
  /**
   * The catalog's feature flags, as the runtime's tracker has them: in the browser `get`,
   * `isEnabled`, `payload`, `subscribe` (read from init()'s `flags.bootstrap` before the tracker has
   * loaded), on Node `evaluate()`. Absent in clients of catalogs without flags.
   */
  readonly flags: T extends { readonly flags: infer F } ? F : never;
  /**
   * Creates the tracker with the options of `createTracker` for this runtime; calls made earlier run
   * then. Always returns a promise of the tracker. A configuration mistake (or, in the browser, a
   * failed `import()` of the runtime) rejects it and also reaches `onError`. Calling it again with
   * the same options (or none) returns the same promise; with different options the first tracker is kept and
   * the mismatch is reported to `onError` (the first options stay in force). After a failure it
   * tries again.
   */
  init(options?: O): Promise<T>;
  /** Whether `optOut()` is in force (before the tracker exists: whether `optOut()` was called last). */
  isOptedOut(): boolean;
  /** The tracker's counters, plus calls still queued and those the queue had to drop (`client_queue_overflow`). */
  stats(): GeneratedClientStats;
}

/** Calls kept while there is no tracker yet; beyond this the oldest are dropped and counted. */
export const CLIENT_QUEUE_LIMIT = 1000;

type Call = (t: AnyTracker) => void;
type ErrorHandler = ((error: unknown) => void) | undefined;

/**
 * The runtime behind a generated client, the PostHog-snippet pattern: typed functions that queue
 * their calls (at most 1000; the oldest beyond that are dropped, counted `client_queue_overflow` in
 * `stats()` and reported to `onError`) until `init()` has the runtime and made the one tracker.
 * `load` hands the runtime over at once (Node) or as a promise (the browser's `import()`), so a page
 * carries only this and the typed functions up front.
 */
export function createClient<C extends Catalog<any, any, any>, T, O>(
  compileCatalog: (compiler: CatalogCompiler) => C,
  load: () => ClientRuntime | Promise<ClientRuntime>,
  flagsOver?: (host: ClientFlagsHost) => unknown,
): GeneratedClient<C, T, O> {
  let tracker: AnyTracker | undefined;
  let starting: Promise<T> | undefined;
  let closed = false;
  let queue: Call[] = [];
  let onError: ErrorHandler;
  let unreported = 0;
  let initOptions: O | undefined;
  let optedOut = false;
  const calls = { tracked: 0, dropped: {} as DropCounts };
  const trackerListeners: (() => void)[] = [];

  const drop = (reason: DropReason, count: number) => {
    if (!count) return;
    calls.tracked += count;
    calls.dropped[reason] = (calls.dropped[reason] ?? 0) + count;
  };
  const report = (error: unknown) => {
    try {
      if (onError) onError(error);
      else console.error(error);
    } catch {
      // A throwing onError must never reach the caller.
    }
  };
  const reportOverflow = () => {
    if (!unreported || !onError) return;
    report(new TrackplanError(`${unreported} call(s) made before the tracker was ready were dropped: at most ${CLIENT_QUEUE_LIMIT} wait (client_queue_overflow)`));
    unreported = 0;
  };
  /** Runs a call on the tracker; a queued call must not throw into whoever made the tracker ready. */
  const replay = (call: Call, t: AnyTracker) => {
    try {
      call(t);
    } catch (error) {
      report(error);
    }
  };
  const run = (call: Call): void => {
    if (tracker) return call(tracker);
    if (closed) return drop('shutdown', 1);
    queue.push(call);
    if (queue.length > CLIENT_QUEUE_LIMIT) {
      queue.shift();
      drop('client_queue_overflow', 1);
      unreported++;
      if (starting) reportOverflow();
    }
  };
  const start = (runtime: ClientRuntime, options: O | undefined): T => {
    const created = runtime.createTracker(compileCatalog(runtime), options) as T;
    tracker = created as unknown as AnyTracker;
    const waiting = queue;
    queue = [];
    for (const call of waiting) replay(call, tracker);
    for (const listener of trackerListeners.splice(0)) replay(listener, tracker);
    return created;
  };
  const fail = (error: unknown) => {
    starting = undefined;
    report(error);
  };

  const flags = flagsOver?.({
    tracker: () => tracker,
    initOptions: () => initOptions,
    starting: () => starting,
    run: (call) => run(call),
    onTracker: (listener) => (tracker ? listener() : void trackerListeners.push(listener)),
  });

  return {
    flags: flags as GeneratedClient<C, T, O>['flags'],
    init(options) {
      if (starting) {
        if (options !== undefined && !sameOptions(options, initOptions)) report(new TrackplanConfigError('init() was called again with different options; the tracker made by the first call keeps its options. Call init() once, with the options it needs.'));
        return starting;
      }
      initOptions = options;
      onError = (options as { onError?: ErrorHandler } | undefined)?.onError;
      reportOverflow();
      closed = false;
      let loaded: ClientRuntime | Promise<ClientRuntime>;
      try {
        loaded = load();
        if (typeof (loaded as Promise<ClientRuntime>).then !== 'function') {
          starting = Promise.resolve(start(loaded as ClientRuntime, options));
          return starting;
        }
      } catch (error) {
        // On Node the tracker is made at once: a configuration mistake rejects, as in the browser.
        fail(error);
        const rejected = Promise.reject(error) as Promise<T>;
        rejected.catch(() => {});
        return rejected;
      }
      starting = (loaded as Promise<ClientRuntime>).then(
        (runtime) => {
          try {
            return start(runtime, options);
          } catch (error) {
            fail(error);
            throw error;
          }
        },
        (error) => {
          const lost = queue.length;
          const failure = new TrackplanError(`the tracker could not be loaded${lost ? `; ${lost} queued call(s) wait for another init()` : ''}`, { cause: error });
          fail(failure);
          throw failure;
        },
      );
      // Awaiting init() is optional: the failure also reaches onError, so it is not left unhandled.
      starting.catch(() => {});
      return starting;
    },
    track: (name: string, props?: unknown, options?: TrackCallOptions) => {
      if (tracker) return tracker.track(name, props, options);
      // The event happened now, not when the runtime arrives.
      const given = options && typeof options === 'object' ? options : undefined;
      const stamped = given?.timestamp === undefined ? { ...given, timestamp: Date.now() } : given;
      run((t) => t.track(name, props, stamped));
    },
    identify: (distinctId, traits, options) => run((t) => t.identify(distinctId, traits, options)),
    alias: (distinctId, alias) => run((t) => t.alias(distinctId, alias)),
    group: (groupType, groupKey, props, options) => run((t) => t.group(groupType, groupKey, props, options)),
    reset: () => run((t) => t.reset()),
    optOut() {
      optedOut = true;
      run((t) => t.optOut());
    },
    optIn() {
      optedOut = false;
      run((t) => t.optIn());
    },
    isOptedOut: () => (tracker ? tracker.isOptedOut() : optedOut),
    async flush() {
      if (!tracker && starting) await starting.catch(() => {});
      if (tracker) await tracker.flush();
    },
    async shutdown(timeoutMs = 5000) {
      const started = Date.now();
      if (!tracker && starting) await waitAtMost(starting, timeoutMs);
      if (tracker) return tracker.shutdown(Math.max(0, timeoutMs - (Date.now() - started)));
      // No tracker to hand them to: what waits is counted, and later calls too, until init() again.
      closed = true;
      drop('shutdown', queue.length);
      queue = [];
    },
    stats() {
      const own = tracker?.stats();
      const dropped: DropCounts = { ...own?.dropped };
      for (const [reason, count] of Object.entries(calls.dropped) as [DropReason, number][]) dropped[reason] = (dropped[reason] ?? 0) + count;
      return {
        tracked: (own?.tracked ?? 0) + calls.tracked + queue.length,
        dropped,
        violations: own?.violations ?? 0,
        redactions: own?.redactions ?? 0,
        destinations: own?.destinations ?? {},
        queued: queue.length,
      };
    },
  };
}

/**
 * Options are the same when each key holds an equal value: callbacks count as equal (an app
 * re-rendering passes new closures), clients by identity, arrays and plain objects member by member.
 */
function sameOptions(a: unknown, b: unknown, depth = 0): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a === 'function' && typeof b === 'function') return true;
  if (depth > 3) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameOptions(x, b[i], depth + 1));
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (!sameOptions(a[key], b[key], depth + 1)) return false;
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}
