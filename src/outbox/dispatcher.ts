import type { Catalog } from '../core/catalog';
import { TrackplanConfigError, isTrackplanError } from '../core/errors';
import { describeError, type ValidationMode } from '../core/pipeline';
import { Router } from '../core/router';
import { validationModeFrom } from '../core/tracker';
import type { DeliveryOutcome, DestinationEntry, TrackerStats, TrackMessage, Violation } from '../core/types';
import { waitAtMost } from '../core/wait';
import { nodeDestinations, type NodeDestinationOptions } from '../node/destinations';
import { applyCatalog } from './apply-catalog';
import { outboxDefaults, type Outbox } from './outbox';
import { rowToMessage } from './row-message';
import type { OutboxRow } from './schema-sql';
import { configErrorsOf } from './config-errors';

const { configError, named } = configErrorsOf('createDispatcher');

/** A violation found in an outbox row, with the row's `id`. */
export type OutboxViolation = Violation & { rowId: string };

export interface DispatcherOptions extends NodeDestinationOptions {
  /**
   * Extra destinations: objects `{ name, send }`, `createHttpDestination(…)` or `memoryDestination()` from `trackplan/testing`.
   * @default []
   */
  destinations?: DestinationEntry[];
  /**
   * Rows claimed per pass.
   * @default 500
   */
  batchSize?: number;
  /**
   * Delivery attempts per row before it is parked with its `last_error`. (HTTP attempts per request
   * are the destinations' `maxAttempts`, e.g. `webhook: { maxAttempts }`.)
   * @default 10
   */
  parkAfterAttempts?: number;
  /**
   * Wait between passes when nothing is due, in ms.
   * @default 1000
   */
  pollIntervalMs?: number;
  /**
   * First retry delay of a failed row in ms, doubled per attempt (capped at 1 hour).
   * @default 5000
   */
  backoffMs?: number;
  /**
   * How long a claimed row is reserved for this dispatcher, in ms.
   * @default 60000
   */
  leaseMs?: number;
  /**
   * What to do with a row whose properties no longer validate against the catalog the dispatcher
   * runs with (rows outlive catalog changes). The values of `track()`'s option:
   * - `'report'`: deliver it (undeclared properties removed) and call `onViolation`.
   * - `'drop'`: park it, with the violation as its `last_error`; counted as dropped (`invalid`).
   * - `'throw'`: park it like `'drop'`, and park rows with undeclared properties too (there is no
   *   caller to throw to: the parked row goes to `onError`).
   * A row whose event the catalog does not declare is always parked.
   * @default the outbox's `validation` ('report' unless `createOutbox` was given another)
   */
  validation?: ValidationMode;
  /**
   * Called for every rule a row broke, whatever was done about it, with the row's `id`.
   * @default the outbox's `onViolation`
   */
  onViolation?: (violation: OutboxViolation) => void;
  /**
   * Called for every delivery failure and every parked row (once per row).
   * @default the outbox's `onError`
   */
  onError?: (error: unknown) => void;
  /**
   * `true` logs each pass through `console.debug`; or pass your own logger.
   * @default false
   */
  debug?: boolean | ((message: string) => void);
}

export interface DispatchResult {
  claimed: number;
  delivered: number;
  failed: number;
  parked: number;
}

export interface Dispatcher {
  /** One pass: claim due rows, deliver them, mark them. Rejects only when the database fails. */
  runOnce(): Promise<DispatchResult>;
  /** Passes in a loop until `shutdown()`. */
  start(): void;
  /**
   * Delivers what is pending now: runs passes until no row is due (failed rows wait for their
   * backoff), then flushes the destinations. Never rejects: a failing pass goes to `onError`.
   */
  flush(): Promise<void>;
  /** Stops the loop, waits for the current pass (at most `timeoutMs`, default 5000), then shuts the destinations down. */
  shutdown(timeoutMs?: number): Promise<void>;
  /** @deprecated Use `shutdown()`. */
  stop(timeoutMs?: number): Promise<void>;
  /**
   * The tracker's books: `tracked` = rows handled (a retried row once per attempt), `dropped` =
   * rows parked (or sent nowhere: `no_destination`) by reason, `violations`, `redactions` (rows are
   * guarded when recorded: 0 here) and the destinations' books.
   */
  stats(): TrackerStats;
}

/**
 * `occurred_at` as epoch milliseconds (±Infinity for 'infinity'): pg and PGlite parse timestamptz
 * differently (PGlite reads year 1 as 2001), a number reads the same on both.
 */
const OCCURRED_AT_MS = `round(extract(epoch from date_trunc('milliseconds', occurred_at)) * 1000)::float8`;

const EMPTY: Readonly<DispatchResult> = Object.freeze({ claimed: 0, delivered: 0, failed: 0, parked: 0 });

/**
 * Forwards committed outbox rows through the same destinations as the tracker. Rows are claimed
 * with `FOR UPDATE SKIP LOCKED` and a lease, so dispatchers on several machines share one table
 * without delivering a row twice in the normal case; after a crash the row's `uuid` travels with
 * the redelivery, so receivers dedupe. Throws only here, for configuration mistakes.
 */
