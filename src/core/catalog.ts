import type * as z from 'zod';
import { TrackplanConfigError } from './errors';
import type { EventShapes } from './event-ref';
import { compiledFlagSpec, toRuntimeFlag, type AnyFlags, type CompiledFlag, type FlagTypes, type RuntimeFlagSpec } from './flags';
import { toFunnelSpec, type AnyFunnels, type CheckFunnels, type FunnelSpec } from './funnels';
import { toMetricSpec, type AnyMetrics, type CheckMetrics, type MetricSpec } from './metrics';
import type { RevenueMapping, RuntimeCatalog, RuntimeEventSpec, ValidationIssue, ValidationResult, Validator } from './types';

/** Flattens intersections so editor hovers show one plain object. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** Names of the destinations a catalog event can be routed to. */
export type DestinationName = 'posthog' | 'ga4' | 'webhook' | (string & {});

type ObjectSchema = z.ZodType<Record<string, unknown>, Record<string, unknown>>;

export interface EventDefinition<P extends ObjectSchema = ObjectSchema> {
  /** What happened, in one sentence. Shown in generated docs and JSDoc. */
  description: string;
  /** This event's `schema_version`. Bump it on a breaking change. Default 1. */
  version?: number;
  /** Which properties carry revenue: sent to PostHog as `$revenue` + `currency`, to GA4 as `value` + `currency`. */
  revenue?: { amount: keyof z.output<P> & string; currency?: keyof z.output<P> & string };
  /** Destinations this event goes to. Default: every configured destination. */
  destinations?: readonly DestinationName[];
  /** Property names allowed to carry personal data (the PII guard leaves them alone). Default: none. */
  pii?: { allow?: readonly (keyof z.output<P> & string)[] };
  /** The properties, as a zod object. Omit for an event without properties. */
  properties?: P;
  /**
   * Keep properties the schema does not declare (JSON Schema `additionalProperties: true`), as most
   * imported plans allow: they are not reported, and still pass the PII and size guards. Default false:
   * undeclared properties are removed and reported.
   */
  open?: boolean;
}

/** The description `trackplan import` writes for an event that had none; `trackplan check` warns about it. */
export const IMPORTED_DESCRIPTION_PLACEHOLDER = 'TODO: describe this event (imported without a description)';
/** The same for a property (`.describe(IMPORTED_PROPERTY_DESCRIPTION_PLACEHOLDER)`). */
export const IMPORTED_PROPERTY_DESCRIPTION_PLACEHOLDER = 'TODO: describe this property (imported without a description)';

/** An event as `defineEvent` returns it: whether it has properties is kept in the type. */
export type DefinedEvent<P extends ObjectSchema | undefined> = P extends ObjectSchema
  ? EventDefinition<P> & { properties: P }
  : EventDefinition<ObjectSchema> & { properties?: undefined };

/** `{ open: true }` in the type when the event was declared open, so track() takes extra keys. */
type OpenMark<O> = O extends true ? { open: true } : {};

/** Declares one event. The identity function that keeps the literal types. */
export function defineEvent<const P extends ObjectSchema, const O extends boolean = false>(
  definition: EventDefinition<P> & { properties: P; open?: O },
): DefinedEvent<P> & OpenMark<O>;
export function defineEvent<const O extends boolean = false>(
  definition: Omit<EventDefinition<ObjectSchema>, 'properties' | 'revenue' | 'pii' | 'open'> & { properties?: undefined; open?: O },
): DefinedEvent<undefined> & OpenMark<O>;
export function defineEvent(definition: EventDefinition<any>): EventDefinition<any> {
  return definition;
}

type AnyEvents = Record<string, EventDefinition<any>>;

export interface CatalogDefinition<
  E extends AnyEvents = AnyEvents,
  P extends ObjectSchema | undefined = ObjectSchema | undefined,
  G extends Record<string, ObjectSchema> = Record<string, ObjectSchema>,
  F extends AnyFlags = AnyFlags,
