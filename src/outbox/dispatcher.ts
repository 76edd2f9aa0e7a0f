import type { Catalog } from '../core/catalog';
import { TrackplanConfigError } from '../core/errors';
import { describeError, type ValidationMode } from '../core/pipeline';
import { Router } from '../core/router';
import type { DeliveryOutcome, DestinationEntry, TrackMessage, Violation } from '../core/types';
import { nodeDestinations, type NodeDestinationOptions } from '../node/destinations';
import { applyCatalog } from './apply-catalog';
import type { Outbox } from './outbox';
import { rowToMessage } from './row-message';
import type { OutboxRow } from './schema-sql';

/** A violation found in an outbox row, with the row's `id`. */
export type OutboxViolation = Violation & { rowId: string };

export interface DispatcherOptions extends NodeDestinationOptions {
  /** Extra destinations (e.g. `memoryDestination()`). */
  destinations?: DestinationEntry[];
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
  /**
   * What to do with a row whose properties no longer validate against the catalog the dispatcher
   * runs with (rows outlive catalog changes). Default `'report'`.
   * - `'report'`: deliver it (undeclared properties removed) and call `onViolation`.
   * - `'drop'`: park it, with the violation as its `last_error`.
   * - `'throw'`: park it like `'drop'`, and park rows with undeclared properties too (there is no
   *   caller to throw to: the parked row goes to `onError`).
   * A row whose event the catalog does not declare is always parked.
   */
  validation?: ValidationMode;
  /** Called for every rule a row broke, whatever was done about it, with the row's `id`. */
  onViolation?: (violation: OutboxViolation) => void;
  /** Called for every delivery failure and every parked row (once per row). */
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
 * `occurred_at` as epoch milliseconds (±Infinity for 'infinity'): pg and PGlite parse timestamptz
 * differently (PGlite reads year 1 as 2001), a number reads the same on both.
 */
const OCCURRED_AT_MS = `round(extract(epoch from date_trunc('milliseconds', occurred_at)) * 1000)::float8`;

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
  const validation = options.validation ?? 'report';
  if (!['report', 'drop', 'throw'].includes(validation))
    throw new TrackplanConfigError(`[outbox] createDispatcher(): validation must be 'report', 'drop' or 'throw' (got ${JSON.stringify(validation)}).`);
  const log = options.debug ? (typeof options.debug === 'function' ? options.debug : (m: string) => console.debug(m)) : undefined;
  const onError = (error: unknown) => {
    log?.(`[trackplan] [outbox] ${describeError(error)}`);
    try {
      options.onError?.(error);
    } catch {
      // never let a callback stop the loop
    }
  };
  const onViolation = (violation: OutboxViolation) => {
    log?.(`[trackplan] [outbox] violation [${violation.event}] row ${violation.rowId} ${violation.kind}${violation.path ? ` at ${violation.path}` : ''}: ${violation.message} (${violation.action})`);
    try {
      options.onViolation?.(violation);
    } catch {
      // never let a callback stop the loop
    }
  };
  // The table is the retry queue: destinations try each batch only twice (the registry's outbox settings).
  const router = new Router([...nodeDestinations(options, 'outbox'), ...(options.destinations ?? [])], { onError, onViolation: () => {}, debug: (m) => log?.(m) });
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
       RETURNING id, uuid, event_name, occurred_at::text AS occurred_at, ${OCCURRED_AT_MS} AS occurred_at_ms, organization_id, user_id, entity_type,
                 entity_id, correlation_id, source, schema_version, properties::text AS properties, groups::text AS groups, catalog_name,
                 catalog_version, delivery_attempts`,
      [batchSize, leaseMs],
    );
    return rows;
  }

  /** What to do with one claimed row: send it, or park it now. Never throws: one row cannot stall its batch. */
  function planRow(row: OutboxRow): { send: TrackMessage; destinations: readonly string[] | undefined } | { park: string } | { retry: string } {
    const rowId = String(row.id);
    try {
      const converted = rowToMessage(row);
      if (!converted.ok) return { park: `malformed_row: ${converted.column}: ${converted.problem}` };
      const verdict = applyCatalog(catalog, validation, converted.message);
      for (const violation of verdict.violations) onViolation({ ...violation, rowId });
      return verdict.deliver ? { send: verdict.message, destinations: verdict.destinations } : { park: verdict.reason };
    } catch (error) {
      // A fault of ours, not of the row: retried like a failed delivery, and parked after maxAttempts.
      return { retry: `internal_error: ${describeError(error)}` };
    }
  }

  async function runOnce(): Promise<DispatchResult> {
    const rows = await claim();
    const result: DispatchResult = { claimed: rows.length, delivered: 0, failed: 0, parked: 0 };
    if (!rows.length) return result;
    const parkNow: { row: OutboxRow; reason: string }[] = [];
    const outcomes: Promise<{ row: OutboxRow; error: string | null }>[] = [];
    for (const row of rows) {
      const plan = planRow(row);
      if ('park' in plan) parkNow.push({ row, reason: plan.park });
      else if ('retry' in plan) outcomes.push(Promise.resolve({ row, error: plan.retry }));
      else outcomes.push(route(plan.send, plan.destinations).then((error) => ({ row, error })));
    }
    await router.flush();
    const settled = await Promise.all(outcomes);
    const delivered = settled.filter((s) => s.error === null).map((s) => s.row.id);
    if (delivered.length) await db.query(`UPDATE ${table} SET is_processed = true, processed_at = now(), last_error = NULL WHERE id = ANY($1::bigint[])`, [delivered]);
    result.delivered = delivered.length;
    for (const { row, reason } of parkNow) {
      await db.query(`UPDATE ${table} SET last_error = $2, parked_at = now() WHERE id = $1`, [row.id, reason.slice(0, 2000)]);
      result.parked++;
      onError(new Error(`[trackplan] [outbox] ${row.event_name} ${row.uuid} (row ${row.id}) parked without delivery: ${reason}. Fix the row (or the catalog), then clear its parked_at to send it.`));
    }
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

  /** Sends one message; resolves with null once every destination has it, else with what failed. */
  async function route(message: TrackMessage, destinations: readonly string[] | undefined): Promise<string | null> {
    const targets = router.select(message, destinations);
    if (!targets.length) return null;
    const list = await router.route(message, targets);
    const failed = list.filter((o): o is Extract<DeliveryOutcome, { delivered: false }> => !o.delivered);
    return failed.length ? failed.map((o) => `${o.reason}${o.error ? `: ${describeError(o.error)}` : ''}`).join('; ') : null;
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