export function createDispatcher<C extends Catalog<any, any, any>>(outbox: Outbox<C>, options: DispatcherOptions = {}): Dispatcher {
  const inherited = outboxDefaults(outbox);
  if (!inherited) throw configError('the first argument must be an outbox from createOutbox(catalog, { db })');
  if ('maxAttempts' in options)
    throw configError('maxAttempts is now parkAfterAttempts (deliveries per row before it is parked); HTTP attempts per request are the destinations\' maxAttempts (webhook: { maxAttempts })');
  const batchSize = positiveInteger('batchSize', options.batchSize, 500);
  const parkAfterAttempts = positiveInteger('parkAfterAttempts', options.parkAfterAttempts, 10);
  const backoffMs = nonNegative('backoffMs', options.backoffMs, 5000);
  const leaseMs = positiveInteger('leaseMs', options.leaseMs, 60_000);
  const pollIntervalMs = nonNegative('pollIntervalMs', options.pollIntervalMs, 1000);
  const validation = options.validation === undefined ? inherited.validation : named(() => validationModeFrom(options.validation));
  for (const key of ['onViolation', 'onError'] as const)
    if (options[key] !== undefined && typeof options[key] !== 'function') throw configError(`${key} must be a function (got ${typeof options[key]})`);
  const userOnError = options.onError ?? inherited.onError;
  const userOnViolation = options.onViolation ?? inherited.onViolation;

  const log = options.debug ? (typeof options.debug === 'function' ? options.debug : (m: string) => console.debug(m)) : undefined;
  const counters = { tracked: 0, violations: 0, dropped: {} as Record<string, number> };
  const drop = (reason: string, count = 1) => {
    counters.dropped[reason] = (counters.dropped[reason] ?? 0) + count;
  };
  const onError = (error: unknown) => {
    log?.(`[trackplan] [outbox] ${describeError(error)}`);
    safely(() => userOnError?.(error));
  };
  const onViolation = (violation: OutboxViolation) => {
    counters.violations++;
    log?.(`[trackplan] [outbox] violation [${violation.event}] row ${violation.rowId} ${violation.kind}${violation.path ? ` at ${violation.path}` : ''}: ${violation.message} (${violation.action})`);
    safely(() => userOnViolation?.(violation));
  };
  // The table is the retry queue: destinations try each batch only twice (the registry's outbox settings).
  const router = new Router([...nodeDestinations(options, 'outbox'), ...(options.destinations ?? [])], { onError, onViolation: () => {}, debug: (m) => log?.(m) });
  const { db, table, catalog } = outbox;
  let running = false;
  let stopped = false;
  let closed = false;
  // Passes of one dispatcher never overlap: flush() and the loop take turns.
  let passes: Promise<unknown> = Promise.resolve();
  let wake: (() => void) | undefined;

  async function claim(): Promise<OutboxRow[]> {
    const { rows } = await db.query<OutboxRow>(
      `UPDATE ${table} AS claimed SET next_attempt_at = now() + ($2::double precision * interval '1 millisecond'), delivery_attempts = delivery_attempts + 1
       WHERE id IN (SELECT id FROM ${table} WHERE NOT is_processed AND parked_at IS NULL AND next_attempt_at <= now()
                    ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, uuid, event_name, occurred_at::text AS occurred_at, ${OCCURRED_AT_MS} AS occurred_at_ms, organization_id, user_id, entity_type,
                 entity_id, correlation_id, source, schema_version, properties::text AS properties, groups::text AS groups, catalog_name,
                 catalog_version, delivery_attempts, (to_jsonb(claimed) -> 'flags')::text AS flags`,
      [batchSize, leaseMs],
    );
    return rows;
  }

  type Plan = { send: TrackMessage; destinations: readonly string[] | undefined } | { park: string; dropReason: string } | { retry: string };

  /** What to do with one claimed row: send it, or park it now. Never throws: one row cannot stall its batch. */
  function planRow(row: OutboxRow): Plan {
    const rowId = String(row.id);
    try {
      const converted = rowToMessage(row);
      if (!converted.ok) return { park: `malformed_row: ${converted.column}: ${converted.problem}`, dropReason: 'malformed_row' };
      const verdict = applyCatalog(catalog, validation, converted.message);
      for (const violation of verdict.violations) onViolation({ ...violation, rowId });
      return verdict.deliver ? { send: verdict.message, destinations: verdict.destinations } : { park: verdict.reason, dropReason: verdict.dropReason };
    } catch (error) {
      // A fault of ours, not of the row: retried like a failed delivery, and parked after parkAfterAttempts.
      return { retry: `internal_error: ${describeError(error)}` };
    }
  }

  async function pass(): Promise<DispatchResult> {
    if (closed) return { ...EMPTY };
    const rows = await claim();
    const result: DispatchResult = { claimed: rows.length, delivered: 0, failed: 0, parked: 0 };
    counters.tracked += rows.length;
    if (!rows.length) return result;
    const parkNow: { row: OutboxRow; reason: string; dropReason: string }[] = [];
    const outcomes: Promise<{ row: OutboxRow; error: string | null }>[] = [];
    for (const row of rows) {
      const plan = planRow(row);
      if ('park' in plan) parkNow.push({ row, reason: plan.park, dropReason: plan.dropReason });
      else if ('retry' in plan) outcomes.push(Promise.resolve({ row, error: plan.retry }));
      else outcomes.push(route(plan.send, plan.destinations).then((error) => ({ row, error })));
    }
    await router.flush();
    const settled = await Promise.all(outcomes);
    const delivered = settled.filter((s) => s.error === null).map((s) => s.row.id);
    if (delivered.length) await db.query(`UPDATE ${table} SET is_processed = true, processed_at = now(), last_error = NULL WHERE id = ANY($1::bigint[])`, [delivered]);
    result.delivered = delivered.length;
    for (const { row, reason, dropReason } of parkNow) {
      await db.query(`UPDATE ${table} SET last_error = $2, parked_at = now() WHERE id = $1`, [row.id, reason.slice(0, 2000)]);
      result.parked++;
      drop(dropReason);
      onError(new Error(`[trackplan] [outbox] ${row.event_name} ${row.uuid} (row ${row.id}) parked without delivery: ${reason}. Fix the row (or the catalog), then clear its parked_at to send it.`));
    }
    for (const { row, error } of settled) {
      if (error === null) continue;
      const park = row.delivery_attempts >= parkAfterAttempts;
      const delay = Math.min(backoffMs * 2 ** (row.delivery_attempts - 1), 3_600_000);
      await db.query(
        `UPDATE ${table} SET last_error = $2, next_attempt_at = now() + ($3::double precision * interval '1 millisecond'), parked_at = CASE WHEN $4 THEN now() ELSE NULL END WHERE id = $1`,
        [row.id, error.slice(0, 2000), delay, park],
      );
      if (park) {
        result.parked++;
        drop(error.startsWith('internal_error:') ? 'internal_error' : 'delivery_failed');
        onError(new Error(`[trackplan] [outbox] ${row.event_name} ${row.uuid} parked after ${row.delivery_attempts} attempts: ${error}`));
      } else result.failed++;
    }
    log?.(`[trackplan] [outbox] pass: ${JSON.stringify(result)}`);
    return result;
  }

  function runOnce(): Promise<DispatchResult> {
    const run = passes.then(pass);
    passes = run.catch(() => {});
    return run;
  }

  /** Sends one message; resolves with null once every destination has it, else with what failed. */
  async function route(message: TrackMessage, destinations: readonly string[] | undefined): Promise<string | null> {
    const targets = router.select(message, destinations);
    if (!targets.length) {
      // Marked processed like the tracker drops it: nothing configured takes this event.
      drop('no_destination');
      return null;
    }
    const list = await router.route(message, targets);
    const failed = list.filter((o): o is Extract<DeliveryOutcome, { delivered: false }> => !o.delivered);
    return failed.length ? failed.map((o) => `${o.reason}${o.error ? `: ${describeError(o.error)}` : ''}`).join('; ') : null;
  }

  async function loop() {
    while (!stopped) {
      let result: DispatchResult | undefined;
      try {
        result = await runOnce();
      } catch (error) {
        onError(error);
      }
      if (stopped) break;
      if (!result || result.claimed < batchSize) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          const timer = setTimeout(resolve, pollIntervalMs);
          (timer as { unref?: () => void }).unref?.();
        });
      }
    }
    running = false;
  }

  async function shutdown(timeoutMs = 5000) {
    const started = Date.now();
    stopped = true;
    closed = true;
    wake?.();
    await waitAtMost(passes, timeoutMs);
    await router.shutdown(Math.max(0, timeoutMs - (Date.now() - started)));
  }

  return {
    runOnce,
    start() {
      if (closed) return onError(new Error('[trackplan] [outbox] start() after shutdown(): create a new dispatcher to dispatch again.'));
      if (running) return;
      running = true;
      stopped = false;
      void loop();
    },
    async flush() {
      try {
        while ((await runOnce()).claimed > 0);
      } catch (error) {
        onError(error);
      }
      await router.flush();
    },
    shutdown,
    stop: shutdown,
    stats: () => ({
      tracked: counters.tracked,
      dropped: { ...counters.dropped },
      violations: counters.violations,
      redactions: 0,
      destinations: router.stats(),
    }),
  };
}



function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw configError(`${name} must be a positive integer (got ${JSON.stringify(value)})`);
  return value;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw configError(`${name} must be a number of milliseconds, 0 or more (got ${JSON.stringify(value)})`);
  return value;
}

function safely(call: () => void): void {
  try {
    call();
  } catch {
    // never let a callback stop the loop
  }
}
