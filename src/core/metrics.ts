import { durationSeconds, type Duration } from './duration';
import { TrackplanConfigError } from './errors';
import { toEventRef, type CheckRef, type EventRef, type EventRefInput, type EventShapes, type WhereValue } from './event-ref';
import type { ReportUnit } from './funnels';

/**
 * KPIs declared in the catalog. Each helper returns a plain definition; `defineCatalog({ metrics })`
 * checks its events against the catalog and compiles it to a `MetricSpec` (`catalog.metrics.<name>`).
 */

interface MetricCommon {
  /** One sentence for generated docs. Default: a sentence built from the definition. */
  description?: string;
  /** @default 'user' */
  by?: ReportUnit;
}

/** A metric as written in the catalog. `~refs` carries its event references for the compile-time check. */
export type MetricDefinition<Refs extends readonly EventRefInput[] = readonly EventRefInput[]> = MetricCommon & {
  readonly '~refs'?: Refs;
} & (
    | { kind: 'time_to_first'; event: EventRef; from: EventRefInput; within?: Duration }
    | { kind: 'time_to_nth'; event: EventRef; n: number; from: EventRefInput; within?: Duration }
    | { kind: 'activation'; from: EventRefInput; all: readonly EventRefInput[]; within: Duration }
    | { kind: 'retention'; start: EventRefInput; return: EventRefInput; period: 'day' | 'week'; mode?: 'first_time' | 'recurring' }
    | { kind: 'revenue' }
  );

type Where = Readonly<Record<string, WhereValue>>;

/**
 * Time from each unit's first `from` event to its first `event` after it (matching `where`, within
 * `within` when given). Cohort: units whose first `from` event falls in the range.
 * @example timeToFirst('batch_started', { from: 'user_login_succeeded' })
 */
export function timeToFirst<const N extends string, const R extends EventRefInput, const W extends Where = {}>(
  event: N,
  options: MetricCommon & { from: R; where?: W; within?: Duration },
): MetricDefinition<readonly [{ event: N; where: W }, R]> {
  const { from, where, within, ...common } = options ?? ({} as typeof options);
  return { ...common, kind: 'time_to_first', event: refOf(event, where), from, ...(within !== undefined ? { within } : {}) };
}

/**
 * Time from each unit's first `from` event to its `n`-th `event` after it (time to second use: n = 2).
 * @example timeToNth('recipe_created', 2, { from: 'user_login_succeeded' })
 */
export function timeToNth<const N extends string, const R extends EventRefInput, const W extends Where = {}>(
  event: N,
  n: number,
  options: MetricCommon & { from: R; where?: W; within?: Duration },
): MetricDefinition<readonly [{ event: N; where: W }, R]> {
  const { from, where, within, ...common } = options ?? ({} as typeof options);
  return { ...common, kind: 'time_to_nth', event: refOf(event, where), n, from, ...(within !== undefined ? { within } : {}) };
}

/**
 * Share of units that did every event in `all` within `within` of their first `from` event. Only
 * cohorts whose window has fully elapsed count.
 * @example activation({ from: 'user_login_succeeded', all: ['recipe_created', 'batch_started'], within: '7d' })
 */
export function activation<const R extends EventRefInput, const A extends readonly [EventRefInput, ...EventRefInput[]]>(
  options: MetricCommon & { from: R; all: A; within: Duration },
): MetricDefinition<readonly [R, ...A]> {
  return { ...options, kind: 'activation' };
}

/**
 * Period-1 retention with 24-hour windows from each unit's start event: `period: 'week'` is week 1,
 * days 7 to 14 after the start. `first_time` (default): one cohort entry per unit, its first start
 * event. `recurring`: one entry per period in which the unit did the start event.
 * @example retention({ start: 'user_login_succeeded', return: 'batch_started', period: 'week' })
 */
export function retention<const S extends EventRefInput, const R extends EventRefInput>(
  options: MetricCommon & { start: S; return: R; period: 'day' | 'week'; mode?: 'first_time' | 'recurring' },
): MetricDefinition<readonly [S, R]> {
  return { ...options, kind: 'retention' };
}

/** Revenue from the catalog's events that declare `revenue`, summed per currency. */
export function revenueSeries(options: { description?: string } = {}): MetricDefinition<readonly []> {
  return { ...options, kind: 'revenue' };
}

function refOf(event: string, where: Where | undefined): EventRef {
  return where === undefined ? { event } : { event, where: { ...where } };
}

export type AnyMetrics = Record<string, MetricDefinition<readonly EventRefInput[]>>;

/** Compile-time check of every metric's events, `where` properties and values against the catalog's events `E`. */
export type CheckMetrics<M, E> = {
  [K in keyof M]: M[K] extends { readonly '~refs'?: infer Refs extends readonly unknown[] } ? M[K] & { readonly '~refs'?: { readonly [I in keyof Refs]: CheckRef<Refs[I], E> } } : M[K];
};

interface SpecCommon {
  name: string;
  description: string;
  by: ReportUnit;
}

/** A metric as report functions take it (`catalog.metrics.<name>`): plain JSON-able data, tagged by `kind`. */
export type MetricSpec =
  | (SpecCommon & { kind: 'time_to_first'; event: EventRef; from: EventRef; within: Duration | null; withinSeconds: number | null })
  | (SpecCommon & { kind: 'time_to_nth'; event: EventRef; n: number; from: EventRef; within: Duration | null; withinSeconds: number | null })
  | (SpecCommon & { kind: 'activation'; from: EventRef; all: EventRef[]; within: Duration; withinSeconds: number })
  | (SpecCommon & { kind: 'retention'; start: EventRef; return: EventRef; period: 'day' | 'week'; periodSeconds: number; mode: 'first_time' | 'recurring' })
  | (SpecCommon & { kind: 'revenue'; /** The events that declare revenue, with their amount and currency properties. */ events: { event: string; amount: string; currency: string | null }[] });

