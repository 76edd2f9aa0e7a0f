import type * as z from 'zod';
import { TrackplanConfigError } from './errors';

/**
 * A reference to catalog events, typed against the catalog: an event name, or a name and a `where`
 * filter of property values (equality, all of them). Shared by funnels and metrics.
 */

/** A property value a `where` filter can compare with equality. */
export type WhereValue = string | number | boolean | null;

type EventPropsOf<D> = D extends { properties: infer P extends z.ZodType } ? z.output<P> : {};

/** The `where` filter an event accepts: each declared property, with its own scalar type. */
export type WhereOf<D> = { [K in keyof EventPropsOf<D>]?: Extract<EventPropsOf<D>[K], WhereValue> };

/** The runtime form: always an object. */
export interface EventRef {
  event: string;
  where?: Record<string, WhereValue>;
}

/** What a declaration accepts before the catalog checks it. */
export type EventRefInput = string | { readonly event: string; readonly where?: Readonly<Record<string, WhereValue>> };

/** The names of the catalog events a reference input names. */
export type RefEventName<R> = R extends string ? R : R extends { event: infer N extends string } ? N : never;

/**
 * Checks one reference against the catalog's events `E` at compile time: an unknown event, an
 * unknown property or a value of the wrong type is an error on the declaration.
 */
export type CheckRef<R, E> = R extends keyof E & string
  ? R
  : R extends { event: infer N extends keyof E & string; where?: infer W }
    ? { readonly event: N; readonly where?: WhereOf<E[N]> & { readonly [K in Exclude<keyof W, keyof EventPropsOf<E[N]>>]: never } }
    : keyof E & string;

/** The declared property schemas of each catalog event (an event without properties has `{}`). */
export type EventShapes = ReadonlyMap<string, Readonly<Record<string, unknown>>>;

/** Normalises a reference and checks it against the catalog's events; throws naming `where`. */
export function toEventRef(input: unknown, events: EventShapes, where: string): EventRef {
  const ref = typeof input === 'string' ? { event: input } : (input as EventRef | null);
  if (!ref || typeof ref !== 'object' || typeof ref.event !== 'string')
    throw new TrackplanConfigError(`${where}: expected an event name or { event, where } (got ${JSON.stringify(input)}).`);
  const shape = events.get(ref.event);
  if (!shape)
    throw new TrackplanConfigError(`${where}: "${ref.event}" is not an event of this catalog; declare it under events or fix the name.`);
  if (ref.where === undefined) return { event: ref.event };
  if (!ref.where || typeof ref.where !== 'object' || Array.isArray(ref.where))
    throw new TrackplanConfigError(`${where}: where must be an object of property values, e.g. { is_first_login: true }.`);
  const filter: Record<string, WhereValue> = {};
  for (const [key, value] of Object.entries(ref.where)) {
    if (value !== null && !['string', 'number', 'boolean'].includes(typeof value))
      throw new TrackplanConfigError(`${where}: where.${key} must be a string, number, boolean or null (got ${typeof value}).`);
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TrackplanConfigError(`${where}: where.${key} must be a finite number.`);
    if (!Object.prototype.hasOwnProperty.call(shape, key))
      throw new TrackplanConfigError(`${where}: where names "${key}", which event "${ref.event}" does not declare.`);
    const schema = shape[key] as { safeParse?: (v: unknown) => { success: boolean } };
    if (typeof schema?.safeParse === 'function' && !schema.safeParse(value).success)
      throw new TrackplanConfigError(`${where}: where.${key} = ${JSON.stringify(value)} is not a value "${ref.event}".${key} accepts.`);
    filter[key] = value;
  }
  return Object.keys(filter).length ? { event: ref.event, where: filter } : { event: ref.event };
}
