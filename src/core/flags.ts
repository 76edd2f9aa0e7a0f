import type * as z from 'zod';
import { TrackplanConfigError } from './errors';
import type { NameCheck } from './type-errors';
import type { JsonValue } from './types';

/**
 * Feature flags declared in the catalog: what a flag is, its variants, its one default and the
 * schema of its payload. Isomorphic and zod-free at run time (a payload schema is only called).
 */

type AnySchema = z.ZodType;
type Variants = readonly [string, ...string[]];

/** A payload: one schema for every value, or one per variant. */
type PayloadSpec<V extends string> = AnySchema | { readonly [K in V]?: AnySchema };

/** A per-variant payload may only name declared variants. */
type OnlyVariants<P, V extends string> = P extends AnySchema ? P : P & { readonly [K in Exclude<keyof P, V>]: never };

type PayloadOutput<P> = P extends AnySchema ? z.output<P> : P extends object ? { [K in keyof P]: P[K] extends AnySchema ? z.output<P[K]> : never }[keyof P] : never;

interface FlagBase {
  /** What the flag switches, in one sentence. Shown in generated docs and flags.json. */
  description: string;
  /**
   * Copy this flag's payload onto events tracked with the snapshot (`flags`) and onto its exposure.
   * Payloads stay off events by default: they can be large, and they go through the PII guard.
   * @default false
   */
  attachPayload?: boolean;
}

/** A flag as `defineFlag` returns it: the value and payload types ride along for the catalog. */
export interface DefinedFlag<Value extends string | boolean = string | boolean, Payload = unknown> extends FlagBase {
  variants?: readonly string[];
  default: Value;
  payload?: PayloadSpec<string>;
  /** Type carrier only; never set at run time. */
  readonly '~flag'?: { value: Value; payload: Payload };
}

/**
 * Declares one feature flag. Give `variants` for a multivariate flag (its value is one of them) or
 * leave them out for a boolean flag. `default` is required: it is what `flags.get()` returns when
 * the flag is missing, the service is down or slow, or the payload fails its schema.
 * @example
 * defineFlag({ description: 'Three-step onboarding', variants: ['control', 'test'], default: 'control',
 *   payload: { test: z.object({ layout: z.enum(['compact', 'wide']) }) } })
 * defineFlag({ description: 'CSV export', default: false })
 */
export function defineFlag<const V extends Variants, const P extends PayloadSpec<V[number]> | undefined = undefined>(
  definition: FlagBase & { variants: V; default: NoInfer<V[number]>; payload?: OnlyVariants<P, V[number]> },
): DefinedFlag<V[number], PayloadOutput<P>>;
export function defineFlag<const P extends AnySchema | undefined = undefined>(
  definition: FlagBase & { variants?: undefined; default: boolean; payload?: P },
): DefinedFlag<boolean, PayloadOutput<P>>;
export function defineFlag(definition: DefinedFlag): DefinedFlag {
  return definition;
}

export type AnyFlags = Record<string, DefinedFlag<any, any>>;

/** What each flag key reads as: `{ value, payload }` by key. */
export type FlagTypes<F extends AnyFlags> = { [K in keyof F & string]: F[K] extends DefinedFlag<infer V, infer P> ? { value: V; payload: P } : never };

/** Checks one payload. Never throws. */
export type PayloadParser = (input: unknown) => { ok: true; value: unknown } | { ok: false; message: string };

/** What the runtime needs to know about one flag: no zod, so generated clients can build it. */
export interface RuntimeFlagSpec {
  key: string;
  description: string;
  /** The variants of a multivariate flag; undefined for a boolean flag. */
  variants?: readonly string[];
  default: string | boolean;
  attachPayload: boolean;
  /** The payload parser for a value, or undefined when that value has no payload schema. */
  payloadParser(value: string | boolean): PayloadParser | undefined;
}

/** A flag as a generated client declares it: no zod; payload parsers compiled from JSON Schema, by value (`*`: every value). */
export interface CompiledFlag {
  description?: string;
  variants?: readonly string[];
  default: string | boolean;
  attachPayload?: boolean;
  payload?: Readonly<Record<string, PayloadParser>>;
}

