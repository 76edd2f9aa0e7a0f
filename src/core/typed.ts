import type { EventNameOf, GroupTypeOf, GroupsOf, PersonOf, PropsOf } from './catalog';
import type { TrackCallOptions } from './pipeline';
import type { TrackerStats } from './types';

/** A type error that reads as English where the wrong argument is. */
export type TypeError<Message extends string> = { readonly '~trackplan_type_error': Message };

/** `props` may be left out when the event has no required property. */
export type TrackArgs<C, N extends string, O = TrackCallOptions> = [PropsOf<C, N>] extends [never]
  ? [props: TypeError<`"${N}" is not an event of this catalog`>, options?: O]
  : {} extends PropsOf<C, N>
    ? [props?: PropsOf<C, N>, options?: O]
    : [props: PropsOf<C, N>, options?: O];

/** The methods both trackers share, typed by the catalog. */
export interface TypedTrackerBase<C> {
  /** Tracks one event. Never throws (except under `validation: 'throw'`); problems go to `onViolation`/`onError`. */
  track<const N extends EventNameOf<C>>(name: N, ...args: TrackArgs<C, N>): void;
  /** Links a previous id (`alias`) to `distinctId`. */
  alias(distinctId: string, alias: string): void;
  /** Resolves once every message tracked so far is delivered or counted as dropped. */
  flush(): Promise<void>;
  /** Flushes, then stops; anything still undelivered after `timeoutMs` (default 5000) is counted as dropped. */
  shutdown(timeoutMs?: number): Promise<void>;
  /** Counters: tracked, dropped by reason, violations, redactions and per-destination books. */
  stats(): TrackerStats;
}

export type PersonTraits<C> = Partial<PersonOf<C>>;
export type GroupProps<C, G extends string> = G extends keyof GroupsOf<C> ? Partial<GroupsOf<C>[G]> : never;
export type { EventNameOf, GroupTypeOf };