> {
  /** The catalog's name: a slug (letters, digits, `-`, `_`). */
  name: string;
  /** The catalog's own schema version. */
  version: number;
  /** Person traits for `identify` (PostHog `$set`). */
  person?: P;
  /** Group types and their properties for `groupIdentify`. */
  groups?: G;
  events: E;
  /** Feature flags by key, each from `defineFlag()`. */
  flags?: F;
  /**
   * The naming rule `trackplan check` holds event names to: `'snake'` (`signup_page_viewed`),
   * `'dotted'` (`checkout.start`) or `'any'` (no rule; imported wire names such as "Order Completed").
   * @default { events: 'snake-or-dotted' } (lowercase names, either way, mixed in one plan)
   */
  naming?: { events?: EventNaming };
  /** Funnels over these events, each from `defineFunnel()`: `catalog.funnels.<name>` for `funnel()` in `trackplan/reports`. */
  funnels?: AnyFunnels;
  /** KPIs over these events (`timeToFirst`, `timeToNth`, `activation`, `retention`, `revenueSeries`): `catalog.metrics.<name>`. */
  metrics?: AnyMetrics;
}

/** How event names are written: see `CatalogDefinition.naming`. */
export type EventNaming = 'snake' | 'dotted' | 'snake-or-dotted' | 'any';

type DeclaredInput<D> = D extends { properties: infer P extends ObjectSchema } ? z.input<P> : Record<string, never>;
/** What track() takes: the declared properties, plus any other key for an `open: true` event. */
type PropsInput<D> = D extends { open: true }
  ? D extends { properties: infer P extends ObjectSchema }
    ? z.input<P> & { [key: string]: unknown }
    : Record<string, unknown>
  : DeclaredInput<D>;

/**
 * A catalog: the zod-free runtime form plus, at the type level only, what each call accepts.
 * `Events` maps event names to property types; generated clients build one without zod.
 */
export interface Catalog<
  Events extends object = Record<string, object>,
  Person extends object = Record<string, unknown>,
  Groups extends object = Record<string, Record<string, unknown>>,
  Flags extends object = {},
> extends RuntimeCatalog {
  /** Type carrier only; never set at run time. */
  readonly '~types'?: { events: Events; person: Person; groups: Groups; flags: Flags };
}

/** A catalog defined with zod: it also keeps the schemas, for the CLI (JSON Schema, docs, diff). */
export interface ZodCatalog<
  E extends AnyEvents = AnyEvents,
  P extends ObjectSchema | undefined = ObjectSchema | undefined,
  G extends Record<string, ObjectSchema> = Record<string, ObjectSchema>,
  F extends AnyFlags = {},
  Fn extends AnyFunnels = AnyFunnels,
  M extends AnyMetrics = AnyMetrics,
> extends Catalog<
    { [K in keyof E & string]: Simplify<PropsInput<E[K]>> },
    P extends ObjectSchema ? z.input<P> : Record<string, never>,
    { [K in keyof G & string]: z.input<G[K]> },
    FlagTypes<F>
  > {
  readonly definition: CatalogDefinition<E, P, G, F>;
  /** The declared funnels, compiled: pass one to `funnel()` from `trackplan/reports`. */
  readonly funnels: { readonly [K in keyof Fn]: FunnelSpec };
  /** The declared metrics, compiled: pass one to `metric()` from `trackplan/reports`. */
  readonly metrics: { readonly [K in keyof M]: MetricSpec };
}

export type EventsOf<C> = C extends Catalog<infer E, any, any> ? E : never;
export type EventNameOf<C> = keyof EventsOf<C> & string;
export type PropsOf<C, N extends string> = N extends keyof EventsOf<C> ? EventsOf<C>[N] : never;
export type PersonOf<C> = C extends Catalog<any, infer P, any> ? P : never;
export type GroupsOf<C> = C extends Catalog<any, any, infer G> ? G : never;
export type GroupTypeOf<C> = keyof GroupsOf<C> & string;
/** `{ value, payload }` by flag key. */
export type FlagsOf<C> = C extends Catalog<any, any, any, infer F> ? F : never;
export type FlagKeyOf<C> = keyof FlagsOf<C> & string;

const NAME_PATTERN = /^[a-z][a-z0-9]*(?:[._][a-z0-9]+)*$/;
const CATALOG_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Builds a catalog from zod schemas. Throws at start-up, with what to fix, on a malformed one. */
export function defineCatalog<
  const E extends AnyEvents,
  P extends ObjectSchema | undefined = undefined,
  G extends Record<string, ObjectSchema> = {},
  const F extends AnyFlags = {},
  const Fn extends AnyFunnels = {},
  const M extends AnyMetrics = {},