/** The runtime form of a generated client's flag (checked when the client was generated). */
export function compiledFlagSpec(key: string, flag: CompiledFlag): RuntimeFlagSpec {
  const payload = flag.payload ?? {};
  return {
    key,
    description: flag.description ?? '',
    variants: flag.variants ? [...flag.variants] : undefined,
    default: flag.default,
    attachPayload: flag.attachPayload === true,
    payloadParser: (value) => payload['*'] ?? (typeof value === 'string' && Object.hasOwn(payload, value) ? payload[value] : undefined),
  };
}

/** PostHog's rule for flag keys: letters, digits, `-` and `_`. */
export const FLAG_KEY_PATTERN = /^[A-Za-z0-9_-]+$/;

function isSchema(value: unknown): value is AnySchema {
  return typeof (value as { safeParse?: unknown } | null)?.safeParse === 'function';
}

function parserOf(schema: AnySchema): PayloadParser {
  return (input) => {
    try {
      const result = schema.safeParse(input);
      if (result.success) return { ok: true, value: result.data };
      const issue = result.error.issues[0];
      return { ok: false, message: `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}` };
    } catch (error) {
      return { ok: false, message: `the payload schema threw: ${String(error)}` };
    }
  };
}

/** Checks a flag definition and compiles it; throws at start-up, with what to fix. */
export function toRuntimeFlag(catalogName: string, key: string, flag: DefinedFlag): RuntimeFlagSpec {
  const where = `defineCatalog(${catalogName}): flag "${key}"`;
  if (!FLAG_KEY_PATTERN.test(key)) throw new TrackplanConfigError(`${where}: PostHog flag keys take letters, digits, "-" and "_" only (e.g. "new-onboarding").`);
  if (!flag || typeof flag !== 'object') throw new TrackplanConfigError(`${where}: use defineFlag({ description, default }).`);
  if (typeof flag.description !== 'string' || flag.description.trim() === '') throw new TrackplanConfigError(`${where}: add a description (one sentence saying what the flag switches).`);
  const variants = flag.variants;
  if (variants !== undefined) {
    if (!Array.isArray(variants) || variants.length === 0 || variants.some((v) => typeof v !== 'string' || v === ''))
      throw new TrackplanConfigError(`${where}: variants must be a non-empty list of variant keys, e.g. ['control', 'test'].`);
    if (new Set(variants).size !== variants.length) throw new TrackplanConfigError(`${where}: variants lists a variant twice.`);
    if (!variants.includes(flag.default as string))
      throw new TrackplanConfigError(`${where}: default ${JSON.stringify(flag.default)} is not one of its variants (${variants.map((v) => JSON.stringify(v)).join(', ')}); make it one of them.`);
  } else if (typeof flag.default !== 'boolean') {
    throw new TrackplanConfigError(`${where}: a flag without variants is boolean, so its default must be true or false (got ${JSON.stringify(flag.default)}); or list its variants.`);
  }
  let parsers: { all?: PayloadParser; byValue: Map<string, PayloadParser> } = { byValue: new Map() };
  const payload = flag.payload;
  if (payload !== undefined) {
    if (isSchema(payload)) parsers = { all: parserOf(payload), byValue: new Map() };
    else if (payload && typeof payload === 'object' && variants) {
      for (const [variant, schema] of Object.entries(payload)) {
        if (!variants.includes(variant)) throw new TrackplanConfigError(`${where}: payload names "${variant}", which is not one of its variants.`);
        if (!isSchema(schema)) throw new TrackplanConfigError(`${where}: payload.${variant} must be a zod schema.`);
        parsers.byValue.set(variant, parserOf(schema));
      }
    } else throw new TrackplanConfigError(`${where}: payload must be a zod schema${variants ? ', or one zod schema per variant' : ''}.`);
  }
  const { all, byValue } = parsers;
  return {
    key,
    description: flag.description,
    variants: variants ? [...variants] : undefined,
    default: flag.default,
    attachPayload: flag.attachPayload === true,
    payloadParser: (value) => all ?? (typeof value === 'string' ? byValue.get(value) : undefined),
  };
}

