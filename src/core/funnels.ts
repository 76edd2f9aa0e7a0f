import { durationSeconds, type Duration } from './duration';
import { TrackplanConfigError } from './errors';
import { toEventRef, type CheckRef, type EventRef, type EventRefInput, type EventShapes } from './event-ref';

/** Whose journey a funnel or metric follows: the outbox's `user_id` or its `organization_id`. */
export type ReportUnit = 'user' | 'organization';

/** A funnel as written in the catalog, before the catalog checks its steps against its events. */
export interface FunnelDefinition<Steps extends readonly EventRefInput[] = readonly EventRefInput[]> {
  /** What the funnel measures, in one sentence. Shown in generated docs. */
  description: string;
  /** Two or more steps: an event name, or `{ event, where: { property: value } }`. */
  steps: Steps;
  /**
   * How long after step 1 the later steps may happen (inclusive): `<n>m|h|d|w`.
   * @default '14d' (PostHog's default conversion window)
   */
  window?: Duration;
  /** @default 'user' */
  by?: ReportUnit;
  /**
   * `'ordered'`: other events may happen between the steps. `'strict'`: any other event of the unit
   * between two steps breaks the chain. PostHog's meanings.
   * @default 'ordered'
   */
  order?: 'ordered' | 'strict';
  /** Type carrier: marks a defineFunnel() result. */
  readonly '~funnel'?: true;
}

/** A funnel as report functions take it: plain JSON-able data (`catalog.funnels.<name>`). */
export interface FunnelSpec {
  kind: 'funnel';
  name: string;
  description: string;
  steps: EventRef[];
  window: Duration;
  windowSeconds: number;
  by: ReportUnit;
  order: 'ordered' | 'strict';
}

/**
 * Declares a funnel next to the events it counts. Its steps, `where` filters and values are
 * checked against the catalog's events when it is placed under `defineCatalog({ funnels })`.
 * @example
 * defineFunnel({ description: 'First login to first batch', window: '7d',
 *   steps: [{ event: 'user_login_succeeded', where: { is_first_login: true } }, 'recipe_created', 'batch_started'] })
 */
export function defineFunnel<const Steps extends readonly [EventRefInput, EventRefInput, ...EventRefInput[]]>(definition: FunnelDefinition<Steps>): FunnelDefinition<Steps> {
  return definition;
}

export type AnyFunnels = Record<string, FunnelDefinition<readonly EventRefInput[]>>;

/** Compile-time check of every funnel's steps against the catalog's events `E`. */
export type CheckFunnels<F, E> = {
  [K in keyof F]: F[K] extends { steps: infer S extends readonly unknown[] } ? Omit<F[K], 'steps'> & { steps: { readonly [I in keyof S]: CheckRef<S[I], E> } } : F[K];
};

const DEFAULT_WINDOW: Duration = '14d';

/** Checks a funnel definition against the catalog and compiles it; throws at start-up, with what to fix. */
export function toFunnelSpec(catalogName: string, name: string, definition: FunnelDefinition, events: EventShapes): FunnelSpec {
  const where = `defineCatalog(${catalogName}): funnel "${name}"`;
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new TrackplanConfigError(`${where}: names are letters, digits and "_" (e.g. "first_value").`);
  if (!definition || typeof definition !== 'object') throw new TrackplanConfigError(`${where}: use defineFunnel({ description, steps }).`);
  if (typeof definition.description !== 'string' || definition.description.trim() === '')
    throw new TrackplanConfigError(`${where}: add a description (one sentence saying what it measures).`);
  if (!Array.isArray(definition.steps) || definition.steps.length < 2)
    throw new TrackplanConfigError(`${where}: a funnel needs at least 2 steps (got ${Array.isArray(definition.steps) ? definition.steps.length : 'none'}).`);
  if (definition.steps.length > 20) throw new TrackplanConfigError(`${where}: at most 20 steps (got ${definition.steps.length}).`);
  const steps = definition.steps.map((step, i) => toEventRef(step, events, `${where}: step ${i + 1}`));
  const window = definition.window ?? DEFAULT_WINDOW;
  const windowSeconds = durationSeconds(window, `${where}: window`);
  const by = definition.by ?? 'user';
  if (by !== 'user' && by !== 'organization') throw new TrackplanConfigError(`${where}: by must be 'user' or 'organization' (got ${JSON.stringify(by)}).`);
  const order = definition.order ?? 'ordered';
  if (order !== 'ordered' && order !== 'strict') throw new TrackplanConfigError(`${where}: order must be 'ordered' or 'strict' (got ${JSON.stringify(order)}).`);
  return { kind: 'funnel', name, description: definition.description, steps, window, windowSeconds, by, order };
}
