import type { Catalog } from '../core/catalog';
import { describeError } from '../core/pipeline';
import { Router } from '../core/router';
import type { DestinationFactory, TrackMessage } from '../core/types';
import { LIBRARY } from '../core/version';
import { nodeDestinations, type NodeDestinationOptions } from '../node/destinations';
import type { Outbox } from './outbox';
import type { OutboxRow } from './schema-sql';

export interface DispatcherOptions extends NodeDestinationOptions {
  /** Extra destinations (e.g. `memoryDestination()`). */
  destinations?: DestinationFactory[];
  /** Rows claimed per pass. Default 500. */
  batchSize?: number;
  /** Deliveries per row before it is parked with its `last_error`. Default 10. */
  maxAttempts?: number;
  /** Wait between passes when nothing is due, in ms. Default 1000. */
  pollIntervalMs?: number;
  /** First retry delay in ms, doubled per attempt (capped at 1 hour). Default 5000. */
  backoffMs?: number;
  /** How long a claimed row is reserved for this dispatcher, in ms. Default 60000. */
  leaseMs?: number;
  onError?: (error: unknown) => void;
  debug?: boolean | ((message: string) => void);
}

export interface DispatchResult {
  claimed: number;
  delivered: number;
  failed: number;
  parked: number;
}

export interface Dispatcher {
  /** One pass: claim due rows, deliver them, mark them. */
  runOnce(): Promise<DispatchResult>;
  /** Passes in a loop until `stop()`. */
  start(): void;
  /** Finishes the current pass, then shuts the destinations down. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Forwards committed outbox rows through the same destinations as the tracker. Rows are claimed
 * with `FOR UPDATE SKIP LOCKED` and a lease, so dispatchers on several machines share one table
 * without delivering a row twice in the normal case; after a crash the row's `uuid` travels with
 * the redelivery, so receivers dedupe.
 */
export function createDispatcher<C extends Catalog<any, any, any>>(outbox: Outbox<C>, options: DispatcherOptions = {}): Dispatcher {
  const batchSize = options.batchSize ?? 500;
  const maxAttempts = options.maxAttempts ?? 10;
  const backoffMs = options.backoffMs ?? 5000;
  const leaseMs = options.leaseMs ?? 60_000;
  const log = options.debug ? (typeof options.debug === 'function' ? options.debug : (m: string) => console.debug(m)) : undefined;
  const onError = (error: unknown) => {
    log?.(`[trackplan] [outbox] ${describeError(error)}`);
    try {
      options.onError?.(error);
    } catch {
      // never let a callback stop the loop
    }
  };
  // The table is the retry queue: destinations try each batch only twice.
  const fastFail = {
    posthog: options.posthog ? { maxAttempts: 2, retryBaseMs: 100, ...options.posthog } : undefined,
    webhook: options.webhook ? { maxAttempts: 2, retryBaseMs: 100, flushIntervalMs: 50, ...options.webhook } : undefined,
  };
  const router = new Router([...nodeDestinations(fastFail), ...(options.destinations ?? [])], { onError, onViolation: () => {}, debug: (m) => log?.(m) });
  const { db, table, catalog } = outbox;
  let running = false;
  let stopped = false;
  let current: Promise<unknown> = Promise.resolve();
  let wake: (() => void) | undefined;

  async function claim(): Promise<OutboxRow[]> {
    const { rows } = await db.query<OutboxRow>(
      `UPDATE ${table} SET next_attempt_at = now() + ($2::double precision * interval '1 millisecond'), delivery_attempts = delivery_attempts + 1
       WHERE id IN (SELECT id FROM ${table} WHERE NOT is_processed AND parked_at IS NULL AND next_attempt_at <= now()
                    ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, uuid, event_name, occurred_at, organization_id, user_id, entity_type, entity_id, correlation_id, source,
                 schema_version, properties, groups, catalog_name, catalog_version, delivery_attempts`,
      [batchSize, leaseMs],
    );
    return rows;
  }

  async function runOnce(): Promise<DispatchResult> {
    const rows = await claim();
    const result: DispatchResult = { claimed: rows.length, delivered: 0, failed: 0, parked: 0 };
    if (!rows.length) return result;
    const outcomes = rows.map((row) => {
      const message = toMessage(row);
      const spec = catalog.events[row.event_name];
      const amount = spec?.revenue ? message.envelope.properties[spec.revenue.amount] : undefined;
      if (typeof amount === 'number') {
        const currency = spec!.revenue!.currency ? message.envelope.properties[spec!.revenue!.currency] : undefined;
        message.envelope.revenue = { amount, currency: typeof currency === 'string' ? currency.toUpperCase() : null };
      }
      const targets = router.select(message, spec?.destinations);
      if (!targets.length) return Promise.resolve({ row, error: spec ? null : `unknown event "${row.event_name}" for catalog "${catalog.name}"` });
      return router.route(message, targets).then((list) => {
        const failed = list.filter((o) => !o.delivered);
        return { row, error: failed.length ? failed.map((o) => (o.delivered ? '' : `${o.reason}${o.error ? `: ${describeError(o.error)}` : ''}`)).join('; ') : null };
      });
    });
    await router.flush();
    const settled = await Promise.all(outcomes);
    const delivered = settled.filter((s) => s.error === null).map((s) => s.row.id);
    if (delivered.length) await db.query(`UPDATE ${table} SET is_processed = true, processed_at = now(), last_error = NULL WHERE id = ANY($1::bigint[])`, [delivered]);
    result.delivered = delivered.length;
    for (const { row, error } of settled) {
      if (error === null) continue;
      const park = row.delivery_attempts >= maxAttempts;
      const delay = Math.min(backoffMs * 2 ** (row.delivery_attempts - 1), 3_600_000);
      await db.query(
        `UPDATE ${table} SET last_error = $2, next_attempt_at = now() + ($3::double precision * interval '1 millisecond'), parked_at = CASE WHEN $4 THEN now() ELSE NULL END WHERE id = $1`,
        [row.id, error.slice(0, 2000), delay, park],
      );
      if (park) {
        result.parked++;
        onError(new Error(`[trackplan] [outbox] ${row.event_name} ${row.uuid} parked after ${row.delivery_attempts} attempts: ${error}`));
      } else result.failed++;
    }
    log?.(`[trackplan] [outbox] pass: ${JSON.stringify(result)}`);
    return result;
  }

  async function loop() {
    while (!stopped) {
      let result: DispatchResult | undefined;
      try {
        current = runOnce();
        result = (await current) as DispatchResult;
      } catch (error) {
        onError(error);
      }
      if (stopped) break;
      if (!result || result.claimed < batchSize) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          const timer = setTimeout(resolve, options.pollIntervalMs ?? 1000);
          (timer as { unref?: () => void }).unref?.();
        });
      }
    }
    running = false;
  }

  return {
    runOnce,
    start() {
      if (running) return;
      running = true;
      stopped = false;
      void loop();
    },
    async stop(timeoutMs = 5000) {
      stopped = true;
      wake?.();
      await current.catch(() => {});
      await router.shutdown(timeoutMs);
    },
  };
}

/** Rebuilds the message from a row: the same uuid, so receivers dedupe a redelivery. */
function toMessage(row: OutboxRow): TrackMessage {
  const properties = typeof row.properties === 'string' ? JSON.parse(row.properties) : row.properties;
  const groups = typeof row.groups === 'string' ? JSON.parse(row.groups) : row.groups;
  const timestamp = new Date(row.occurred_at).toISOString();
  const envelope = {
    uuid: row.uuid,
    event: row.event_name,
    timestamp,
    distinct_id: row.user_id,
    groups: groups ?? {},
    properties,
    schema_version: row.schema_version,
    catalog: { name: row.catalog_name, version: row.catalog_version },
    source: row.source,
    correlation_id: row.correlation_id,
    entity: row.entity_type && row.entity_id ? { type: row.entity_type, id: row.entity_id } : null,
    library: LIBRARY,
    revenue: null as TrackMessage['envelope']['revenue'],
  };
  return { type: 'track', uuid: row.uuid, timestamp, source: row.source, library: LIBRARY, envelope };
}
