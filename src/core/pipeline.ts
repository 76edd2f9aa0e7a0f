import { CatalogViolationError } from './errors';
import { applyGuards, boundContainers, newKeyMemo, TOO_MANY_VALUES, type GuardFinding, type GuardOptions, type KeyMemo } from './guards';
import { attachmentOf, type FlagsAttachable } from './flags';
import type {
  AliasMessage,
  DropReason,
  Envelope,
  EntityRef,
  GroupIdentifyMessage,
  IdentifyMessage,
  JsonValue,
  Message,
  RuntimeCatalog,
  RuntimeEventSpec,
  TrackMessage,
  ValidationResult,
  Validator,
  Violation,
} from './types';

export type ValidationMode = 'report' | 'drop' | 'throw';

/** Per-call options of `track()`. */
export interface TrackCallOptions {
  /** Who did it. Default: the request context's (Node) or the browser's distinct id. */
  distinctId?: string;
  /** Group keys by group type, e.g. `{ organization: 'org_456' }`. */
  groups?: Record<string, string>;
  /** When it happened. Default: now. */
  timestamp?: Date | string | number;
  /** Reuse an id (an outbox row, a retried job) so receivers dedupe. Default: a new UUID. */
  uuid?: string;
  correlationId?: string;
  entity?: EntityRef;
  /**
   * A snapshot from `tracker.flags.evaluate()`: the event carries the values the code branched on
   * (PostHog: `$feature/<key>`; the envelope and webhook: `flags`).
   */
  flags?: FlagsAttachable;
}

/** Everything the pure pipeline steps need, handed in by the runtime entry. */
export interface PipelineContext {
  catalog: RuntimeCatalog;
  validation: ValidationMode;
  guards: GuardOptions;
  source: string | null;
  /** A new message id for the given millisecond (a UUIDv7, see `createUuidV7`). */
  newId(ms: number): string;
  /** Milliseconds since the epoch (`Date.now`). */
  now(): number;
  library: { name: string; version: string };
  /** Per event: its guard options (the catalog's pii.allow merged in) and key memo. Made on first use. */
  eventGuards?: Map<RuntimeEventSpec, EventGuards>;
  /** The envelope's `catalog` field, shared by every envelope. */
  catalogRef?: { readonly name: string; readonly version: number };
}

interface EventGuards {
  options: GuardOptions;
  memo: KeyMemo;
}

function eventGuardsOf(ctx: PipelineContext, spec: RuntimeEventSpec): EventGuards {
  const cache = (ctx.eventGuards ??= new Map());
  let entry = cache.get(spec);
  if (!entry) {
    const options = spec.piiAllow.length ? { ...ctx.guards, allow: mergeAllow(ctx.guards.allow, spec.piiAllow) } : ctx.guards;
    entry = { options, memo: newKeyMemo() };
    cache.set(spec, entry);
  }
  return entry;
}

/** The drop reasons of the pure pipeline: the message broke the catalog or a guard. */
export type PipelineDropReason = Extract<DropReason, 'invalid' | 'unknown_event' | 'invalid_input' | 'pii' | 'too_large'>;

export type Prepared<M extends Message> =
  | { ok: true; message: M; violations: Violation[]; redactions: number }
  | { ok: false; reason: PipelineDropReason; violations: Violation[]; redactions: number; error: CatalogViolationError };

/**
 * Builds, validates and guards a `track` call. Pure, never throws. `builtin` is an event of
 * trackplan's own (the `$feature_flag_called` exposure) that no catalog declares.
 */
