import type { EventRef } from '../core/event-ref';
import type { ReportUnit } from '../core/funnels';
import type { QueryParams } from './db';

/** The outbox column a unit is read from. Fixed strings, never user input. */
export function unitColumn(by: ReportUnit): 'user_id' | 'organization_id' {
  return by === 'organization' ? 'organization_id' : 'user_id';
}

/**
 * The SQL condition that event row `alias` matches `ref`: its name and, for a `where`, jsonb
 * containment of the property values (`{"is_first_login": true}`), all as parameters.
 */
export function matchRef(alias: string, ref: EventRef, params: QueryParams): string {
  const parts = [`${alias}.event_name = ${params.add(ref.event)}`];
  if (ref.where) parts.push(`${alias}.properties @> ${params.add(JSON.stringify(ref.where))}::jsonb`);
  return parts.join(' AND ');
}

/** The tenant filter on row `alias`: `organizationId` scopes every row a report reads. */
export function tenantFilter(alias: string, organizationId: string | undefined, params: QueryParams): string {
  return organizationId === undefined ? 'true' : `${alias}.organization_id = ${params.add(organizationId)}`;
}

/** Seconds as an interval parameter. */
export function intervalParam(seconds: number, params: QueryParams): string {
  return `${params.add(`${seconds} seconds`)}::interval`;
}

/** Seconds between two timestamptz expressions, as double precision (percentile_cont needs it). */
export function secondsBetween(later: string, earlier: string): string {
  return `extract(epoch FROM (${later} - ${earlier}))::float8`;
}