/** Why a flag reads as its catalog default. */
export type FlagFallbackReason = 'missing' | 'off' | 'unknown_variant' | 'invalid_payload' | 'error' | 'timeout' | 'unconfigured';

export const FLAG_FALLBACK_REASONS: readonly FlagFallbackReason[] = ['missing', 'off', 'unknown_variant', 'invalid_payload', 'error', 'timeout', 'unconfigured'];

/** The counters under `stats().flags`. */
export interface FlagStats {
  /** `evaluate()` calls. */
  evaluated: number;
  /** Flags that read as their catalog default, by reason (one per flag per evaluation). */
  fallback: Record<FlagFallbackReason, number>;
  /** `$feature_flag_called` events recorded (first read per distinct id, key and value). */
  exposures: number;
}

/** What a provider (posthog-node, posthog-js, a test) answered for one flag. */
export interface ProvidedFlag {
  /** A variant key, `true`/`false`, or undefined when the provider has no value. */
  value: unknown;
  payload?: unknown;
}

/** One flag after the catalog's rules: always a declared value. */
export interface ResolvedFlag {
  value: string | boolean;
  /** The parsed payload, or undefined (no payload, no schema for this value, or a fallback). */
  payload: unknown;
  /** Set when `value` is the catalog default for a reason other than the provider saying so. */
  fallback?: FlagFallbackReason;
  /** Whether the provider turned the flag on for this person (a variant, or `true`). */
  enabled: boolean;
}

export interface FlagProblem {
  key: string;
  reason: FlagFallbackReason;
  message: string;
}

/**
 * Applies the catalog to what a provider answered: a value outside the declared ones, a missing
 * value or a payload that fails its schema becomes the catalog default. `failure` (the provider
 * failed as a whole) makes every flag its default. Pure, never throws.
 */
export function resolveFlags(
  specs: Readonly<Record<string, RuntimeFlagSpec>>,
  provided: (key: string) => ProvidedFlag | undefined,
  failure?: 'error' | 'timeout' | 'unconfigured',
): { flags: Record<string, ResolvedFlag>; problems: FlagProblem[] } {
  const flags: Record<string, ResolvedFlag> = {};
  const problems: FlagProblem[] = [];
  for (const key of Object.keys(specs)) {
    const spec = specs[key];
    const fallback = (reason: FlagFallbackReason, message?: string): ResolvedFlag => {
      if (message) problems.push({ key, reason, message });
      return { value: spec.default, payload: undefined, fallback: reason, enabled: false };
    };
    if (failure) {
      flags[key] = fallback(failure);
      continue;
    }
    let answer: ProvidedFlag | undefined;
    try {
      answer = provided(key);
    } catch {
      answer = undefined;
    }
    const value = answer?.value;
    if (value === undefined || value === null) {
      flags[key] = fallback('missing');
      continue;
    }
    if (spec.variants && value === false) {
      // A multivariate flag that is off for this person reads as its default.
      flags[key] = fallback('off');
      continue;
    }
    if (!spec.variants && typeof value === 'boolean') {
      flags[key] = { value, payload: undefined, enabled: value };
    } else if (spec.variants && typeof value === 'string' && spec.variants.includes(value)) {
      flags[key] = { value, payload: undefined, enabled: true };
    } else {
      flags[key] = fallback('unknown_variant', `the service answered ${JSON.stringify(value)}, which is not ${spec.variants ? `one of its variants (${spec.variants.join(', ')})` : 'true or false'}; the default ${JSON.stringify(spec.default)} was used`);
      continue;
    }
    const resolved = flags[key];
    if (resolved.fallback) continue;
    const parser = spec.payloadParser(resolved.value);
    const raw = answer?.payload;
    if (!parser || raw === undefined || raw === null) continue;
    const parsed = parser(raw);
    if (parsed.ok) resolved.payload = parsed.value;
    else flags[key] = fallback('invalid_payload', `its payload for ${JSON.stringify(resolved.value)} fails the schema (${parsed.message}); the default ${JSON.stringify(spec.default)} was used`);
  }
  return { flags, problems };
}

