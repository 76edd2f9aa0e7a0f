import type { DeliveryOutcome, DeliveryReporter, DropReason, Message } from '../../core/types';
import { waitAtMost } from '../../core/wait';
import { stringBatches, type BatchStore } from './batch-store';
import { backoffDelay, keepAlive, unrefTimer } from './retry-timing';

// Split by concern; these names stay importable from here.
export { stringBatches, type BatchStore } from './batch-store';
export { keepAlive, parseRetryAfter } from './retry-timing';
export { queueOptions, type QueueSettings } from './queue-settings';

/** What one attempt to send a batch came to. */
export type AttemptResult =
  | { ok: true }
  | { ok: false; retry: boolean; reason: DropReason; error: Error; retryAfterMs?: number };

export interface BatchQueueOptions {
  /** Messages per request. */
  batchSize: number;
  /** Largest request body, in bytes, before a batch is cut early. */
  maxBatchBytes: number;
  /** How long a partial batch waits for company. */
  flushIntervalMs: number;
  /** Bound of the queue, in bytes held (compressed with `packedBatches`); overflow drops the oldest (`queue_overflow`). */
  maxQueueBytes: number;
  /** Attempts per batch, the first included. */
  maxAttempts: number;
  /** Requests in flight at once. */
  concurrency: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /**
   * Sends one batch: `body` is its `count` serialized messages joined by commas (wrap it in
   * `[`…`]`). Must not throw; `signal` aborts it at the shutdown deadline.
   */
  attempt(body: string, count: number, signal: AbortSignal): Promise<AttemptResult>;
  /** Makes the queue's store. Default `stringBatches`. */
  store?: () => BatchStore;
  random?: () => number;
}

type Resolve = (outcome: DeliveryOutcome) => void;

/**
 * A batch of messages: open (taking messages) until it is sealed, then waiting, in flight, and
 * settled as one. No object per message: a message is its payload string until the batch is sealed,
 * then a share of the batch's compressed bytes.
 */
interface Batch {
  count: number;
  /** Bytes held, as the store counts them. */
  bytes: number;
  /** What the store keeps for it, once sealed. */
  data?: unknown;
  /** Only messages someone awaits (`send`) have one: `index` is the message's place in the batch. */
  waiters?: { index: number; resolve: Resolve }[];
  settled: boolean;
  /** Made on first demand, by a flush. */
  done?: Promise<void>;
  onSettled?: () => void;
}

const newBatch = (): Batch => ({ count: 0, bytes: 0, settled: false });
const DONE: Promise<void> = Promise.resolve();

/**
 * The byte-bounded batching queue behind the HTTP destinations: batches, bounded concurrency,
 * retries with exponential backoff and full jitter, and exact books (every message settles once).
 *
 * Messages gather in an open batch, sealed at `batchSize`, at `maxBatchBytes` or at an eighth of
 * `maxQueueBytes` (so that overflow, which drops the oldest waiting batch whole, never drops more
 * than an eighth of the queue at once). The store decides how batches are kept (`packedBatches`:
 * compressed).
 */
export class BatchQueue {
  private open: Batch = newBatch();
  private readonly store: BatchStore;
  private sealed: Batch[] = [];
  private head = 0;
  /** Bytes held by the open batch and the sealed batches waiting (not those in flight). */
  private queuedBytes = 0;
  /** Accepted and not yet settled: queued, in flight, or taken and not yet settled. */
  private pendingCount = 0;
  private inFlight = new Set<Batch>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly controller = new AbortController();
  private readonly sealBytes: number;
  private draining = false;
  private overflowError: Error | undefined;
  private closed = false;

  constructor(
    private readonly options: BatchQueueOptions,
    private readonly reporter: DeliveryReporter,
  ) {
    this.sealBytes = Math.max(1, Math.min(options.maxBatchBytes, Math.floor(options.maxQueueBytes / 8)));
    this.store = (options.store ?? stringBatches)();
  }

  /** Queues one serialized message; resolves with its outcome. */
  enqueue(_message: Message, payload: string): Promise<DeliveryOutcome> {
    if (this.closed) return Promise.resolve(this.refuse());
    return new Promise<DeliveryOutcome>((resolve) => this.add(payload, resolve));
  }

  /**
   * Queues one serialized message when nobody waits for its outcome (it goes to the reporter):
   * no promise and no object per message, so a burst costs its bytes.
   */
  post(payload: string): void {
    if (this.closed) this.refuse();
    else this.add(payload);
  }

