// The user-facing settings of an HTTP destination's queue, with the shared defaults.
import type { BatchStore } from './batch-store';
import type { BatchQueueOptions } from './batch-queue';

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
  own: { batchSize: number; maxBatchBytes: number; concurrency?: number; maxAttempts?: number },
  attempt: BatchQueueOptions['attempt'],
  store?: () => BatchStore,
): BatchQueueOptions {
  return {
    batchSize: settings.batchSize ?? own.batchSize,
    maxBatchBytes: own.maxBatchBytes,
    flushIntervalMs: settings.flushIntervalMs ?? 1000,
    maxQueueBytes: settings.maxQueueBytes ?? 64 * 1024 * 1024,
    maxAttempts: own.maxAttempts ?? settings.maxAttempts ?? 10,
    concurrency: own.concurrency ?? settings.concurrency ?? 4,
    retryBaseMs: settings.retryBaseMs ?? 500,
    retryMaxMs: settings.retryMaxMs ?? 30_000,
    attempt,
    store,
  };
}
