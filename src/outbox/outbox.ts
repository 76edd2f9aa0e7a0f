import { randomFillSync } from 'node:crypto';
import type { Catalog, EventNameOf, PropsOf } from '../core/catalog';
import { TrackplanConfigError, isTrackplanError } from '../core/errors';
import { describeError, prepareTrack, violationToThrow, type PipelineContext, type TrackCallOptions, type ValidationMode } from '../core/pipeline';
import { guardOptionsFrom, validationModeFrom, type SharedTrackerOptions } from '../core/tracker';
import type { Envelope, TrackerStats, Violation } from '../core/types';
import { createUuidV7 } from '../core/uuid';
import { LIBRARY } from '../core/version';
import { organizationIdOf } from '../destinations/_shared/webhook-envelope';
import { migrationStatements } from './schema-sql';
import { quoteTable, toSqlDatabase, type SqlClient, type SqlDatabase } from './sql';
import { configErrorsOf } from './config-errors';

const { configError, named } = configErrorsOf('createOutbox');

/** The options of `createOutbox`: the tracker's, with the same defaults and meanings, plus the table. */
export interface OutboxOptions {
  /** A pg Pool or Client, or a PGlite instance. */
  db: unknown;
  /**
   * The outbox table, optionally schema-qualified (`'analytics.domain_event'`).
   * @default 'domain_event' (BatchTrack's table)
   */
  table?: string;
  /**
   * What `record()` does with an event that breaks its schema, as `track()` does:
   * - `'report'`: record it (undeclared properties removed) and call `onViolation`.
   * - `'drop'`: do not record it; count it as dropped (`invalid`) in `stats()`.
   * - `'throw'`: throw a `CatalogViolationError` before the insert (tests and development).
   *
   * Also the dispatcher's default for rows that no longer validate (see `createDispatcher`).
   * @default 'report'
   */
  validation?: SharedTrackerOptions['validation'];
  /**
   * PII and size guards, applied by `record()` before the insert.
   * @default { pii: 'redact', maxStringLength: 255, maxEventBytes: 32768 }
   */
  guards?: SharedTrackerOptions['guards'];
  /**
   * Called for every rule a recorded event broke, whatever was done about it. Never throws into
   * `record()`. Also the dispatcher's default `onViolation`.
   * @default undefined
   */
  onViolation?: (violation: Violation) => void;
  /**
   * Called when `record()` fails on our side (the event is then counted as `internal_error`). Also
   * the dispatcher's default `onError`, for failed deliveries and parked rows.
   * @default undefined
   */
  onError?: (error: unknown) => void;
  /**
   * Names this service in every row (`source`).
   * @default null
   */
  source?: string;
}

/** The table's rows by state: what `rowStats()` reads. */
export interface OutboxRowStats {
  /** Rows waiting for delivery (not processed, not parked). */
  pending: number;
  /** Rows delivered. */
  processed: number;
  /** Rows set aside with their `last_error`: fix them, then clear `parked_at` to send them. */
  parked: number;
  /** Age of the oldest pending row, in ms (0 when none). */
  oldestPendingAgeMs: number;
}

/** What became of one `record()` call. */
export type RecordResult =
  | { recorded: true; uuid: string }
  | { recorded: false; uuid?: undefined; /** The `stats().dropped` key it was counted under. */ reason: string };

export interface Outbox<C extends Catalog<any, any, any>> {
  readonly catalog: C;
  readonly db: SqlDatabase;
  /** The table name, quoted for SQL. */
  readonly table: string;
  /** Creates the table and its indexes if missing (the SQL of `outboxMigrationSql(table)`). */
  migrate(): Promise<void>;
  /**
   * Validates and guards exactly like `track()`, then inserts through `client`, so the event commits
   * or rolls back with the caller's transaction. An event that breaks its schema follows
   * `validation`; it throws only under `'throw'` (a `CatalogViolationError`, before the insert).
   * A failing INSERT rejects: the caller's transaction decides.
   */
  record<const N extends EventNameOf<C>>(client: SqlClient, name: N, props: PropsOf<C, N>, options?: TrackCallOptions): Promise<RecordResult>;
  /**
   * The tracker's books for `record()`: `tracked` = calls, `dropped` by reason (not inserted),
   * `violations`, `redactions`; `destinations` is empty (the dispatcher delivers).
   */
  stats(): TrackerStats;
  /** The table's rows by state: pending, processed, parked, and the oldest pending row's age. */
  rowStats(): Promise<OutboxRowStats>;
}

/** What the dispatcher takes over from the outbox unless told otherwise. */
export interface OutboxDefaults {
  validation: ValidationMode;
  onViolation?: (violation: Violation) => void;
  onError?: (error: unknown) => void;
}

const defaultsOf = new WeakMap<object, OutboxDefaults>();