>(
  definition: CatalogDefinition<E, P, G, F> & { funnels?: Fn & CheckFunnels<Fn, NoInfer<E>>; metrics?: M & CheckMetrics<M, NoInfer<E>> },
): ZodCatalog<E, P, G, F, Fn, M> {
  if (!definition || typeof definition !== 'object') throw new TrackplanConfigError('defineCatalog() needs an object: { name, version, events }.');
  const { name, version, events } = definition;
  if (typeof name !== 'string' || !CATALOG_NAME_PATTERN.test(name))
    throw new TrackplanConfigError(`defineCatalog(): name must be a slug of letters, digits, "-" or "_" (got ${JSON.stringify(name)}).`);
  if (!Number.isInteger(version) || version < 1)
    throw new TrackplanConfigError(`defineCatalog(${name}): version must be a positive integer (got ${JSON.stringify(version)}).`);
  if (!events || typeof events !== 'object') throw new TrackplanConfigError(`defineCatalog(${name}): events must be an object of defineEvent() entries.`);

  const runtimeEvents: Record<string, RuntimeEventSpec> = {};
  for (const [eventName, event] of Object.entries(events)) {
    runtimeEvents[eventName] = toRuntimeEvent(name, eventName, event, definition.naming?.events === 'any');
  }
  const groups: Record<string, Validator> = {};
  for (const [groupType, schema] of Object.entries(definition.groups ?? {})) {
    groups[groupType] = zodValidator(schema, `${name}: group "${groupType}"`);
  }
  if (definition.flags !== undefined && (!definition.flags || typeof definition.flags !== 'object'))
    throw new TrackplanConfigError(`defineCatalog(${name}): flags must be an object of defineFlag() entries.`);
  const flags: Record<string, RuntimeFlagSpec> = {};
  for (const [key, flag] of Object.entries(definition.flags ?? {})) flags[key] = toRuntimeFlag(name, key, flag);
  const { funnels, metrics } = compileReports(name, definition, runtimeEvents);
  return {
    name,
    version,
    events: runtimeEvents,
    person: definition.person ? zodValidator(definition.person, `${name}: person`) : undefined,
    groups,
    ...(definition.flags ? { flags } : {}),
    funnels,
    metrics,
    definition,
  } as ZodCatalog<E, P, G, F, Fn, M>;
}

/** Compiles the declared funnels and metrics against the catalog's events (their property shapes). */
function compileReports(name: string, definition: CatalogDefinition, runtimeEvents: Record<string, RuntimeEventSpec>) {
  for (const key of ['funnels', 'metrics'] as const) {
    const value = definition[key];
    if (value !== undefined && (!value || typeof value !== 'object' || Array.isArray(value)))
      throw new TrackplanConfigError(`defineCatalog(${name}): ${key} must be an object of ${key === 'funnels' ? 'defineFunnel()' : 'metric'} entries by name.`);
  }
  const shapes: EventShapes = new Map(Object.entries(definition.events).map(([eventName, event]) => [eventName, (event.properties ? shapeOf(event.properties) : undefined) ?? {}]));
  const revenueEvents = Object.values(runtimeEvents)
    .filter((event) => event.revenue)
    .map((event) => ({ event: event.name, amount: event.revenue!.amount, currency: event.revenue!.currency ?? null }));
  const funnels: Record<string, FunnelSpec> = {};
  for (const [key, funnel] of Object.entries(definition.funnels ?? {})) funnels[key] = toFunnelSpec(name, key, funnel, shapes);
  const metrics: Record<string, MetricSpec> = {};
  for (const [key, metric] of Object.entries(definition.metrics ?? {})) metrics[key] = toMetricSpec(name, key, metric, shapes, revenueEvents);
  return { funnels, metrics };
}

