import type { Catalog, EventNameOf, GroupTypeOf, GroupsOf, PersonOf, PropsOf } from './catalog';
import type { TrackCallOptions } from './pipeline';

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
}

/** The module API of a generated client (`import { init, track } from './analytics'`). */
export interface GeneratedClient<C, T, O> {
  /** Creates the tracker with the options of `createTracker` for this runtime; calls made earlier run now. */
  init(options?: O): T;
  /** Tracks any event of the catalog, typed by its name. */
  track<const N extends EventNameOf<C>>(name: N, props: PropsOf<C, N>, options?: TrackCallOptions): void;
  /** Identifies the user and sets person traits. */
  identify(distinctId: string, traits?: Partial<PersonOf<C>>): void;
  /** Links a previous id to `distinctId`. */
  alias(distinctId: string, previousId: string): void;
  /** Sets a group's properties (browser: also puts the user in the group). */
  group<const G extends GroupTypeOf<C>>(groupType: G, groupKey: string, props?: Partial<GroupsOf<C>[G]>): void;
  /** Browser: forgets the user (a new anonymous id). Node: nothing to reset. */
  reset(): void;
  /** Resolves once every message so far is delivered or counted as dropped. */
  flush(): Promise<void>;
  /** Flushes, then stops the tracker. */
  shutdown(timeoutMs?: number): Promise<void>;
}

const EARLY_LIMIT = 1000;

/**
 * The runtime behind a generated client: one tracker made by `init()`, and calls made before it
 * waiting (at most 1000, the oldest dropped beyond that) until it exists.
 */
export function createGeneratedClient<C extends Catalog<any, any, any>, T, O>(catalog: C, createTracker: (catalog: C, options?: O) => T): GeneratedClient<C, T, O> {
  let tracker: AnyTracker | undefined;
  const early: ((t: AnyTracker) => void)[] = [];
  const run = (call: (t: AnyTracker) => void): void => {
    if (tracker) return call(tracker);
    early.push(call);
    if (early.length > EARLY_LIMIT) early.shift();
  };
  return {
    init(options) {
      const created = createTracker(catalog, options);
      tracker = created as unknown as AnyTracker;
      for (const call of early.splice(0)) call(tracker);
      return created;
    },
    track: (name, props, options) => run((t) => t.track(name, props, options)),
    identify: (distinctId, traits) => run((t) => t.identify(distinctId, traits)),
    alias: (distinctId, previousId) => run((t) => t.alias(distinctId, previousId)),
    group: (groupType, groupKey, props) => run((t) => (t.group ?? t.groupIdentify)!.call(t, groupType, groupKey, props)),
    reset: () => run((t) => t.reset?.()),
    flush: () => (tracker ? tracker.flush() : Promise.resolve()),
    shutdown: (timeoutMs) => (tracker ? tracker.shutdown(timeoutMs) : Promise.resolve()),
  };
}
