/** Shapes shared by the core, the destinations and the runtime entries. No runtime code here. */
import type { DropReason } from './drop-reasons';

export type { DropReason, HttpDropReason } from './drop-reasons';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One problem with one property, as a validator reports it. */
export interface ValidationIssue {
  path: (string | number)[];
  message: string;
  code: string;
}

export interface ValidationResult {
  ok: boolean;
  /** The parsed value when ok; otherwise the input with unknown keys removed. */
  value: Record<string, unknown>;
  issues: ValidationIssue[];
  /** Keys the schema does not declare: always removed, never delivered. */
  unknownKeys: string[];
}

/** Checks one object against a schema. Must not throw. */
export type Validator = (input: unknown) => ValidationResult;

export interface RevenueMapping {
  /** Property holding the amount (a number). */
  amount: string;
  /** Property holding the ISO 4217 currency code. */
  currency?: string;
}

/** What the runtime needs to know about one event: no zod, so generated clients can build it. */
export interface RuntimeEventSpec {
  name: string;
  description: string;
  version: number;
  /** Destination names this event goes to; undefined means every configured destination. */
  destinations?: readonly string[];
  revenue?: RevenueMapping;
  /** Property names allowed to carry personal data. */
  piiAllow: readonly string[];
  /** Undeclared properties are kept (not removed and reported): `defineEvent({ open: true })`. */
  open?: boolean;
  validate: Validator;
}

/** The zod-free form of a catalog that the pipeline runs on. */
export interface RuntimeCatalog {
  name: string;
  version: number;
  events: Readonly<Record<string, RuntimeEventSpec>>;
  person?: Validator;
  groups: Readonly<Record<string, Validator>>;
  /** Feature flags by key (`defineFlag`). Absent in catalogs without flags. */
  flags?: Readonly<Record<string, import('./flags').RuntimeFlagSpec>>;
  /** Funnels by name (`defineFunnel`), compiled. Absent in generated clients. */
  funnels?: Readonly<Record<string, import('./funnels').FunnelSpec>>;
  /** Metrics by name (`timeToFirst`, `activation`, ...), compiled. Absent in generated clients. */
  metrics?: Readonly<Record<string, import('./metrics').MetricSpec>>;
}

export type ViolationKind =
  | 'unknown_event'
  | 'invalid_properties'
  | 'unknown_properties'
  | 'invalid_traits'
  | 'unknown_group_type'
  | 'invalid_group_properties'
  | 'invalid_input'
  | 'pii'
  | 'truncated'
  | 'non_json'
  | 'too_large'
  | 'destination_rewrite'
  | 'invalid_flag_payload'
  | 'unknown_flag_variant';

/** A report about one message that broke a rule. Passed to `onViolation`. */
export interface Violation {
  kind: ViolationKind;
  /** The event name (or `$identify`, `$create_alias`, `$groupidentify`). */
  event: string;
  message: string;
  /** Dotted property path, when the violation is about one property. */
  path?: string;
  /** For `unknown_properties`: the names of the removed keys (the first 20; `message` has the count). */
  keys?: string[];
  /** The destination that rewrote the message, for `destination_rewrite`. */
  destination?: string;
  /** What the pipeline did: delivered anyway, dropped, or rewritten. */
  action: 'delivered' | 'dropped' | 'redacted' | 'rewritten' | 'removed';
}

export interface EntityRef {
  type: string;
  id: string;
}

/** The event envelope every destination receives; one `uuid` for all of them. */
export interface Envelope {
  uuid: string;
  event: string;
  /** ISO 8601, when it happened. */
  timestamp: string;
  distinct_id: string | null;
  groups: Record<string, string>;
  properties: Record<string, JsonValue>;
  schema_version: number;
  catalog: { name: string; version: number };
  source: string | null;
  correlation_id: string | null;
  entity: EntityRef | null;
  library: { name: string; version: string };
  /** Revenue extracted through the event's revenue mapping. */
  revenue: { amount: number; currency: string | null } | null;
  /** Flag values the code branched on (`track(…, { flags })`), by flag key. Absent without a snapshot. */
  flags?: Record<string, string | boolean>;
  /** Payloads of flags marked `attachPayload: true`, guarded like properties. Absent when none. */
  flag_payloads?: Record<string, JsonValue>;
}

interface MessageBase {
  uuid: string;
  timestamp: string;
  source: string | null;
  library: { name: string; version: string };
}

export interface TrackMessage extends MessageBase {
  type: 'track';
  envelope: Envelope;
}

export interface IdentifyMessage extends MessageBase {
  type: 'identify';
  distinctId: string;
  set: Record<string, JsonValue>;
  setOnce: Record<string, JsonValue>;
}

export interface AliasMessage extends MessageBase {
  type: 'alias';
  distinctId: string;
  alias: string;
}

export interface GroupIdentifyMessage extends MessageBase {
  type: 'groupIdentify';
  groupType: string;
  groupKey: string;
  properties: Record<string, JsonValue>;
  distinctId: string | null;
}

export type Message = TrackMessage | IdentifyMessage | AliasMessage | GroupIdentifyMessage;
export type MessageType = Message['type'];