/** The outbox's `validation`, `onViolation` and `onError`, for the dispatcher's defaults. */
export function outboxDefaults(outbox: object): OutboxDefaults | undefined {
  return defaultsOf.get(outbox);
}

/**
 * The transactional outbox on PostgreSQL (pg) or PGlite: one SQL implementation for both. Takes the
 * tracker's options (`validation`, `guards`, `onViolation`, `onError`, `source`). Throws only here,
 * for configuration mistakes (a `TrackplanConfigError` naming the option).
 * @example
 * const outbox = createOutbox(catalog, { db: pool, table: 'domain_event', source: 'orders-api' });
 * await pool.query('BEGIN'); ... await outbox.record(client, 'order.paid', { ... }, { distinctId }); ... COMMIT
 */
export function createOutbox<C extends Catalog<any, any, any>>(catalog: C, options: OutboxOptions): Outbox<C> {
  if (!catalog || typeof catalog !== 'object' || typeof (catalog as { events?: unknown }).events !== 'object')
    throw configError('the first argument must be a catalog from defineCatalog() (or a generated client); options come second: createOutbox(catalog, { db })');
  if (!options || typeof options !== 'object') throw configError('needs options: createOutbox(catalog, { db, table })');
  const db = toSqlDatabase(options.db);
  const tableName = options.table ?? 'domain_event';
  const table = quoteTable(tableName);
  const validation = named(() => validationModeFrom(options.validation));
  const guards = named(() => guardOptionsFrom(options.guards));
  for (const key of ['onViolation', 'onError'] as const)
    if (options[key] !== undefined && typeof options[key] !== 'function') throw configError(`${key} must be a function (got ${typeof options[key]})`);
  if (options.source !== undefined && options.source !== null && typeof options.source !== 'string')
    throw configError(`source must be a string (got ${JSON.stringify(options.source)})`);

  const context: PipelineContext = {
    catalog,
    validation,
    guards,
    source: options.source ?? null,
    newId: createUuidV7(randomFillSync),
    now: Date.now,
    library: LIBRARY,
  };
  const counters = { tracked: 0, violations: 0, redactions: 0, dropped: {} as Record<string, number> };
  const drop = (reason: string) => {
    counters.dropped[reason] = (counters.dropped[reason] ?? 0) + 1;
  };
  const onViolation = (violation: Violation) => {
    counters.violations++;
    if (violation.kind === 'pii' && violation.action === 'redacted') counters.redactions++;
    safely(() => options.onViolation?.(violation));
  };

  const outbox: Outbox<C> = {
    catalog,
    db,
    table,
    async migrate() {
      for (const statement of migrationStatements(tableName)) await db.query(statement);
    },
    async record(client, name, props, callOptions) {
      counters.tracked++;
      let envelope: Envelope;
      try {
        const prepared = prepareTrack(context, name, props, callOptions);
        for (const violation of prepared.violations) onViolation(violation);
        const thrown = violationToThrow(validation, prepared);
        if (!prepared.ok) {
          drop(prepared.reason);
          if (thrown) throw thrown;
          return { recorded: false, reason: prepared.reason };
        }
        if (thrown) {
          drop('invalid');
          throw thrown;
        }
        envelope = prepared.message.envelope;
      } catch (error) {
        if (isTrackplanError(error) && error.name === 'CatalogViolationError') throw error;
        // A fault of ours must not decide the caller's transaction: counted and reported instead.
        drop('internal_error');
        safely(() => options.onError?.(new Error(`[trackplan] [outbox] record(${JSON.stringify(String(name))}) failed before the insert: ${describeError(error)}`, { cause: error })));
        return { recorded: false, reason: 'internal_error' };
      }
      // The flags column only when there are flags: a table migrated before it existed still takes the rest.
      const withFlags = envelope.flags !== undefined;
      await client.query(
        `INSERT INTO ${table} (uuid, event_name, occurred_at, organization_id, user_id, entity_type, entity_id, correlation_id, source,
           schema_version, properties, groups, catalog_name, catalog_version${withFlags ? ', flags' : ''})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14${withFlags ? ', $15' : ''})`,
        withFlags ? [...rowValues(envelope), JSON.stringify(envelope.flags)] : rowValues(envelope),
      );
      return { recorded: true, uuid: envelope.uuid };
    },
    stats: () => ({
      tracked: counters.tracked,
      dropped: { ...counters.dropped },
      violations: counters.violations,
      redactions: counters.redactions,
      destinations: {},
    }),
    async rowStats() {
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
  defaultsOf.set(outbox, { validation, onViolation: options.onViolation, onError: options.onError });
  return outbox;
}



function safely(call: () => void): void {
  try {
    call();
  } catch {
    // a throwing callback must not decide the caller's transaction
  }
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