  private refuse(): DeliveryOutcome {
    this.reporter.dropped('shutdown', 1);
    return { delivered: false, reason: 'shutdown' };
  }

  private add(payload: string, resolve?: Resolve): void {
    if (this.open.count > 0 && this.open.bytes + payload.length > this.sealBytes) this.seal();
    const open = this.open;
    if (resolve) (open.waiters ??= []).push({ index: open.count, resolve });
    const bytes = this.store.add(payload);
    open.count++;
    open.bytes += bytes;
    this.queuedBytes += bytes;
    this.pendingCount++;
    if (open.count >= this.options.batchSize || open.bytes >= this.sealBytes) this.seal();
    if (this.queuedBytes > this.options.maxQueueBytes) this.trim();
    this.schedule();
  }

  /**
   * Drops the oldest waiting batches until the queue fits its bound again. The open batch (at most
   * an eighth of the bound plus one message) always stays, and so does the batch with the newest message.
   */
  private trim(): void {
    while (this.queuedBytes > this.options.maxQueueBytes && this.sealed.length - this.head > (this.open.count ? 0 : 1)) {
      const oldest = this.shiftSealed();
      this.queuedBytes -= oldest.bytes;
      // One error object for every overflow: a burst can drop many, and each drop still reaches onError.
      this.overflowError ??= new Error(`[trackplan] queue over ${this.options.maxQueueBytes} bytes: the oldest messages are being dropped`);
      this.settle([oldest], { delivered: false, reason: 'queue_overflow', error: this.overflowError });
    }
  }

  /** Closes the open batch: it waits to be sent (compressed, with `packedBatches`). */
  private seal(): void {
    const batch = this.open;
    if (batch.count === 0) return;
    this.open = newBatch();
    const { data, bytes } = this.store.seal(batch.bytes);
    this.queuedBytes += bytes - batch.bytes;
    batch.bytes = bytes;
    batch.data = data;
    this.sealed.push(batch);
  }

  /** Removes what is queued (not in flight) and returns its payloads with a way to settle them. */
  takeQueued(): { payloads: string[]; settle(outcome: DeliveryOutcome, from?: number, to?: number): void } {
    const batches = this.sealed.slice(this.head);
    const open = this.open;
    const openPayloads = this.store.takeOpen();
    if (open.count) batches.push(open);
    this.sealed = [];
    this.head = 0;
    this.open = newBatch();
    this.queuedBytes = 0;
    const payloads: string[] = [];
    const waiterAt = new Map<number, Resolve>();
    for (const batch of batches) {
      const start = payloads.length;
      for (const payload of batch === open ? openPayloads : this.store.payloads(batch.data)) payloads.push(payload);
      for (const waiter of batch.waiters ?? []) waiterAt.set(start + waiter.index, waiter.resolve);
      batch.waiters = undefined;
      // The taker settles every message it took (a flush awaiting these batches resumes after that).
      this.markSettled(batch);
    }
    const settled = new Uint8Array(payloads.length);
    return {
      payloads,
      settle: (outcome, from = 0, to = payloads.length) => {
        let count = 0;
        for (let i = from; i < to && i < payloads.length; i++) {
          if (settled[i]) continue;
          settled[i] = 1;
          count++;
          waiterAt.get(i)?.(outcome);
        }
        this.report(count, outcome);
      },
    };
  }

  /** Queued plus in flight. */
  pending(): number {
    return this.pendingCount;
  }

  /** Resolves when everything queued before the call has settled. */
  async flush(): Promise<void> {
    this.draining = true;
    this.seal();
    const waiting: Promise<void>[] = [];
    for (let i = this.head; i < this.sealed.length; i++) waiting.push(this.whenSettled(this.sealed[i]));
    for (const batch of this.inFlight) waiting.push(this.whenSettled(batch));
    this.pump();
    // Someone awaits this: keep the process alive through retry back-offs (their timers are unref'd).
    const release = keepAlive();
    try {
      await Promise.all(waiting);
    } finally {
      release();
    }
    if (this.sealed.length === this.head && this.open.count === 0) this.draining = false;
  }

