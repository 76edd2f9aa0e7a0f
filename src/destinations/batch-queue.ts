import type { DeliveryOutcome, DeliveryReporter, Message } from '../core/types';

/** What one attempt to send a batch came to. */
export type AttemptResult =
  | { ok: true }
  | { ok: false; retry: boolean; reason: string; error: Error; retryAfterMs?: number };

export interface BatchQueueOptions {
  /** Messages per request. */
  batchSize: number;
  /** Largest request body, in bytes, before a batch is cut early. */
  maxBatchBytes: number;
  /** How long a partial batch waits for company. */
  flushIntervalMs: number;
  /** Bound of the queue, in serialized bytes; overflow drops the oldest (`queue_overflow`). */
  maxQueueBytes: number;
  /** Attempts per batch, the first included. */
  maxAttempts: number;
  /** Requests in flight at once. */
  concurrency: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Sends one batch. Must not throw; `signal` aborts it at the shutdown deadline. */
  attempt(payloads: string[], signal: AbortSignal): Promise<AttemptResult>;
  random?: () => number;
}

interface Item {
  payload: string;
  bytes: number;
  settled: boolean;
  /** Set only when someone waits for this item (send, or a flush): most items never need one. */
  resolve?: (outcome: DeliveryOutcome) => void;
  done?: Promise<DeliveryOutcome>;
  outcome?: DeliveryOutcome;
}

/** The item's outcome as a promise, made on first demand. */
function awaitItem(item: Item): Promise<DeliveryOutcome> {
  if (item.settled) return Promise.resolve(item.outcome!);
  return (item.done ??= new Promise<DeliveryOutcome>((resolve) => (item.resolve = resolve)));
}

/** Holds the event loop open while a caller awaits us; returns the release. */
export function keepAlive(): () => void {
  const handle = setInterval(() => {}, 1 << 30);
  return () => clearInterval(handle);
}

