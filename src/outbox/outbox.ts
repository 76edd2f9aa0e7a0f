import type { Catalog } from '../core/catalog';
import { CatalogViolationError, TrackplanConfigError } from '../core/errors';
import { guardOptionsFrom, type SharedTrackerOptions } from '../core/tracker';
import { prepareTrack, type PipelineContext, type TrackCallOptions } from '../core/pipeline';
import type { Envelope, Violation } from '../core/types';
import { createUuidV7 } from '../core/uuid';
import { LIBRARY } from '../core/version';
import { organizationIdOf } from '../destinations/_shared/webhook-envelope';
import { randomFillSync } from 'node:crypto';
import { migrationSql } from './schema-sql';
import { quoteTable, toSqlDatabase, type SqlClient, type SqlDatabase } from './sql';

export interface OutboxOptions extends Pick<SharedTrackerOptions, 'guards' | 'onViolation' | 'source'> {
  /** A pg Pool or Client, or a PGlite instance. */
  db: unknown;
  /** Default `'domain_event'` (BatchTrack's table). */
  table?: string;
}

export interface OutboxStats {
  pending: number;
  processed: number;
  parked: number;
  /** Age of the oldest pending event, in ms (0 when none). */
  oldestPendingAgeMs: number;
}

export interface Outbox<C extends Catalog<any, any, any>> {
  readonly catalog: C;
  readonly db: SqlDatabase;
  readonly table: string;
  /** Creates the table and its indexes if missing. */
  migrate(): Promise<void>;
  /**
   * Validates and guards exactly like `track()`, then inserts through `client`, so the event commits
   * or rolls back with the caller's transaction. Invalid input throws a `CatalogViolationError`
   * before the insert: it is the caller's transaction to decide.
   */
  record<const N extends import('../core/catalog').EventNameOf<C>>(
    client: SqlClient,
    name: N,
    props: import('../core/catalog').PropsOf<C, N>,
    options?: TrackCallOptions,
  ): Promise<{ uuid: string }>;
  stats(): Promise<OutboxStats>;
}

const REFUSED = new Set<Violation['kind']>(['unknown_event', 'invalid_properties', 'unknown_properties', 'invalid_input', 'too_large']);

/** The transactional outbox on PostgreSQL (pg) or PGlite: one SQL implementation for both. */
export function createOutbox<C extends Catalog<any, any, any>>(catalog: C, options: OutboxOptions): Outbox<C> {
  if (!options || typeof options !== 'object') throw new TrackplanConfigError('[outbox] createOutbox(catalog, { db, table }) needs options.');
  const db = toSqlDatabase(options.db);
  const tableName = options.table ?? 'domain_event';
  const table = quoteTable(tableName);
  const context: PipelineContext = {
    catalog,
    validation: 'drop',
    guards: guardOptionsFrom(options.guards),
    source: options.source ?? null,
    newId: createUuidV7(randomFillSync),
    now: Date.now,
    library: LIBRARY,
  };

  return {
    catalog,
    db,
    table,
    async migrate() {
      for (const statement of migrationSql(table, tableName.replace(/\W/g, '_'))) await db.query(statement);
    },
    async record(client, name, props, callOptions) {
      const prepared = prepareTrack(context, name, props, callOptions);
      for (const violation of prepared.violations) {
        try {
          options.onViolation?.(violation);
        } catch {
          // a throwing callback must not decide the caller's transaction
        }
      }
      if (!prepared.ok) throw prepared.error;
      const refused = prepared.violations.filter((v) => REFUSED.has(v.kind));
      if (refused.length) throw new CatalogViolationError(`[${name}] ${refused.map((v) => (v.path ? `${v.path}: ${v.message}` : v.message)).join('; ')}`, refused);
      const envelope = prepared.message.envelope;
      await client.query(
        `INSERT INTO ${table} (uuid, event_name, occurred_at, organization_id, user_id, entity_type, entity_id, correlation_id, source,
           schema_version, properties, groups, catalog_name, catalog_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        rowValues(envelope),
      );
      return { uuid: envelope.uuid };
    },
    async stats() {
      const { rows } = await db.query<{ pending: string; processed: string; parked: string; oldest_ms: string | null }>(
        `SELECT count(*) FILTER (WHERE NOT is_processed AND parked_at IS NULL) AS pending,
                count(*) FILTER (WHERE is_processed) AS processed,
                count(*) FILTER (WHERE parked_at IS NOT NULL) AS parked,
                (EXTRACT(EPOCH FROM (now() - min(created_at) FILTER (WHERE NOT is_processed AND parked_at IS NULL))) * 1000)::bigint AS oldest_ms
         FROM ${table}`,
      );
      const row = rows[0];
      return { pending: Number(row.pending), processed: Number(row.processed), parked: Number(row.parked), oldestPendingAgeMs: Math.max(0, Number(row.oldest_ms ?? 0)) };
    },
  };
}

function rowValues(envelope: Envelope): unknown[] {
  return [
    envelope.uuid,
    envelope.event,
    envelope.timestamp,
    organizationIdOf(envelope),
    envelope.distinct_id,
    envelope.entity?.type ?? null,
    envelope.entity?.id ?? null,
    envelope.correlation_id,
    envelope.source,
    envelope.schema_version,
    JSON.stringify(envelope.properties),
    JSON.stringify(envelope.groups),
    envelope.catalog.name,
    envelope.catalog.version,
  ];
}