/** The posthog-js `bootstrap` option, as `flags.bootstrap()` returns it. */
export interface FlagsBootstrap {
  distinctID: string;
  featureFlags: Record<string, string | boolean>;
  featureFlagPayloads: Record<string, JsonValue>;
}

/** What `track(…, { flags })` attaches to the envelope. */
export interface FlagAttachment {
  values: Record<string, string | boolean>;
  /** Payloads of flags marked `attachPayload: true` (guarded like properties before they leave). */
  payloads?: Record<string, unknown>;
}

const ATTACH = Symbol.for('trackplan.flags.attach');

/** Anything `track(…, { flags })` takes: a snapshot from `tracker.flags.evaluate()`. */
export interface FlagsAttachable {
  readonly [ATTACH]: () => FlagAttachment;
}

/** What `track(…, { flags })` attaches for these values: every value, and the payloads marked `attachPayload`. */
function attachmentFrom(specs: Readonly<Record<string, RuntimeFlagSpec>>, flags: Readonly<Record<string, ResolvedFlag>>): FlagAttachment {
  const values: Record<string, string | boolean> = {};
  let payloads: Record<string, unknown> | undefined;
  for (const [key, flag] of Object.entries(flags)) {
    values[key] = flag.value;
    if (flag.payload !== undefined && specs[key]?.attachPayload) (payloads ??= {})[key] = flag.payload;
  }
  return payloads ? { values, payloads } : { values };
}

/** Makes `target` attachable to `track(…, { flags })` with the values `current()` holds at the call. */
export function makeAttachable<T extends object>(target: T, specs: Readonly<Record<string, RuntimeFlagSpec>>, current: () => Readonly<Record<string, ResolvedFlag>>): T & FlagsAttachable {
  Object.defineProperty(target, ATTACH, { value: () => attachmentFrom(specs, current()) });
  return target as T & FlagsAttachable;
}

/** The attachment of a snapshot, or undefined for anything else. Never throws. */
export function attachmentOf(flags: unknown): FlagAttachment | undefined {
  try {
    const attach = (flags as Partial<FlagsAttachable> | null)?.[ATTACH];
    return typeof attach === 'function' ? attach() : undefined;
  } catch {
    return undefined;
  }
}

type Entry<T, K> = K extends keyof T ? T[K] : never;

/**
 * The flags of one person at one moment. Reads are synchronous map lookups; the first read of each
 * flag records an exposure through the tracker (once per distinct id, key and value). A key the
 * catalog lacks is a type error that lists the valid keys (or the closest ones).
 */
export interface FlagsSnapshot<F extends object = Record<string, { value: string | boolean; payload: unknown }>> extends FlagsAttachable {
  readonly distinctId: string;
  /** The flag's value: a declared variant, or `true`/`false`; the catalog default when it fell back. Never undefined. */
  get<const K extends (keyof F & string) | (string & {})>(key: K & NameCheck<'flag', keyof F & string, K>): Entry<F, K> extends { value: infer V } ? V : never;
  /** Boolean flags: their value. Multivariate flags: whether the service assigned a variant. */
  isEnabled<const K extends (keyof F & string) | (string & {})>(key: K & NameCheck<'flag', keyof F & string, K>): boolean;
  /** The payload parsed by its schema, or undefined (none, no schema for this value, or a fallback). Records no exposure. */
  payload<const K extends (keyof F & string) | (string & {})>(key: K & NameCheck<'flag', keyof F & string, K>): (Entry<F, K> extends { payload: infer P } ? P : never) | undefined;
  /** Why the flag reads as its default, or undefined when the service's value is used. */
  fallbackReason<const K extends (keyof F & string) | (string & {})>(key: K & NameCheck<'flag', keyof F & string, K>): FlagFallbackReason | undefined;
  /** For posthog-js (`bootstrap`) and trackplan's browser tracker: every value, `false` included. */
  bootstrap(): FlagsBootstrap;
}

/** Called on the first read of a flag in a snapshot; the tracker dedupes across snapshots. */
export type ExposureHook = (distinctId: string, key: string, flag: ResolvedFlag, spec: RuntimeFlagSpec) => void;