export function prepareTrack(ctx: PipelineContext, name: string, props: unknown, options: TrackCallOptions = {}, builtin?: RuntimeEventSpec): Prepared<TrackMessage> {
  const eventName = typeof name === 'string' ? name : String(name);
  const spec: RuntimeEventSpec | undefined = builtin ?? (typeof name === 'string' && Object.hasOwn(ctx.catalog.events, name) ? ctx.catalog.events[name] : undefined);
  if (!spec) return refuse('unknown_event', [unknownEventViolation(ctx.catalog, eventName)], 0);
  const opts = safeOptions(options);
  const violations: Violation[] = [];
  const input = bounded(ctx, props, eventName, violations);
  if (input === TOO_MANY_VALUES) return refuse('too_large', violations, 0);
  const checked = checkAgainst(spec.validate, input, eventName, 'invalid_properties', violations);
  if (!checked.ok && ctx.validation !== 'report') return refuse('invalid', violations, 0);

  const guarded = guard(ctx, checked.value, eventName, violations, eventGuardsOf(ctx, spec));
  if (!guarded.ok) return refuse(guarded.reason, violations, guarded.redactions);

  const properties = guarded.value;
  const flags = opts.flags ? attachmentOf(opts.flags) : undefined;
  let flagPayloads: Record<string, JsonValue> | undefined;
  let redactions = guarded.redactions;
  if (flags?.payloads) {
    // Payloads come from the flag service: the same guards as properties before any destination.
    const payloadViolations: Violation[] = [];
    const checkedPayloads = guard(ctx, flags.payloads, eventName, payloadViolations);
    for (const violation of payloadViolations) violations.push(violation.path ? { ...violation, path: `$feature_flag_payloads.${violation.path}` } : violation);
    if (!checkedPayloads.ok) return refuse(checkedPayloads.reason, violations, redactions + checkedPayloads.redactions);
    redactions += checkedPayloads.redactions;
    flagPayloads = checkedPayloads.value;
  }
  const ms = ctx.now();
  const uuid = opts.uuid ?? ctx.newId(ms);
  const timestamp = opts.timestamp === undefined ? isoAt(ms) : toIsoTimestamp(opts.timestamp, ms);
  const envelope: Envelope = {
    uuid,
    event: eventName,
    timestamp,
    distinct_id: opts.distinctId ?? null,
    groups: opts.groups ?? {},
    properties,
    schema_version: spec.version,
    catalog: (ctx.catalogRef ??= Object.freeze({ name: ctx.catalog.name, version: ctx.catalog.version })),
    source: ctx.source,
    correlation_id: opts.correlationId ?? null,
    entity: opts.entity ?? null,
    library: ctx.library,
    revenue: spec.revenue ? revenueOf(properties, spec.revenue.amount, spec.revenue.currency) : null,
  };
  if (flags) envelope.flags = flags.values;
  if (flagPayloads) envelope.flag_payloads = flagPayloads;
  const message: TrackMessage = { type: 'track', uuid, timestamp, source: ctx.source, library: ctx.library, envelope };
  return { ok: true, message, violations, redactions };
}

/** Builds, validates and guards an `identify` call: traits typed by the catalog's person schema. */
export function prepareIdentify(ctx: PipelineContext, distinctId: unknown, traits: unknown, setOnce?: unknown): Prepared<IdentifyMessage> {
  const violations: Violation[] = [];
  const id = requireId(distinctId, '$identify', 'distinctId', violations);
  if (id === null) return refuse('invalid_input', violations, 0);
  const validator = ctx.catalog.person ?? acceptNothing;
  const setInput = bounded(ctx, traits, '$identify', violations);
  const onceInput = setOnce === undefined ? undefined : bounded(ctx, setOnce, '$identify', violations);
  if (setInput === TOO_MANY_VALUES || onceInput === TOO_MANY_VALUES) return refuse('too_large', violations, 0);
  const set = checkAgainst(validator, setInput, '$identify', 'invalid_traits', violations);
  const once = setOnce === undefined ? undefined : checkAgainst(validator, onceInput, '$identify', 'invalid_traits', violations);
  if ((!set.ok || (once && !once.ok)) && ctx.validation !== 'report') return refuse('invalid', violations, 0);
  const guardedSet = guard(ctx, set.value, '$identify', violations);
  if (!guardedSet.ok) return refuse(guardedSet.reason, violations, guardedSet.redactions);
  const guardedOnce = once ? guard(ctx, once.value, '$identify', violations) : { ok: true as const, value: {}, redactions: 0 };
  if (!guardedOnce.ok) return refuse(guardedOnce.reason, violations, guardedSet.redactions + guardedOnce.redactions);
  const base = messageBase(ctx);
  return {
    ok: true,
    message: { type: 'identify', ...base, distinctId: id, set: guardedSet.value, setOnce: guardedOnce.value },
    violations,
    redactions: guardedSet.redactions + guardedOnce.redactions,
  };
}