export type MetricKind = MetricSpec['kind'];

/** The catalog events a metric counts, in declaration order, without repeats. */
export function metricEvents(spec: MetricSpec): string[] {
  const names =
    spec.kind === 'time_to_first' || spec.kind === 'time_to_nth'
      ? [spec.from.event, spec.event.event]
      : spec.kind === 'activation'
        ? [spec.from.event, ...spec.all.map((ref) => ref.event)]
        : spec.kind === 'retention'
          ? [spec.start.event, spec.return.event]
          : spec.events.map((e) => e.event);
  return [...new Set(names)];
}

const describeRef = (ref: EventRef) => (ref.where ? `${ref.event} (${Object.entries(ref.where).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')})` : ref.event);

/** Checks a metric definition against the catalog and compiles it; throws at start-up, with what to fix. */
export function toMetricSpec(
  catalogName: string,
  name: string,
  definition: MetricDefinition,
  events: EventShapes,
  revenueEvents: { event: string; amount: string; currency: string | null }[],
): MetricSpec {
  const where = `defineCatalog(${catalogName}): metric "${name}"`;
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new TrackplanConfigError(`${where}: names are letters, digits and "_" (e.g. "activation_7d").`);
  if (!definition || typeof definition !== 'object' || typeof definition.kind !== 'string')
    throw new TrackplanConfigError(`${where}: use timeToFirst(), timeToNth(), activation(), retention() or revenueSeries().`);
  if (definition.description !== undefined && (typeof definition.description !== 'string' || definition.description.trim() === ''))
    throw new TrackplanConfigError(`${where}: description must be a non-empty string.`);
  const by = definition.by ?? 'user';
  if (by !== 'user' && by !== 'organization') throw new TrackplanConfigError(`${where}: by must be 'user' or 'organization' (got ${JSON.stringify(by)}).`);
  const ref = (input: unknown, label: string) => toEventRef(input, events, `${where}: ${label}`);
  const common = (description: string) => ({ name, description: definition.description ?? description, by });
  switch (definition.kind) {
    case 'time_to_first':
    case 'time_to_nth': {
      const event = ref(definition.event, 'event');
      const from = ref(definition.from, 'from');
      const within = definition.within ?? null;
      const withinSeconds = within === null ? null : durationSeconds(within, `${where}: within`);
      if (definition.kind === 'time_to_first')
        return { ...common(`Time from the first ${describeRef(from)} to the first ${describeRef(event)} after it.`), kind: 'time_to_first', event, from, within, withinSeconds };
      const n = definition.n;
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw new TrackplanConfigError(`${where}: n must be a whole number from 1 to 1000 (got ${JSON.stringify(n)}).`);
      return { ...common(`Time from the first ${describeRef(from)} to the ${ordinal(n)} ${describeRef(event)} after it.`), kind: 'time_to_nth', event, n, from, within, withinSeconds };
    }
    case 'activation': {
      const from = ref(definition.from, 'from');
      if (!Array.isArray(definition.all) || definition.all.length === 0)
        throw new TrackplanConfigError(`${where}: all must list at least one event, e.g. all: ['recipe_created'].`);
      const all = definition.all.map((input, i) => ref(input, `all[${i}]`));
      const withinSeconds = durationSeconds(definition.within, `${where}: within`);
      return { ...common(`Share of units that did ${all.map(describeRef).join(' and ')} within ${definition.within} of their first ${describeRef(from)}.`), kind: 'activation', from, all, within: definition.within, withinSeconds };
    }
    case 'retention': {
      const start = ref(definition.start, 'start');
      const back = ref(definition.return, 'return');
      const period = definition.period;
      if (period !== 'day' && period !== 'week') throw new TrackplanConfigError(`${where}: period must be 'day' or 'week' (got ${JSON.stringify(period)}).`);
      const mode = definition.mode ?? 'first_time';
      if (mode !== 'first_time' && mode !== 'recurring') throw new TrackplanConfigError(`${where}: mode must be 'first_time' or 'recurring' (got ${JSON.stringify(mode)}).`);
      return {
        ...common(`Share of units with ${describeRef(back)} in the ${period} after their ${mode === 'first_time' ? 'first ' : ''}${describeRef(start)} (${mode}, 24-hour windows).`),
        kind: 'retention',
        start,
        return: back,
        period,
        periodSeconds: period === 'day' ? 86_400 : 604_800,
        mode,
      };
    }
    case 'revenue':
      if (revenueEvents.length === 0) throw new TrackplanConfigError(`${where}: revenueSeries() needs at least one event that declares revenue: { amount, currency }.`);
      return { ...common(`Revenue per currency from ${revenueEvents.map((e) => e.event).join(', ')}.`), kind: 'revenue', events: revenueEvents.map((e) => ({ ...e })) };
    default:
      throw new TrackplanConfigError(`${where}: unknown metric kind ${JSON.stringify((definition as { kind: unknown }).kind)}; use timeToFirst(), timeToNth(), activation(), retention() or revenueSeries().`);
  }
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}
