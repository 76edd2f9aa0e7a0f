/**
 * The BatchTrack worker: the app records domain events in its own transactions; this process
 * forwards pending rows to the webhook and PostHog (`flask dispatch-domain-events`, as a loop).
 * Embedded PGlite persisted to a folder here; pass a pg Pool for PostgreSQL.
 */
import { PGlite } from '@electric-sql/pglite';
import { createDispatcher, createOutbox } from 'trackplan/outbox';
import { catalog } from '../../schema/batchtrack';

export async function startWorker(config: { dataDir?: string; webhookUrl: string; posthogHost: string }) {
  const db = new PGlite(config.dataDir);
  const outbox = createOutbox(catalog, { db, table: 'domain_event', source: 'batchtrack-app' });
  await outbox.migrate();
  const dispatcher = createDispatcher(outbox, {
    webhook: { url: config.webhookUrl },
    posthog: { apiKey: 'phc_worker', host: config.posthogHost },
    pollIntervalMs: 50,
    parkAfterAttempts: 10, // deliveries per row before it is parked with its last_error
  });
  dispatcher.start();
  return {
    outbox,
    db,
    dispatcher,
    async stop() {
      await dispatcher.shutdown();
      await db.close();
    },
  };
}
