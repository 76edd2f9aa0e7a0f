import { resolve } from 'node:path';

/** What `--db` names, said the same way by every command that reads the outbox table. */
export const DB_OPTION_HELP = '--db is a PostgreSQL URL (postgres:// or postgresql://) or a PGlite data directory.';

/** A pg Pool for a URL, else a PGlite instance on that directory (both optional peers, loaded on demand). */
export async function openDatabase(target: string, cwd: string, poolSize = 4): Promise<{ db: unknown; close(): Promise<void> }> {
  if (/^postgres(ql)?:\/\//i.test(target)) {
    const pg = (await import('pg')).default;
    const pool = new pg.Pool({ connectionString: target, max: poolSize });
    return { db: pool, close: () => pool.end() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite(resolve(cwd, target));
  return { db, close: () => db.close() };
}
