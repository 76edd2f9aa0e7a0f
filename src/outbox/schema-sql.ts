import { quoteTable } from './sql';

/**
 * The outbox table's DDL, for your own migrations (Prisma, Drizzle, Knex, plain SQL files):
 * BatchTrack's envelope columns, the delivery columns, the dispatcher's index and the indexes
 * `trackplan/reports` reads through. Idempotent
 * (`IF NOT EXISTS`); the same SQL `outbox.migrate()` runs. Statements end with `;`.
 * @param table the table name, optionally schema-qualified; `'domain_event'` when left out.
 * @example
 * // a Knex migration
 * export const up = (knex) => knex.raw(outboxMigrationSql('domain_event'));
 */
export function outboxMigrationSql(table = 'domain_event'): string {
  return migrationStatements(table).map((statement) => `${statement};\n`).join('\n');
}

/** The DDL as separate statements (drivers that take one statement per query). */
export function migrationStatements(tableName: string): string[] {
  const table = quoteTable(tableName);
  const indexPrefix = tableName.replace(/\W/g, '_');
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (
      id bigserial PRIMARY KEY,
      uuid text NOT NULL UNIQUE,
      event_name text NOT NULL,
      occurred_at timestamptz NOT NULL,
      organization_id text,
      user_id text,
      entity_type text,
      entity_id text,
      correlation_id text,
      source text,
      schema_version integer NOT NULL,
      properties jsonb NOT NULL,
      groups jsonb NOT NULL DEFAULT '{}'::jsonb,
      flags jsonb NOT NULL DEFAULT '{}'::jsonb,
      catalog_name text NOT NULL,
      catalog_version integer NOT NULL,
      is_processed boolean NOT NULL DEFAULT false,
      processed_at timestamptz,
      delivery_attempts integer NOT NULL DEFAULT 0,
      last_error text,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      parked_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    // Tables made before flags were recorded get the column (idempotent, like the rest).
    `ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS flags jsonb NOT NULL DEFAULT '{}'::jsonb`,
    `CREATE INDEX IF NOT EXISTS "${indexPrefix}_pending_idx" ON ${table} (next_attempt_at, id) WHERE NOT is_processed AND parked_at IS NULL`,
    `CREATE INDEX IF NOT EXISTS "${indexPrefix}_org_idx" ON ${table} (organization_id, occurred_at)`,
    // trackplan/reports: step 1 by name and time; each next step per unit (ordered); the unit's very next event (strict).
    `CREATE INDEX IF NOT EXISTS "${indexPrefix}_event_time_idx" ON ${table} (event_name, occurred_at)`,
    `CREATE INDEX IF NOT EXISTS "${indexPrefix}_user_event_idx" ON ${table} (user_id, event_name, occurred_at, id)`,
    `CREATE INDEX IF NOT EXISTS "${indexPrefix}_org_event_idx" ON ${table} (organization_id, event_name, occurred_at, id)`,
    `CREATE INDEX IF NOT EXISTS "${indexPrefix}_user_time_idx" ON ${table} (user_id, occurred_at, id)`,
  ];
}

/** A row as the dispatcher claims it: jsonb columns as text and the time as a number, alike on every driver. */
export interface OutboxRow {
  /** bigserial: a string from pg, a number from PGlite. */
  id: string | number;
  uuid: string;
  event_name: string;
  /** timestamptz as PostgreSQL prints it, for messages. */
  occurred_at: string;
  /** Epoch milliseconds; ±Infinity for 'infinity'. */
  occurred_at_ms: number;
  organization_id: string | null;
  user_id: string | null;
  entity_type: string | null;
  entity_id: string | null;
  correlation_id: string | null;
  source: string | null;
  schema_version: number;
  /** jsonb text. */
  properties: string;
  /** jsonb text. */
  groups: string;
  /** jsonb text: the flag values the event was recorded with (`record(…, { flags })`); null on a table without the column. */
  flags: string | null;
  catalog_name: string;
  catalog_version: number;
  delivery_attempts: number;
}
