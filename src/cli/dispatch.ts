import { createDispatcher, createOutbox, type Dispatcher } from '../outbox/index';
import { parseArgs, UsageError, type Io } from './args';
import { loadCatalog } from './load-catalog';
import { DB_OPTION_HELP, openDatabase } from './open-database';

export const DISPATCH_HELP = `trackplan dispatch --catalog <file> --db <postgres://… | pglite dir> [--table domain_event] [--once]

Forwards pending outbox rows to the webhook (ANALYTICS_WEBHOOK_URL or DOMAIN_EVENT_WEBHOOK_URL,
ANALYTICS_WEBHOOK_SECRET) and PostHog (POSTHOG_API_KEY or POSTHOG_PROJECT_API_KEY, POSTHOG_HOST).
--once runs one pass and prints its result, the table's row counts and the dispatcher's books
({ claimed, delivered, failed, parked, pending, processed, oldestPendingAgeMs, stats }); it exits 1
when a row failed or was parked. Violations and errors go to stderr.
${DB_OPTION_HELP} (--database-url <url> and --pglite <dir>, its older spellings, still work.)`;

/** BatchTrack's `dispatch-domain-events`: one pass with --once, else a loop until SIGINT/SIGTERM. */
export async function dispatchCommand(argv: string[], io: Io): Promise<number> {
  const { flags, switches } = parseArgs(argv, { flags: ['catalog', 'db', 'database-url', 'pglite', 'table'], switches: ['once'] });
  // --db, as every command that reads the outbox table says it; the older two spellings still work.
  const target = flags.db ?? flags['database-url'] ?? flags.pglite;
  if (!flags.catalog || !target) throw new UsageError(`dispatch needs --catalog and --db <postgres url | pglite dir>\n\n${DISPATCH_HELP}`);
  const catalog = await loadCatalog(flags.catalog, io.cwd);
  const env = process.env;
  const webhookUrl = env.ANALYTICS_WEBHOOK_URL || env.DOMAIN_EVENT_WEBHOOK_URL;
  const apiKey = env.POSTHOG_API_KEY || env.POSTHOG_PROJECT_API_KEY;
  if (!webhookUrl && !apiKey) throw new UsageError('set ANALYTICS_WEBHOOK_URL / DOMAIN_EVENT_WEBHOOK_URL and/or POSTHOG_API_KEY / POSTHOG_PROJECT_API_KEY');
  const database = await openDatabase(target, io.cwd, 10);
  const db = database.db as Parameters<typeof createOutbox>[1]['db'];
  let dispatcher: Dispatcher | undefined;
  try {
    const outbox = createOutbox(catalog, { db, table: flags.table ?? 'domain_event' });
    await outbox.migrate();
    dispatcher = createDispatcher(outbox, {
      webhook: webhookUrl ? { url: webhookUrl, secret: env.ANALYTICS_WEBHOOK_SECRET || undefined } : undefined,
      posthog: apiKey ? { apiKey, host: env.POSTHOG_HOST || 'https://us.i.posthog.com' } : undefined,
      onError: (error) => io.err(String((error as Error)?.message ?? error)),
      onViolation: (v) => io.err(`[trackplan] [outbox] violation [${v.event}] row ${v.rowId} ${v.kind}${v.path ? ` at ${v.path}` : ''}: ${v.message} (${v.action})`),
    });
    if (switches.has('once')) {
      const result = await dispatcher.runOnce();
      io.out(JSON.stringify({ ...result, ...(await outbox.rowStats()), stats: dispatcher.stats() }));
      return result.failed || result.parked ? 1 : 0;
    }
    dispatcher.start();
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    return 0;
  } finally {
    await dispatcher?.shutdown();
    await database.close();
  }
}