function toRuntimeEvent(catalogName: string, eventName: string, event: EventDefinition<any>, anyName: boolean): RuntimeEventSpec {
  const where = `defineCatalog(${catalogName}): event "${eventName}"`;
  // A wire name already in PostHog or Segment ("Order Completed") is kept as it is under naming: { events: 'any' }.
  if (anyName ? eventName.trim() === '' : !NAME_PATTERN.test(eventName))
    throw new TrackplanConfigError(
      anyName
        ? `${where}: an event name must not be empty.`
        : `${where}: names are snake_case or dotted lower case (e.g. "order_paid" or "order.paid"); to keep wire names such as "Order Completed", set naming: { events: 'any' }.`,
    );
  if (!event || typeof event !== 'object') throw new TrackplanConfigError(`${where}: use defineEvent({ description, properties }).`);
  if (typeof event.description !== 'string' || event.description.trim() === '')
    throw new TrackplanConfigError(`${where}: add a description (one sentence saying what happened).`);
  const version = event.version ?? 1;
  if (!Number.isInteger(version) || version < 1) throw new TrackplanConfigError(`${where}: version must be a positive integer.`);
  if (event.open !== undefined && typeof event.open !== 'boolean') throw new TrackplanConfigError(`${where}: open must be true or false.`);
  const open = event.open === true;
  const shape = event.properties ? shapeOf(event.properties) : {};
  if (event.properties && !shape) throw new TrackplanConfigError(`${where}: properties must be a z.object({...}).`);
  const revenue = event.revenue as RevenueMapping | undefined;
  if (revenue) {
    for (const key of [revenue.amount, revenue.currency]) {
      if (key !== undefined && !(key in (shape ?? {})))
        throw new TrackplanConfigError(`${where}: revenue names property "${key}", which the properties schema does not declare.`);
    }
  }
  return {
    name: eventName,
    description: event.description,
    version,
    destinations: event.destinations ? [...event.destinations] : undefined,
    revenue: revenue ? { ...revenue } : undefined,
    piiAllow: [...(event.pii?.allow ?? [])],
    ...(open ? { open } : {}),
    validate: event.properties ? zodValidator(event.properties, where, open) : open ? keepEverything : emptyValidator,
  };
}