  /** Flushes; at the deadline aborts requests and drops what is left (`shutdown_timeout`). Never hangs. */
  async shutdown(timeoutMs: number): Promise<void> {
    this.closed = true;
    await waitAtMost(this.flush(), timeoutMs);
    clearTimeout(this.timer);
    this.timer = undefined;
    const left = this.sealed.slice(this.head);
    if (this.open.count) left.push(this.open);
    for (const batch of this.inFlight) if (!batch.settled) left.push(batch);
    if (left.length) {
      this.controller.abort();
      this.sealed = [];
      this.head = 0;
      this.open = newBatch();
      this.store.takeOpen();
      this.queuedBytes = 0;
      const count = left.reduce((sum, batch) => sum + batch.count, 0);
      this.settle(left, { delivered: false, reason: 'shutdown_timeout', error: new Error(`[trackplan] ${count} message(s) undelivered at the shutdown deadline`) });
    }
  }

  private whenSettled(batch: Batch): Promise<void> {
    if (batch.settled) return DONE;
    return (batch.done ??= new Promise<void>((resolve) => (batch.onSettled = resolve)));
  }

  private schedule(): void {
    if (this.sealed.length > this.head || this.draining) return this.pump();
    if (!this.timer) {
      this.timer = unrefTimer(() => {
        this.timer = undefined;
        this.pump(true);
      }, this.options.flushIntervalMs);
    }
  }

  /** Starts batches while there is room; seals a partial batch only when `force`, flushing or closed. */
  private pump(force = false): void {
    while (this.inFlight.size < this.options.concurrency) {
      if (this.sealed.length === this.head) {
        if (this.open.count === 0 || !(force || this.draining || this.closed)) break;
        this.seal();
      }
      const batch = this.shiftSealed();
      this.queuedBytes -= batch.bytes;
      void this.run(batch);
    }
    if ((this.sealed.length > this.head || this.open.count > 0) && !this.timer && this.inFlight.size < this.options.concurrency) {
      this.timer = unrefTimer(() => {
        this.timer = undefined;
        this.pump(true);
      }, this.options.flushIntervalMs);
    }
  }

  /** Takes the oldest sealed batch, letting go of its slot (a dropped batch must not stay reachable). */
  private shiftSealed(): Batch {
    const batch = this.sealed[this.head];
    this.sealed[this.head++] = undefined as unknown as Batch;
    if (this.head === this.sealed.length) {
      this.sealed = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.sealed.length) {
      this.sealed = this.sealed.slice(this.head);
      this.head = 0;
    }
    return batch;
  }

  private async run(batch: Batch): Promise<void> {
    this.inFlight.add(batch);
    try {
      for (let attempt = 1; ; attempt++) {
        if (batch.settled) return;
        const result = await this.safeAttempt(batch);
        if (batch.settled) return; // dropped at the shutdown deadline meanwhile
        if (result.ok) {
          this.settle([batch], { delivered: true });
          return;
        }
        const spent = attempt >= this.options.maxAttempts;
        if (!result.retry || spent || this.controller.signal.aborted) {
          this.settle([batch], { delivered: false, reason: result.retry ? 'retries_exhausted' : result.reason, error: result.error });
          return;
        }
        this.reporter.retrying(result.reason, batch.count, result.error);
        await this.sleep(this.backoff(attempt, result.retryAfterMs));
      }
    } finally {
      this.inFlight.delete(batch);
      this.pump();
    }
  }

  private async safeAttempt(batch: Batch): Promise<AttemptResult> {
    try {
      // Inflated for the attempt only: between attempts (retry back-off) the batch stays compressed.
      const body = this.store.text(batch.data);
      return await this.options.attempt(body, batch.count, this.controller.signal);
    } catch (error) {
      return { ok: false, retry: true, reason: 'network_error', error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  private backoff(attempt: number, retryAfterMs?: number): number {
    return backoffDelay(attempt, this.options, retryAfterMs);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.controller.signal;
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = unrefTimer(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Settles whole batches with one outcome, reported once (one onError call, not one per batch). */
  private settle(batches: Batch[], outcome: DeliveryOutcome): void {
    let count = 0;
    for (const batch of batches) {
      if (batch.settled) continue;
      count += batch.count;
      for (const waiter of batch.waiters ?? []) waiter.resolve(outcome);
      this.markSettled(batch);
    }
    this.report(count, outcome);
  }

  /** Marks a batch settled and lets go of its contents. */
  private markSettled(batch: Batch): void {
    batch.settled = true;
    batch.data = undefined;
    batch.waiters = undefined;
    batch.onSettled?.();
  }

  private report(count: number, outcome: DeliveryOutcome): void {
    if (count === 0) return;
    this.pendingCount -= count;
    if (outcome.delivered) this.reporter.delivered(count);
    else this.reporter.dropped(outcome.reason, count, outcome.error);
  }
}