/** Links `alias` (a previous anonymous id) to `distinctId`. */
export function prepareAlias(ctx: PipelineContext, distinctId: unknown, alias: unknown): Prepared<AliasMessage> {
  const violations: Violation[] = [];
  const id = requireId(distinctId, '$create_alias', 'distinctId', violations);
  const other = requireId(alias, '$create_alias', 'alias', violations);
  if (id === null || other === null) return refuse('invalid_input', violations, 0);
  return { ok: true, message: { type: 'alias', ...messageBase(ctx), distinctId: id, alias: other }, violations, redactions: 0 };
}

/** Sets a group's properties, typed by the catalog's group schema. */
export function prepareGroupIdentify(
  ctx: PipelineContext,
  groupType: unknown,
  groupKey: unknown,
  props: unknown,
  distinctId?: string,
): Prepared<GroupIdentifyMessage> {
  const violations: Violation[] = [];
  const type = requireId(groupType, '$groupidentify', 'groupType', violations);
  const key = requireId(groupKey, '$groupidentify', 'groupKey', violations);
  if (type === null || key === null) return refuse('invalid_input', violations, 0);
  const validator = Object.hasOwn(ctx.catalog.groups, type) ? ctx.catalog.groups[type] : undefined;
  if (!validator) {
    violations.push({
      kind: 'unknown_group_type',
      event: '$groupidentify',
      message: `group type "${type}" is not declared in catalog "${ctx.catalog.name}" (declare it under groups)`,
      action: 'dropped',
    });
    return refuse('invalid', violations, 0);
  }
  const input = bounded(ctx, props, '$groupidentify', violations);
  if (input === TOO_MANY_VALUES) return refuse('too_large', violations, 0);
  const checked = checkAgainst(validator, input, '$groupidentify', 'invalid_group_properties', violations);
  if (!checked.ok && ctx.validation !== 'report') return refuse('invalid', violations, 0);
  const guarded = guard(ctx, checked.value, '$groupidentify', violations);
  if (!guarded.ok) return refuse(guarded.reason, violations, guarded.redactions);
  return {
    ok: true,
    message: { type: 'groupIdentify', ...messageBase(ctx), groupType: type, groupKey: key, properties: guarded.value, distinctId: distinctId ?? null },
    violations,
    redactions: guarded.redactions,
  };
}

function messageBase(ctx: PipelineContext) {
  const ms = ctx.now();
  return { uuid: ctx.newId(ms), timestamp: isoAt(ms), source: ctx.source, library: ctx.library };
}

function refuse<M extends Message>(reason: PipelineDropReason, violations: Violation[], redactions: number): Prepared<M> {
  for (const violation of violations) if (violation.action === 'delivered' || violation.action === 'rewritten') violation.action = 'dropped';
  const summary = violations.map((v) => (v.path ? `${v.path}: ${v.message}` : v.message)).join('; ');
  const event = violations[0]?.event ?? 'message';
  return { ok: false, reason, violations, redactions, error: new CatalogViolationError(`[${event}] ${summary || reason}`, violations) };
}

/**
 * What `validation: 'throw'` throws for a prepared message, else null: a refused call (invalid,
 * unknown event, bad input) or undeclared properties. Guard drops (pii, too_large) never throw.
 * Shared by track() and the outbox's record(), so both throw for the same things.
 */
