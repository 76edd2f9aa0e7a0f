import { quoteTable, toSqlDatabase, type SqlClient } from '../outbox/sql';

/** The outbox's default table: report functions read it unless `{ table }` says otherwise. */
export const DEFAULT_TABLE = 'domain_event';

/** What every report function takes besides its own options. */
export interface ReportTableOption {
  /** The outbox table, optionally schema-qualified. @default 'domain_event' */
  table?: string;
}

/**
 * A pg Pool or Client, or a PGlite instance, as a query function: one SQL implementation for both.
 * On pg, each report query runs with JIT off (see {@link withoutJit}); PGlite has no JIT.
 */
export function reportClient(db: unknown): SqlClient {
  const database = toSqlDatabase(db);
  if (isPGlite(db)) return database;
  return { query: (text, params) => withoutJit(db as PgConnection, (client) => client.query(text, params)) };
}

type PgClient = SqlClient & { release?(error?: unknown): void };
type PgConnection = SqlClient & { connect?(): Promise<PgClient>; totalCount?: number };

function isPGlite(db: unknown): boolean {
  return typeof db === 'object' && db !== null && 'exec' in db && typeof (db as { transaction?: unknown }).transaction === 'function';
}

function isPool(db: PgConnection): db is PgConnection & { connect(): Promise<PgClient> } {
  return typeof db.connect === 'function' && 'totalCount' in db;
}

/**
 * Runs `work` on one connection with `jit` off, then puts the connection's own setting back.
 * Report queries are many cheap index lookups that the planner costs far above `jit_above_cost`,
 * so PostgreSQL compiles them with LLVM: on 1M events that compilation added 60-85 % to the
 * query time. The setting is session-level and restored, so it also works on a pg Client in the
 * caller's transaction (a rollback restores it too); a pooled connection whose restore fails is
 * discarded rather than returned to the pool with JIT off.
 */
async function withoutJit<T>(db: PgConnection, work: (client: SqlClient) => Promise<T>): Promise<T> {
  const client: PgClient = isPool(db) ? await db.connect() : db;
  let restoreFailed: unknown;
  try {
    const { rows } = await client.query<{ jit: string | null }>(`SELECT current_setting('jit', true) AS jit`);
    const previous = rows[0]?.jit ?? null;
    if (previous === null || previous === 'off') return await work(client);
    await client.query(`SELECT set_config('jit', 'off', false)`);
    try {
      return await work(client);
    } finally {
      await client.query(`SELECT set_config('jit', $1, false)`, [previous]).catch((error: unknown) => {
        restoreFailed = error ?? new Error('restore failed');
      });
    }
  } finally {
    if (client !== db) client.release?.(restoreFailed);
  }
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