/** The declared keys of a zod object (v4 exposes `shape`; pipes and refinements wrap it). */
export function shapeOf(schema: unknown): Record<string, unknown> | undefined {
  let current = schema as { shape?: unknown; _zod?: { def?: { in?: unknown; innerType?: unknown; schema?: unknown } } } | undefined;
  for (let depth = 0; current && depth < 8; depth++) {
    if (current.shape && typeof current.shape === 'object') return current.shape as Record<string, unknown>;
    const def = current._zod?.def;
    current = (def?.in ?? def?.innerType ?? def?.schema) as typeof current;
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const notAnObject = (input: unknown): ValidationResult => ({
  ok: false,
  value: {},
  issues: [{ path: [], code: 'invalid_type', message: `expected an object of properties, received ${input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input}` }],
  unknownKeys: [],
});

function emptyValidator(input: unknown): ValidationResult {
  if (input === undefined) return { ok: true, value: {}, issues: [], unknownKeys: [] };
  if (!isPlainObject(input)) return notAnObject(input);
  let unknownKeys: string[];
  try {
    unknownKeys = Object.keys(input);
  } catch {
    unknownKeys = [];
  }
  return { ok: true, value: {}, issues: [], unknownKeys };
}

/** An open event without declared properties: every key is kept, none reported. */
function keepEverything(input: unknown): ValidationResult {
  if (input === undefined) return { ok: true, value: {}, issues: [], unknownKeys: [] };
  if (!isPlainObject(input)) return notAnObject(input);
  try {
    return { ok: true, value: { ...input }, issues: [], unknownKeys: [] };
  } catch (error) {
    return { ok: false, value: {}, issues: [{ path: [], code: 'custom', message: `the properties could not be read: ${String(error)}` }], unknownKeys: [] };
  }
}

const NO_KEYS: readonly string[] = Object.freeze([]);
const NO_ISSUES = Object.freeze([]) as unknown as ValidationIssue[];

/** Whether the object's enumerable keys are exactly `keys`, in that order. */
function hasKeysInOrder(object: Record<string, unknown>, keys: readonly string[]): boolean {
  let i = 0;
  for (const key in object) if (key !== keys[i++]) return false;
  return i === keys.length && keys.length > 0;
}

/**
 * Wraps a zod object schema as a Validator that never throws. `open`: undeclared keys are kept in the
 * value (after the declared ones), not reported.
 */
function zodValidator(schema: ObjectSchema, where: string, open = false): Validator {
  const shape = shapeOf(schema);
  if (!shape || typeof (schema as { safeParse?: unknown }).safeParse !== 'function')
    throw new TrackplanConfigError(`${where}: expected a z.object({...}) schema.`);
  const known = new Set(Object.keys(shape));
  // The keys of the last input that needed no copy, in order: calls from one site repeat them, and
  // comparing interned key strings costs less than a set lookup each.
  let lastKeys: readonly string[] = NO_KEYS;
  return (input) => {
    if (input === undefined) input = {};
    if (!isPlainObject(input)) return notAnObject(input);
    let unknownKeys: string[] = NO_KEYS as string[];
    let known_: Record<string, unknown> = input;
    let extra: Record<string, unknown> | undefined;
    try {
      const proto = Object.getPrototypeOf(input);
      const plain = proto === Object.prototype || proto === null;
      if (!plain || !hasKeysInOrder(input, lastKeys)) {
        const keys = Object.keys(input);
        for (const key of keys) if (!known.has(key)) (unknownKeys === NO_KEYS ? (unknownKeys = []) : unknownKeys).push(key);
        // Copy only when something must be removed: the common case parses the caller's object as is.
        if (unknownKeys.length || !plain) {
          known_ = {};
          for (const key of keys) if (known.has(key)) known_[key] = input[key];
        } else lastKeys = keys;
        if (open && unknownKeys.length) {
          extra = {};
          // defineProperty: a key named "__proto__" stays a plain property.
          for (const key of unknownKeys) Object.defineProperty(extra, key, { value: input[key], enumerable: true, writable: true, configurable: true });
          unknownKeys = NO_KEYS as string[];
        }
      }
    } catch (error) {
      // A throwing getter or Proxy trap: report it, never throw into the host.
      return { ok: false, value: known_, issues: [{ path: [], code: 'custom', message: `the properties could not be read: ${String(error)}` }], unknownKeys };
    }
    let result: { success: boolean; data?: unknown; error?: { issues: { path: PropertyKey[]; message: string; code: string }[] } };
    try {
      result = schema.safeParse(known_);
    } catch (error) {
      // A throwing getter or refinement: report it as an issue, never into the host.
      return { ok: false, value: known_, issues: [{ path: [], code: 'custom', message: `validation threw: ${String(error)}` }], unknownKeys };
    }
    if (extra) {
      // zod parsed the declared keys only; the others travel on unchecked (the guards still see them), as the plan allows.
      const kept = { ...(result.success ? (result.data as Record<string, unknown>) : known_), ...extra };
      if (result.success) return { ok: true, value: kept, issues: NO_ISSUES, unknownKeys };
      known_ = kept;
    }
    if (result.success) return { ok: true, value: result.data as Record<string, unknown>, issues: NO_ISSUES, unknownKeys };
    const issues: ValidationIssue[] = (result.error?.issues ?? []).map((issue) => ({
      path: issue.path.map((p) => (typeof p === 'number' ? p : String(p))),
      code: issue.code,
      message: issue.message,
    }));
    return { ok: false, value: known_, issues, unknownKeys };
  };
}

/** Builds a typed catalog from an already compiled runtime form (what generated clients do). */
export function defineCompiledCatalog<
  Events extends object,
  Person extends object = Record<string, never>,
  Groups extends object = {},
  Flags extends object = {},
>(runtime: Omit<RuntimeCatalog, 'flags'> & { flags?: Readonly<Record<string, CompiledFlag>> }): Catalog<Events, Person, Groups, Flags> {
  if (!runtime.flags) return runtime as Catalog<Events, Person, Groups, Flags>;
  const flags: Record<string, RuntimeFlagSpec> = {};
  for (const [key, flag] of Object.entries(runtime.flags)) flags[key] = compiledFlagSpec(key, flag);
  return { ...runtime, flags } as Catalog<Events, Person, Groups, Flags>;
}

/** A zod schema's description, looking through optional/nullable/default wrappers (zod v4 keeps it on the inner schema). */
export function descriptionOf(schema: unknown): string | undefined {
  let current = schema as { description?: string; _zod?: { def?: { innerType?: unknown; in?: unknown } } } | undefined;
  for (let depth = 0; current && depth < 8; depth++) {
    if (current.description) return current.description;
    current = (current._zod?.def?.innerType ?? current._zod?.def?.in) as typeof current;
  }
  return undefined;
}