/** The user-facing knobs of an HTTP destination's queue. */
export interface QueueSettings {
  batchSize?: number;
  flushIntervalMs?: number;
  maxQueueBytes?: number;
  maxAttempts?: number;
  concurrency?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** The queue options from user settings and the destination's own batch sizes, with the shared defaults. */
export function queueOptions(
  settings: QueueSettings,
  own: { batchSize: number; maxBatchBytes: number },
  attempt: BatchQueueOptions['attempt'],
): BatchQueueOptions {
  return {
    batchSize: settings.batchSize ?? own.batchSize,
    maxBatchBytes: own.maxBatchBytes,
    flushIntervalMs: settings.flushIntervalMs ?? 1000,
    maxQueueBytes: settings.maxQueueBytes ?? 64 * 1024 * 1024,
    maxAttempts: settings.maxAttempts ?? 10,
    concurrency: settings.concurrency ?? 4,
    retryBaseMs: settings.retryBaseMs ?? 500,
    retryMaxMs: settings.retryMaxMs ?? 30_000,
    attempt,
  };
}

/** A timer that never keeps a Node process alive. */
function unrefTimer(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
  const timer = setTimeout(fn, ms);
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/**
 * The byte-bounded batching queue behind the HTTP destinations: batches, bounded concurrency,
 * retries with exponential backoff and full jitter, and exact books (every item settles once).
 */
export class BatchQueue {
  private queue: Item[] = [];
  private head = 0;
  private queuedBytes = 0;
  private inFlight = new Set<Item[]>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly controller = new AbortController();
  private draining = false;
  private overflowError: Error | undefined;
  private closed = false;

  constructor(
    private readonly options: BatchQueueOptions,
    private readonly reporter: DeliveryReporter,
  ) {}

  /** Queues one serialized message; resolves with its outcome. */
  enqueue(_message: Message, payload: string): Promise<DeliveryOutcome> {
    const item = this.post(payload);
    return item.settled ? Promise.resolve(item.outcome!) : awaitItem(item);
  }

  /**
   * Queues one serialized message when nobody waits for its outcome (it goes to the reporter):
   * no promise per message, so a burst costs its bytes, not a promise chain each.
   */
  post(payload: string): Item {
    const item: Item = { payload, bytes: payload.length, settled: false };
    if (this.closed) {
      this.settle([item], { delivered: false, reason: 'shutdown' });
      return item;
    }
    this.queue.push(item);
    this.queuedBytes += item.bytes;
    while (this.queuedBytes > this.options.maxQueueBytes && this.size() > 1) {
      const oldest = this.shift();
      this.queuedBytes -= oldest.bytes;
      // One error object for every overflow: a burst can drop many, and each still reaches onError.
      this.overflowError ??= new Error(`[trackplan] queue over ${this.options.maxQueueBytes} bytes: the oldest messages are being dropped`);
      this.settle([oldest], { delivered: false, reason: 'queue_overflow', error: this.overflowError });
    }
    this.schedule();
    return item;
  }

  /** Removes what is queued (not in flight) and returns its payloads with a way to settle them. */
  takeQueued(): { payloads: string[]; settle(outcome: DeliveryOutcome, from?: number, to?: number): void } {
    const items = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    this.queuedBytes = 0;
    return {
      payloads: items.map((item) => item.payload),
      settle: (outcome, from = 0, to = items.length) => this.settle(items.slice(from, to), outcome),
    };
  }

  /** Queued plus in flight. */
  pending(): number {
    let count = this.size();
    for (const batch of this.inFlight) for (const item of batch) if (!item.settled) count++;
    return count;
  }

  /** Resolves when everything queued before the call has settled. */
  async flush(): Promise<void> {
    const waiting = this.unsettled();
    this.draining = true;
    this.pump();
    // Someone awaits this: keep the process alive through retry back-offs (their timers are unref'd).
    const release = keepAlive();
    try {
      await Promise.all(waiting);
    } finally {
      release();
    }
    if (this.size() === 0) this.draining = false;
  }

  /** Flushes; at the deadline aborts requests and drops what is left (`shutdown_timeout`). Never hangs. */
  async shutdown(timeoutMs: number): Promise<void> {
    this.closed = true;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<void>((resolve) => {
      // Not unref'd: the caller awaits shutdown, so the process stays up until the deadline at most.
      deadline = setTimeout(resolve, Math.max(0, timeoutMs));
    });
    await Promise.race([this.flush(), expired]);
    clearTimeout(deadline);
    clearTimeout(this.timer);
    const left = this.unsettledItems();
    if (left.length) {
      this.controller.abort();
      this.queue = [];
      this.head = 0;
      this.queuedBytes = 0;
      this.settle(left, { delivered: false, reason: 'shutdown_timeout', error: new Error(`[trackplan] ${left.length} message(s) undelivered at the shutdown deadline`) });
    }
  }

  private size(): number {
    return this.queue.length - this.head;
  }

  private unsettledItems(): Item[] {
    const items: Item[] = [];
    for (let i = this.head; i < this.queue.length; i++) items.push(this.queue[i]);
    for (const batch of this.inFlight) for (const item of batch) if (!item.settled) items.push(item);
    return items;
  }

  private unsettled(): Promise<DeliveryOutcome>[] {
    return this.unsettledItems().map(awaitItem);
  }

  private schedule(): void {
    if (this.size() >= this.options.batchSize || this.draining) return this.pump();
    if (!this.timer) {
      this.timer = unrefTimer(() => {
        this.timer = undefined;
        this.pump(true);
      }, this.options.flushIntervalMs);
    }
  }

  /** Starts batches while there is room; partial batches only when `force`, flushing or closed. */
  private pump(force = false): void {
    while (this.inFlight.size < this.options.concurrency && this.size() > 0) {
      if (this.size() < this.options.batchSize && !force && !this.draining && !this.closed) break;
      void this.run(this.take());
    }
    if (this.size() > 0 && !this.timer && this.inFlight.size < this.options.concurrency) {
      this.timer = unrefTimer(() => {
        this.timer = undefined;
        this.pump(true);
      }, this.options.flushIntervalMs);
    }
  }

  private take(): Item[] {
    const batch: Item[] = [];
    let bytes = 0;
    while (this.size() > 0 && batch.length < this.options.batchSize) {
      const next = this.queue[this.head];
      if (batch.length > 0 && bytes + next.bytes > this.options.maxBatchBytes) break;
      this.shift();
      bytes += next.bytes;
      this.queuedBytes -= next.bytes;
      batch.push(next);
    }
    return batch;
  }

  /** Takes the oldest item, letting go of its slot (a dropped item must not stay reachable). */
  private shift(): Item {
    const item = this.queue[this.head];
    this.queue[this.head++] = undefined as unknown as Item;
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  private async run(batch: Item[]): Promise<void> {
    this.inFlight.add(batch);
    try {
      for (let attempt = 1; ; attempt++) {
        if (batch.every((item) => item.settled)) return;
        const result = await this.safeAttempt(batch.map((item) => item.payload));
        if (batch.every((item) => item.settled)) return; // dropped at the shutdown deadline meanwhile
        if (result.ok) {
          this.settle(batch, { delivered: true });
          return;
        }
        const spent = attempt >= this.options.maxAttempts;
        if (!result.retry || spent || this.controller.signal.aborted) {
          this.settle(batch, { delivered: false, reason: result.retry ? 'retries_exhausted' : result.reason, error: result.error });
          return;
        }
        this.reporter.error(result.error);
        await this.sleep(this.backoff(attempt, result.retryAfterMs));
      }
    } finally {
      this.inFlight.delete(batch);
      this.pump();
    }
  }

  private async safeAttempt(payloads: string[]): Promise<AttemptResult> {
    try {
      return await this.options.attempt(payloads, this.controller.signal);
    } catch (error) {
      return { ok: false, retry: true, reason: 'network_error', error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  /** Exponential backoff with full jitter; a server's Retry-After wins, capped at retryMaxMs. */
  private backoff(attempt: number, retryAfterMs?: number): number {
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, this.options.retryMaxMs);
    const ceiling = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** (attempt - 1));
    return Math.round((this.options.random ?? Math.random)() * ceiling);
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

  private settle(items: Item[], outcome: DeliveryOutcome): void {
    let count = 0;
    for (const item of items) {
      if (item.settled) continue;
      item.settled = true;
      item.outcome = outcome;
      item.resolve?.(outcome);
      count++;
    }
    if (count === 0) return;
    if (outcome.delivered) this.reporter.delivered(count);
    else this.reporter.dropped(outcome.reason, count, outcome.error);
  }
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
