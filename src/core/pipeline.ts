import { CatalogViolationError } from './errors';
import { isoAt, requireId, safeOptions, toIsoTimestamp, type TrackCallOptions } from './call-options';
import { eventGuardsOf, guard } from './pipeline-guards';
import { acceptNothing, bounded, checkAgainst, unknownEventViolation } from './pipeline-validation';
import { revenueOf } from './revenue';
import { TOO_MANY_VALUES, type GuardOptions } from './guards';
import type { EventGuards } from './pipeline-guards';
import { attachmentOf } from './flags';
import type {
  AliasMessage,
  DropReason,
  Envelope,
  GroupIdentifyMessage,
  IdentifyMessage,
  JsonValue,
  Message,
  RuntimeCatalog,
  RuntimeEventSpec,
  TrackMessage,
  Violation,
} from './types';

export type ValidationMode = 'report' | 'drop' | 'throw';

// The steps live in their own modules; these names stay importable from here.
export type { TrackCallOptions } from './call-options';
export { checkAgainst, unknownEventViolation } from './pipeline-validation';
export { revenueOf } from './revenue';
export { describeError } from './errors';

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