export function violationToThrow(validation: ValidationMode, prepared: Prepared<Message>): CatalogViolationError | null {
  if (validation !== 'throw') return null;
  if (!prepared.ok) return prepared.reason === 'invalid' || prepared.reason === 'unknown_event' || prepared.reason === 'invalid_input' ? prepared.error : null;
  const undeclared = prepared.violations.filter((v) => v.kind === 'unknown_properties');
  return undeclared.length ? new CatalogViolationError(`[${undeclared[0].event}] ${undeclared.map((v) => v.message).join('; ')}`, undeclared) : null;
}

/** The violation for an event the catalog does not declare (track() and the outbox dispatcher). */
export function unknownEventViolation(catalog: RuntimeCatalog, eventName: string): Violation {
  return {
    kind: 'unknown_event',
    event: eventName,
    message: `"${eventName}" is not an event of catalog "${catalog.name}"; it was not delivered`,
    action: 'dropped',
  };
}

const acceptNothing: Validator = (input) => ({ ok: true, value: {}, issues: [], unknownKeys: isRecord(input) ? Object.keys(input) : [] });

/**
 * The size guard's container limits, before validation: a validator walks every key and array slot
 * (a million keys, or a sparse array of length 2^32-1, would take seconds or all memory).
 */
function bounded(ctx: PipelineContext, input: unknown, event: string, violations: Violation[]): unknown {
  // Each JSON value costs at least two bytes serialized: more than that many cannot fit the event.
  const maxValues = Math.floor(ctx.guards.maxEventBytes / 2);
  const cut = boundContainers(input, ctx.guards.limits, maxValues);
  if (cut === undefined) return input;
  if (cut === TOO_MANY_VALUES) {
    violations.push({ kind: 'too_large', event, message: `the value holds more than ${maxValues} values (an object reused under many keys counts once per place); it cannot fit in ${ctx.guards.maxEventBytes} bytes serialized and was dropped`, action: 'dropped' });
    return TOO_MANY_VALUES;
  }
  for (const finding of cut.findings) violations.push(findingToViolation(finding, event));
  return cut.value;
}

/** Runs a validator and turns its issues and unknown keys into violations. */
export function checkAgainst(
  validate: Validator,
  input: unknown,
  event: string,
  kind: 'invalid_properties' | 'invalid_traits' | 'invalid_group_properties',
  violations: Violation[],
): ValidationResult {
  let result: ValidationResult;
  try {
    result = validate(input);
  } catch (error) {
    result = { ok: false, value: {}, issues: [{ path: [], code: 'custom', message: `validation threw: ${describeError(error)}` }], unknownKeys: [] };
  }
  // Indexed loops: these arrays are nearly always the shared empty ones.
  for (let i = 0; i < result.issues.length; i++) {
    const issue = result.issues[i];
    violations.push({ kind, event, message: issue.message, path: issue.path.length ? issue.path.join('.') : undefined, action: 'delivered' });
  }
  if (result.unknownKeys.length) violations.push(unknownKeysViolation(result.unknownKeys, event));
  return result;
}

const NAMED_UNKNOWN_KEYS = 20;
const NAME_LENGTH = 100;

/** One violation per call for all its unknown keys, naming the first few: a report per key would let one call flood onViolation. */
function unknownKeysViolation(keys: readonly string[], event: string): Violation {
  const quote = (key: string) => JSON.stringify(key.length > NAME_LENGTH ? `${key.slice(0, NAME_LENGTH)}…` : key);
  if (keys.length === 1)
    return { kind: 'unknown_properties', event, message: `${quote(keys[0])} is not declared for this event; it was removed`, path: keys[0], keys: [keys[0]], action: 'removed' };
  const named = keys.slice(0, NAMED_UNKNOWN_KEYS);
  const more = keys.length > named.length ? ` and ${keys.length - named.length} more` : '';
  return {
    kind: 'unknown_properties',
    event,
    message: `${keys.length} properties are not declared for this event; they were removed: ${named.map(quote).join(', ')}${more}`,
    keys: named,
    action: 'removed',
  };
}

