import type { DeliveryReporter, DestinationFactory } from '../core/types';
import { BatchQueue } from './batch-queue';
import { assertHttpUrl, defaultFetch, postOnce, type FetchLike } from './http';
import { toWebhookEnvelope } from './webhook-envelope';

export interface BrowserWebhookOptions {
  url: string;
  headers?: Record<string, string>;
  /** Events per request. Default 50 (fetch keepalive bodies must stay under 64 KB). */
  batchSize?: number;
  flushIntervalMs?: number;
  maxAttempts?: number;
  /** Unsent events kept in localStorage for the next page: at most this many. Default 500. */
  maxStoredEvents?: number;
  /** …and at most this many bytes. Default 256 KiB. */
  maxStoredBytes?: number;
  fetch?: FetchLike;
}

/** What the page gives the destination: beacon, storage, and the page-hide signal. */
export interface BrowserWebhookRuntime {
  sendBeacon?(url: string, body: string): boolean;
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  onPageHide?(listener: () => void): void;
}

const BEACON_BYTES = 60_000;

/**
 * The webhook from a page: batches over `fetch` with `keepalive`; when the page hides, what is
 * queued leaves by `navigator.sendBeacon`, and what cannot is kept in localStorage (bounded, oldest
 * dropped first on a full quota) and sent by the next page load.
 */
export function browserWebhookDestination(options: BrowserWebhookOptions, runtime: BrowserWebhookRuntime): DestinationFactory {
  const url = assertHttpUrl(options.url, 'webhook.url');
  const storageKey = `trackplan:webhook:${url}`;
  const fetchImpl = options.fetch ?? defaultFetch;
  const headers = { 'content-type': 'application/json', ...options.headers };
  const keepaliveFetch: FetchLike = (target, init) => fetchImpl(target, { ...init, keepalive: true });

  return (reporter) => {
    const queue = new BatchQueue(
      {
        batchSize: options.batchSize ?? 50,
        maxBatchBytes: BEACON_BYTES,
        flushIntervalMs: options.flushIntervalMs ?? 1000,
        maxQueueBytes: 4 * 1024 * 1024,
        maxAttempts: options.maxAttempts ?? 5,
        concurrency: 2,
        retryBaseMs: 500,
        retryMaxMs: 10_000,
        attempt: (events, _count, signal) => postOnce(keepaliveFetch, url, headers, `{"events":[${events}]}`, 10_000, signal, 'webhook'),
      },
      reporter,
    );
    const store = persistence(storageKey, runtime.storage, reporter, options.maxStoredEvents ?? 500, options.maxStoredBytes ?? 256 * 1024);

    runtime.onPageHide?.(() => {
      const taken = queue.takeQueued();
      let sent = 0;
      while (sent < taken.payloads.length && runtime.sendBeacon) {
        let end = sent;
        let bytes = 14;
        while (end < taken.payloads.length && (end === sent || bytes + taken.payloads[end].length < BEACON_BYTES)) bytes += taken.payloads[end++].length + 1;
        const body = `{"events":[${taken.payloads.slice(sent, end).join(',')}]}`;
        let accepted = false;
        try {
          accepted = runtime.sendBeacon(url, body);
        } catch {
          accepted = false;
        }
        if (!accepted) break;
        taken.settle({ delivered: true }, sent, end);
        sent = end;
      }
      if (sent < taken.payloads.length) {
        const unsent = taken.payloads.slice(sent);
        const lost = store.save(unsent);
        if (lost.count) taken.settle({ delivered: false, reason: lost.reason, error: lost.error }, sent, sent + lost.count);
        taken.settle({ delivered: false, reason: 'handed_to_next_page' }, sent + lost.count);
      }
    });

    // Events a previous page could not send: they enter this page's books as routed.
    const restored = store.load();
    if (restored.length) {
      reporter.adopted(restored.length);
      for (const payload of restored) queue.post(payload);
    }

    return {
      name: 'webhook',
      accepts: ['track'],
      send(message) {
        if (message.type !== 'track') return Promise.resolve({ delivered: false, reason: 'unsupported' });
        return queue.enqueue(message, JSON.stringify(toWebhookEnvelope(message.envelope)));
      },
      post(message) {
        if (message.type === 'track') queue.post(JSON.stringify(toWebhookEnvelope(message.envelope)));
      },
      pending: () => queue.pending(),
      flush: () => queue.flush(),
      shutdown: (ms) => queue.shutdown(ms),
    };
  };
}

function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || (error as { code?: number })?.code === 22;
}

/** localStorage, bounded in count and bytes; a full quota drops the oldest until the rest fits. */
function persistence(key: string, storage: BrowserWebhookRuntime['storage'], reporter: DeliveryReporter, maxEvents: number, maxBytes: number) {
  return {
    load(): string[] {
      if (!storage) return [];
      try {
        const raw = storage.getItem(key);
        storage.removeItem(key);
        const parsed = raw ? (JSON.parse(raw) as unknown) : [];
        return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
      } catch (error) {
        reporter.error(error);
        return [];
      }
    },
    /**
     * Keeps `payloads` (after anything stored earlier on this page); returns how many of the new
     * ones, oldest first, did not fit. Older stored ones that had to go are reported through onError.
     */
    save(payloads: string[]): { count: number; reason: string; error?: unknown } {
      if (!storage) return { count: payloads.length, reason: 'no_storage' };
      const earlier = this.peek() ?? [];
      let kept = [...earlier, ...payloads];
      let cut = Math.max(0, kept.length - maxEvents);
      let bytes = kept.reduce((sum, p) => sum + p.length, 0);
      for (let i = 0; i < cut; i++) bytes -= kept[i].length;
      while (bytes > maxBytes && cut < kept.length) bytes -= kept[cut++].length;
      let reason = 'storage_bound';
      let failure: unknown;
      for (;;) {
        try {
          storage.setItem(key, JSON.stringify(kept.slice(cut)));
          break;
        } catch (error) {
          failure = error;
          reason = isQuotaError(error) ? 'storage_quota' : 'storage_error';
          if (reason === 'storage_error' || cut >= kept.length) {
            cut = kept.length;
            break;
          }
          cut += Math.max(1, Math.ceil((kept.length - cut) / 4));
        }
      }
      const earlierLost = Math.min(cut, earlier.length);
      if (earlierLost) reporter.error(new Error(`[trackplan] [webhook] ${earlierLost} stored event(s) from earlier on this page were dropped (${reason})`));
      return { count: Math.max(0, cut - earlier.length), reason, error: failure };
    },
    peek(): string[] | undefined {
      try {
        const raw = storage?.getItem(key);
        return raw ? (JSON.parse(raw) as string[]) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
