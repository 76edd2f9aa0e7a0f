import { DASHBOARD_DEFAULT_PORT, startDashboard } from '../reports/dashboard';
import { parseArgs, UsageError, type Io } from './args';
import { loadCatalog } from './load-catalog';
import { DB_OPTION_HELP, openDatabase } from './open-database';

export const DASHBOARD_HELP = `trackplan dashboard --catalog <file> --db <postgres://… | pglite dir> [--table domain_event] [--port ${DASHBOARD_DEFAULT_PORT}]

The reports dashboard on 127.0.0.1: KPI cards with conversion ratios, a chart per declared funnel,
daily events and revenue with a per-day table, a projection panel, top values, a date range,
event-type chips and an organization picker, read from the outbox table. The page loads nothing
but its own server (chart.js is bundled in); only http://127.0.0.1:<port> (or localhost) may read it.
${DB_OPTION_HELP} Ctrl-C to stop.`;

export async function dashboardCommand(argv: string[], io: Io): Promise<number> {
  const { positionals, flags } = parseArgs(argv, { flags: ['catalog', 'db', 'table', 'port'] });
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if (!flags.catalog || !flags.db) throw new UsageError('dashboard needs --catalog <file> and --db <postgres url | pglite dir>');
  const port = flags.port === undefined ? DASHBOARD_DEFAULT_PORT : Number(flags.port);
  if (flags.port !== undefined && (!/^\d+$/.test(flags.port) || port > 65535)) throw new UsageError(`--port must be a whole number from 0 to 65535 (got ${JSON.stringify(flags.port)})`);
  const catalog = await loadCatalog(flags.catalog, io.cwd);
  const database = await openDatabase(flags.db, io.cwd);
  try {
    const dashboard = await startDashboard({ db: database.db, catalog, table: flags.table, port, onError: (error) => io.err(`[trackplan] [dashboard] ${(error as Error)?.message ?? error}`) });
    io.err(`trackplan dashboard on ${dashboard.url} (catalog: ${catalog.name}); Ctrl-C to stop`);
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    await dashboard.close();
    return 0;
  } finally {
    await database.close();
  }
}