type Guarded = { ok: true; value: Record<string, JsonValue>; redactions: number } | { ok: false; reason: 'pii' | 'too_large'; redactions: number };

function guard(ctx: PipelineContext, value: Record<string, unknown>, event: string, violations: Violation[], eventGuards?: EventGuards): Guarded {
  const result = applyGuards(value, eventGuards ? eventGuards.options : ctx.guards, eventGuards?.memo);
  let redactions = 0;
  for (let i = 0; i < result.findings.length; i++) {
    const finding = result.findings[i];
    if (finding.kind === 'pii') redactions++;
    violations.push(findingToViolation(finding, event, result.ok ? undefined : result.reason));
  }
  if (!result.ok) {
    if (result.reason === 'too_large')
      violations.push({ kind: 'too_large', event, message: `the event is larger than ${ctx.guards.maxEventBytes} bytes serialized; it was dropped`, action: 'dropped' });
    return { ok: false, reason: result.reason, redactions };
  }
  return { ok: true, value: result.value, redactions };
}

function findingToViolation(finding: GuardFinding, event: string, dropReason?: string): Violation {
  const kind = finding.kind === 'pii' ? 'pii' : finding.kind === 'truncated' ? 'truncated' : 'non_json';
  const action = dropReason ? 'dropped' : finding.kind === 'pii' ? 'redacted' : 'rewritten';
  const message = finding.kind === 'pii' ? `personal data (${finding.detail}) was ${dropReason ? 'found' : 'redacted'}` : finding.detail;
  return { kind, event, message, path: finding.path || undefined, action };
}

function mergeAllow(base: ReadonlySet<string>, extra: readonly string[]): ReadonlySet<string> {
  const merged = new Set(base);
  for (const key of extra) merged.add(key);
  return merged;
}

function requireId(value: unknown, event: string, field: string, violations: Violation[]): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '' && value.length <= 200) return value;
  violations.push({ kind: 'invalid_input', event, message: `${field} must be a non-empty string of at most 200 characters`, path: field, action: 'dropped' });
  return null;
}

/**
 * The envelope's revenue, read through the event's revenue mapping; null when the amount is not a
 * number. The one reading of revenue: track() and the outbox dispatcher both call it.
 */
export function revenueOf(properties: Record<string, JsonValue>, amountKey: string, currencyKey?: string): Envelope['revenue'] {
  const amount = properties[amountKey];
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return null;
  const currency = currencyKey ? properties[currencyKey] : undefined;
  return { amount, currency: typeof currency === 'string' ? currency.toUpperCase() : null };
}

// toISOString costs about a microsecond; events in the same millisecond share one string.
let lastMs = Number.NaN;
let lastIso = '';
function isoAt(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

function toIsoTimestamp(value: TrackCallOptions['timestamp'], ms: number): string {
  const date = value instanceof Date ? value : new Date(value as string | number);
  return Number.isNaN(date.getTime()) ? isoAt(ms) : date.toISOString();
}

/** Reads the caller's options defensively: a hostile object must not make track() throw. */
function safeOptions(options: unknown): TrackCallOptions {
  if (!isRecord(options)) return {};
  try {
    const groups = isRecord(options.groups) ? stringRecord(options.groups) : undefined;
    const entity = isRecord(options.entity) && options.entity.type != null && options.entity.id != null
      ? { type: String(options.entity.type), id: String(options.entity.id) }
      : undefined;
    return {
      distinctId: optionalString(options.distinctId),
      groups,
      timestamp: options.timestamp as TrackCallOptions['timestamp'],
      uuid: optionalString(options.uuid),
      correlationId: optionalString(options.correlationId),
      entity,
      flags: options.flags as FlagsAttachable | undefined,
    };
  } catch {
    return {};
  }
}

function stringRecord(value: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string' || typeof v === 'number') out[key] = String(v);
  return out;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeError(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return 'unprintable error';
  }
}