/** How a destination tells the pipeline what became of what it was given. */
export interface DeliveryReporter {
  delivered(count: number): void;
  /** Counted per reason; with an `error`, `onError` gets a `DeliveryError` (its `cause`). */
  dropped(reason: DropReason, count: number, error?: unknown): void;
  /**
   * A failed request that is being retried: nothing lost yet. `onError` gets a `DeliveryError` with
   * `retrying: true` once per outage (again only after a delivery succeeded).
   */
  retrying(reason: DropReason, count: number, error: unknown): void;
  /**
   * A failure that is no message's delivery (a client call, reading storage). With `lost`, messages
   * already counted (e.g. `handed_to_next_page`) were lost after all: a `DeliveryError` says so.
   */
  error(error: unknown, lost?: { reason: DropReason; count: number }): void;
  debug(message: string): void;
  /** Messages that entered the destination without `send` (restored from storage): counted as routed. */
  adopted(count: number): void;
  /** A change a destination had to make (GA4 renames): goes to `onViolation`. */
  violation(violation: Violation): void;
}

/** What became of one message at one destination. */
export type DeliveryOutcome = { delivered: true } | { delivered: false; reason: DropReason; error?: unknown };

/**
 * What your destination's `send` may answer. Its own reasons are counted as given (`'rate_limited'`);
 * a reason is best one of `DropReason`'s where one fits.
 */
export type DestinationOutcome = { delivered: true } | { delivered: false; reason: DropReason | (string & {}); error?: unknown };

/**
 * A destination: where messages go. Write one as a plain object; only `name` and `send` are required.
 * @example
 * const console: Destination = { name: 'console', send: (message) => void console.log(message) };
 * createTracker(catalog, { destinations: [console] });
 *
 * Every call is guarded: a hook that throws or rejects is reported to `onError`, never thrown into
 * the application; a `send` that throws or rejects counts the message as dropped (`destination_error`).
 */
export interface Destination {
  /** Its name in `stats()` and in an event's `destinations` list; unique among a tracker's destinations. */
  readonly name: string;
  /** Message types it takes; others are not routed to it. Default: all. */
  readonly accepts?: readonly MessageType[];
  /**
   * Delivers one message. Returning nothing, or `{ delivered: true }` (or a promise of either), counts
   * it delivered; `{ delivered: false, reason }` counts it dropped with that reason.
   */
  send(message: Message): DestinationOutcome | void | Promise<DestinationOutcome | void>;
  /** Sends what it holds; `tracker.flush()` awaits it, and every `send` still in flight. Default: nothing to do. */
  flush?(): void | Promise<void>;
  /** Flushes and lets go (`tracker.shutdown(timeoutMs)`); what is still unsettled at the deadline is dropped as `shutdown_timeout`. */
  shutdown?(timeoutMs: number): void | Promise<void>;
  /** Browser trackers pass consent changes on (`'pending'` included). */
  setConsent?(state: ConsentState): void | Promise<void>;
  /** `tracker.reset()`: forget the current person. */
  reset?(): void | Promise<void>;
}

/**
 * Internal: the shape of the built-in destinations, which keep their books themselves through a
 * `DeliveryReporter` (a batch of 500 settles with one call, and `post` skips the promise per message).
 * `send` never throws and resolves (never rejects) once the message is delivered or dropped; the
 * destination has then also called `reporter.delivered(1)` or `reporter.dropped(reason, 1, error)`
 * exactly once for it. `pending()` counts what was sent to it and is not yet settled.
 * Write a `Destination` instead: the router keeps its books from the outcomes.
 */
export interface ReportingDestination {
  readonly name: string;
  /** Message types this destination takes; others are not routed to it. Default: all. */
  readonly accepts?: readonly MessageType[];
  send(message: Message): Promise<DeliveryOutcome>;
  /**
   * Optional: `send` for when nobody waits for this message's outcome (it reaches the reporter
   * all the same). Lets a destination skip the promise per message. Never throws.
   */
  post?(message: Message): void;
  pending(): number;
  flush(): Promise<void>;
  shutdown(timeoutMs: number): Promise<void>;
  /** Browser destinations follow consent; optional. */
  setConsent?(state: ConsentState): void | Promise<void>;
  /** Browser destinations reset identity; optional. */
  reset?(): void | Promise<void>;
}

/** Internal: what `createHttpDestination` and the built-ins return; the router hands it the reporter. */
export type DestinationFactory = (reporter: DeliveryReporter) => ReportingDestination;

/** What a tracker's (or dispatcher's) `destinations` option takes. */
export type DestinationEntry = Destination | DestinationFactory;

export type ConsentState = 'granted' | 'denied' | 'pending';

/** Dropped messages by reason; a reason that never happened is absent. */
export type DropCounts = Partial<Record<DropReason, number>>;

export interface DestinationStats {
  routed: number;
  delivered: number;
  dropped: DropCounts;
  pending: number;
}

export interface TrackerStats {
  tracked: number;
  dropped: DropCounts;
  violations: number;
  redactions: number;
  destinations: Record<string, DestinationStats>;
  /** Feature flag evaluations and the defaults used instead (Node tracker; `tracker.flags`). */
  flags?: import('./flags').FlagStats;
}
