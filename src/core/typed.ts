import type { EventNameOf, GroupTypeOf, GroupsOf, PersonOf, PropsOf } from './catalog';
import type { TrackCallOptions } from './pipeline';
import type { NameCheck } from './type-errors';
import type { TrackerStats } from './types';

export type { TypeError } from './type-errors';

/**
 * An event's properties as `track()` takes them. The same object type, under a name that carries the
 * event, so tsc says which event lacks a property: `… but required in type 'EventProperties<"order.paid", …>'`.
 */
export type EventProperties<N extends string, P> = { [K in keyof P]: P[K] };

/** `props` may be left out when the event has no required property; an unknown name is reported on the name alone. */
export type TrackArgs<C, N extends string, O = TrackCallOptions> = [N] extends [EventNameOf<C>]
  ? {} extends PropsOf<C, N>
    ? [props?: EventProperties<N, PropsOf<C, N>>, options?: O]
    : [props: EventProperties<N, PropsOf<C, N>>, options?: O]
  : [props?: Record<string, unknown>, options?: O];

export type PersonTraits<C> = Partial<PersonOf<C>>;
/** A group's properties; anything for a group type the catalog lacks (that error is reported on the type alone). */
export type GroupProps<C, G extends string> = G extends keyof GroupsOf<C> ? Partial<GroupsOf<C>[G]> : Record<string, unknown>;

/** Options of `identify()`. */
export interface IdentifyOptions<C> {
  /** Traits set only where the person has none yet (PostHog `$set_once`). */
  setOnce?: PersonTraits<C>;
}

/** Options of `group()`. */
export interface GroupOptions {
  /** The person who joins the group. Default: the tracker's current distinct id (browser) or the request context's (Node). */
  distinctId?: string;
}

/**
 * The one tracker contract: the Node tracker, the browser tracker and a generated client all have
 * these methods with these shapes. None of them throws into the caller (except `track()` under
 * `validation: 'throw'`); problems go to `onViolation`, `onError` and `stats()`.
 */
export interface Tracker<C> {
  /**
   * Tracks one event; `props` may be left out when the event has no required property. A name the
   * catalog lacks is a type error that lists the valid names (or the closest ones).
   */
  track<const N extends EventNameOf<C> | (string & {})>(name: N & NameCheck<'event', EventNameOf<C>, N>, ...propsAndOptions: TrackArgs<C, N>): void;
  /** Names the person (browser: switches to them) and sets person traits (PostHog `$set`). */
  identify(distinctId: string, traits?: PersonTraits<C>, options?: IdentifyOptions<C>): void;
  /** Links a previous id (`alias`) to `distinctId`. */
  alias(distinctId: string, alias: string): void;
  /** Sets a group's properties and puts the person in it (browser: for every later event). */
  group<const G extends GroupTypeOf<C> | (string & {})>(groupType: G & NameCheck<'group type', GroupTypeOf<C>, G>, groupKey: string, props?: GroupProps<C, G>, options?: GroupOptions): void;
  /** Forgets who is tracked: browser, a new anonymous id and no groups; Node, the tracker's default distinct id and groups. */
  reset(): void;
  /** Stops sending: every later message is dropped and counted (`opted_out`). Browser: every destination's consent is denied. */
  optOut(): void;
  /** Sends again after `optOut()`. Browser: every destination's consent is granted. */
  optIn(): void;
  /** Whether `optOut()` is in force. */
  isOptedOut(): boolean;
  /** Resolves once every message tracked so far is delivered or counted as dropped. */
  flush(): Promise<void>;
  /** Flushes, then stops; anything still undelivered after `timeoutMs` (default 5000) is counted as dropped. */
  shutdown(timeoutMs?: number): Promise<void>;
  /** Counters: tracked, dropped by reason, violations, redactions and per-destination books. */
  stats(): TrackerStats;
}

/** @deprecated Use `Tracker<C>`. */
export type TypedTrackerBase<C> = Tracker<C>;

export type { EventNameOf, GroupTypeOf };