/** Builds a snapshot over resolved flags. */
export function createFlagsSnapshot<F extends object>(
  distinctId: string,
  specs: Readonly<Record<string, RuntimeFlagSpec>>,
  flags: Readonly<Record<string, ResolvedFlag>>,
  onFirstRead: ExposureHook,
): FlagsSnapshot<F> {
  // One slot per flag: a read is one Map lookup and one flag test.
  interface Slot {
    flag: ResolvedFlag;
    read: boolean;
  }
  const table = new Map<string, Slot>();
  for (const key of Object.keys(flags)) table.set(key, { flag: flags[key], read: false });
  const expose = (key: string, slot: Slot) => {
    slot.read = true;
    try {
      onFirstRead(distinctId, key, slot.flag, specs[key]);
    } catch {
      // An exposure must never break the read it came from.
    }
  };
  const snapshot = {
    distinctId,
    get(key: string) {
      const slot = table.get(key);
      if (slot === undefined) return false;
      if (!slot.read) expose(key, slot);
      return slot.flag.value;
    },
    isEnabled(key: string) {
      const slot = table.get(key);
      if (slot === undefined) return false;
      if (!slot.read) expose(key, slot);
      return typeof slot.flag.value === 'boolean' ? slot.flag.value : slot.flag.enabled;
    },
    payload: (key: string) => table.get(key)?.flag.payload,
    fallbackReason: (key: string) => table.get(key)?.flag.fallback,
    bootstrap(): FlagsBootstrap {
      const featureFlags: Record<string, string | boolean> = {};
      const featureFlagPayloads: Record<string, JsonValue> = {};
      for (const [key, flag] of Object.entries(flags)) {
        featureFlags[key] = flag.value;
        if (flag.payload !== undefined) featureFlagPayloads[key] = flag.payload as JsonValue;
      }
      return { distinctID: distinctId, featureFlags, featureFlagPayloads };
    },
    [ATTACH]: () => attachmentFrom(specs, flags),
  };
  return snapshot as unknown as FlagsSnapshot<F>;
}

/**
 * Which (distinct id, key, value) exposures were recorded, bounded: past `capacity` entries the
 * least recently seen is forgotten (a later read of it records one more exposure, never fewer).
 */
export class ExposureMemo {
  private readonly seen = new Map<string, true>();

  constructor(private readonly capacity: number) {}

  /** True the first time this exposure is seen (since it was last forgotten). */
  first(distinctId: string, key: string, value: string | boolean): boolean {
    const id = `${distinctId}\u0000${key}\u0000${typeof value === 'string' ? `s:${value}` : String(value)}`;
    if (this.seen.has(id)) {
      // Refresh: the memo forgets what was seen longest ago, not what was recorded first.
      this.seen.delete(id);
      this.seen.set(id, true);
      return false;
    }
    this.seen.set(id, true);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}

/** The `$feature_flag_error` value PostHog uses for each fallback reason (none for `off`). */
const POSTHOG_FLAG_ERROR: Partial<Record<FlagFallbackReason, string>> = {
  missing: 'flag_missing',
  unknown_variant: 'unknown_variant',
  invalid_payload: 'invalid_payload',
  error: 'unknown_error',
  timeout: 'timeout',
  unconfigured: 'flag_missing',
};

/** The properties of a `$feature_flag_called` exposure, as PostHog names them. */
export function exposureProperties(key: string, flag: ResolvedFlag, spec: RuntimeFlagSpec | undefined): Record<string, unknown> {
  const properties: Record<string, unknown> = { $feature_flag: key, $feature_flag_response: flag.value, [`$feature/${key}`]: flag.value };
  if (flag.fallback) {
    properties.$feature_flag_fallback = flag.fallback;
    const error = POSTHOG_FLAG_ERROR[flag.fallback];
    if (error) properties.$feature_flag_error = error;
  }
  if (spec?.attachPayload && flag.payload !== undefined) properties.$feature_flag_payload = flag.payload;
  return properties;
}

/** Counters for `stats().flags`. */
export function newFlagStats(): FlagStats {
  const fallback = {} as Record<FlagFallbackReason, number>;
  for (const reason of FLAG_FALLBACK_REASONS) fallback[reason] = 0;
  return { evaluated: 0, fallback, exposures: 0 };
}
