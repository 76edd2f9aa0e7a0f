import { quoteTable, toSqlDatabase, type SqlClient } from '../outbox/sql';

/** The outbox's default table: report functions read it unless `{ table }` says otherwise. */
export const DEFAULT_TABLE = 'domain_event';

/** What every report function takes besides its own options. */
export interface ReportTableOption {
  /** The outbox table, optionally schema-qualified. @default 'domain_event' */
  table?: string;
}

/** A pg Pool or Client, or a PGlite instance, as a query function: one SQL implementation for both. */
export function reportClient(db: unknown): SqlClient {
  return toSqlDatabase(db);
}

/** The table to read, checked and quoted. */
export function reportTable(table: string | undefined): string {
  return quoteTable(table ?? DEFAULT_TABLE);
}

/**
 * Collects query parameters: `add(value)` returns its `$n` placeholder, so no value is ever written
 * into the SQL text.
 */
export class QueryParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Runs a parameterised query on pg or PGlite. */
export async function runQuery<Row = Record<string, unknown>>(client: SqlClient, text: string, params: QueryParams | unknown[]): Promise<Row[]> {
  const values = params instanceof QueryParams ? params.values : params;
  const { rows } = await client.query<Row>(text, values);
  return rows;
}

/** A numeric column as a number (pg returns bigint and numeric as strings), null kept. */
export function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}
