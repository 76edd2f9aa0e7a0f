import type { Catalog, EventNameOf, GroupTypeOf, GroupsOf, PersonOf, defineCompiledCatalog } from './catalog';
import { TrackplanError } from './errors';
import type { compileJsonSchema } from './json-schema';
import type { TrackCallOptions } from './pipeline';
import type { TrackArgs } from './typed';
import type { TrackerStats } from './types';
import { waitAtMost } from './wait';

/** What a generated client needs of a tracker: the Node one and the browser one both fit. */
interface AnyTracker {
  track(name: string, props?: unknown, options?: TrackCallOptions): void;
  identify(distinctId: string, traits?: unknown): void;
  alias(distinctId: string, alias: string): void;
  group?(groupType: string, groupKey: string, props?: unknown): void;
  groupIdentify?(groupType: string, groupKey: string, props?: unknown): void;
  reset?(): void;
  flush(): Promise<void>;
  shutdown(timeoutMs?: number): Promise<void>;
  stats(): TrackerStats;
}

/** What a generated client's `compileCatalog` is handed: the zod-free catalog builders. */
export interface CatalogCompiler {
  compileJsonSchema: typeof compileJsonSchema;
  defineCompiledCatalog: typeof defineCompiledCatalog;
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

/** The module API of a generated client (`import { init, track } from './analytics'`). */
export interface GeneratedClient<C, T, O> {
  /**
   * Creates the tracker with the options of `createTracker` for this runtime; calls made earlier run
   * then. Resolves with the tracker. On Node the tracker is made at once (a configuration mistake
   * throws here); in the browser the runtime is loaded with `import()` first, and a configuration
   * mistake or a failed load rejects the promise and reaches `onError`. Calling it again returns
   * the same promise (after a failure it tries again).
   */
  init(options?: O): Promise<T>;
  /** Tracks any event of the catalog, typed by its name; `props` may be left out when none is required. */
  track<const N extends EventNameOf<C>>(name: N, ...args: TrackArgs<C, N>): void;
  /** Identifies the user and sets person traits. */
  identify(distinctId: string, traits?: Partial<PersonOf<C>>): void;
  /** Links a previous id to `distinctId`. */
  alias(distinctId: string, previousId: string): void;
  /** Sets a group's properties (browser: also puts the user in the group). */
  group<const G extends GroupTypeOf<C>>(groupType: G, groupKey: string, props?: Partial<GroupsOf<C>[G]>): void;
  /** Browser: forgets the user (a new anonymous id). Node: nothing to reset. */
  reset(): void;
  /** Waits for the tracker if `init()` was called, then resolves once every message so far is delivered or counted as dropped. */
  flush(): Promise<void>;
  /** Waits (at most `timeoutMs`, default 5000) for the tracker if `init()` was called, then flushes and stops it. */
  shutdown(timeoutMs?: number): Promise<void>;
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
): GeneratedClient<C, T, O> {
  let tracker: AnyTracker | undefined;
  let starting: Promise<T> | undefined;
  let closed = false;
  let queue: Call[] = [];
  let onError: ErrorHandler;
  let unreported = 0;
  const calls = { tracked: 0, dropped: {} as Record<string, number> };

  const drop = (reason: string, count: number) => {
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
    return created;
  };
  const fail = (error: unknown) => {
    starting = undefined;
    report(error);
  };

  return {
    init(options) {
      if (starting) return starting;
      onError = (options as { onError?: ErrorHandler } | undefined)?.onError;
      reportOverflow();
      closed = false;
      const loaded = load();
      if (typeof (loaded as Promise<ClientRuntime>).then !== 'function') {
        starting = Promise.resolve(start(loaded as ClientRuntime, options));
        return starting;
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
    identify: (distinctId, traits) => run((t) => t.identify(distinctId, traits)),
    alias: (distinctId, previousId) => run((t) => t.alias(distinctId, previousId)),
    group: (groupType, groupKey, props) => run((t) => (t.group ?? t.groupIdentify)!.call(t, groupType, groupKey, props)),
    reset: () => run((t) => t.reset?.()),
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
      const dropped = { ...own?.dropped };
      for (const [reason, count] of Object.entries(calls.dropped)) dropped[reason] = (dropped[reason] ?? 0) + count;
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
