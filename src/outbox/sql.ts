import { TrackplanConfigError } from '../core/errors';

/** What trackplan needs of a PostgreSQL connection: pg's and PGlite's `query` both fit. */
export interface SqlClient {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

/** A database the dispatcher can run its own short transactions on. */
export interface SqlDatabase extends SqlClient {
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
}

type PgPoolLike = SqlClient & { connect(): Promise<SqlClient & { release(error?: unknown): void }>; totalCount?: number };
type PGliteLike = SqlClient & { transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>; exec: unknown };

/** Adapts a pg Pool, a pg Client or a PGlite instance: one SQL implementation runs on all of them. */
export function toSqlDatabase(db: unknown): SqlDatabase {
  const candidate = db as Partial<PgPoolLike & PGliteLike> | undefined;
  if (!candidate || typeof candidate.query !== 'function')
    throw new TrackplanConfigError('[outbox] db must be a pg Pool or Client, or a PGlite instance (anything with query(text, params)).');
  const query = candidate.query.bind(candidate) as SqlClient['query'];
  if (typeof candidate.transaction === 'function' && 'exec' in candidate) {
    const pglite = candidate as PGliteLike;
    return { query, transaction: (work) => pglite.transaction(work) };
  }
  if (typeof candidate.connect === 'function' && 'totalCount' in candidate) {
    const pool = candidate as PgPoolLike;
    return {
      query,
      async transaction(work) {
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const result = await work(client);
          await client.query('COMMIT');
          client.release();
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {});
          client.release(error);
          throw error;
        }
      },
    };
  }
  // A single pg Client: transactions on it must not interleave.
  let tail: Promise<unknown> = Promise.resolve();
  return {
    query,
    transaction(work) {
      const run = tail.then(async () => {
        await query('BEGIN');
        try {
          const result = await work({ query });
          await query('COMMIT');
          return result;
        } catch (error) {
          await query('ROLLBACK').catch(() => {});
          throw error;
        }
      });
      tail = run.catch(() => {});
      return run;
    },
  };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A table name, optionally schema-qualified, checked and quoted. */
export function quoteTable(name: string): string {
  const parts = String(name).split('.');
  if (parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part)))
    throw new TrackplanConfigError(`[outbox] table must be a plain identifier like "domain_event" or "analytics.domain_event" (got ${JSON.stringify(name)}).`);
  return parts.map((part) => `"${part}"`).join('.');
}
