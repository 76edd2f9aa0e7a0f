import { checkPositiveInteger, checkQueueSettings, type NumericQueueSettings } from '../../core/config-rules';
import type { DeliveryOutcome, DeliveryReporter, DropReason } from '../../core/types';

/** What the page gives the webhook destination: beacon, storage, and the page-hide signal. */
export interface BrowserWebhookRuntime {
  sendBeacon?(url: string, body: string): boolean;
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  onPageHide?(listener: () => void): void;
  /** `false`: leave events stored by earlier pages for the next page load (this one is hiding). Default `true`. */
  restore?: boolean;
}

export const BEACON_BYTES = 60_000;

/** The page webhook's numeric options, checked when the tracker is created (before its module loads). */
export function checkBrowserWebhookOptions(options: NumericQueueSettings & { maxStoredEvents?: number; maxStoredBytes?: number }): void {
  checkQueueSettings(options, 'webhook');
  for (const option of ['maxStoredEvents', 'maxStoredBytes'] as const) if (options[option] !== undefined) checkPositiveInteger(options[option], option, 'webhook');
}

export const storageKeyOf = (url: string): string => `trackplan:webhook:${url}`;

/** What the page keeps in localStorage for the next page (not the batch queue's in-memory `store`). */
export type NextPageStorage = ReturnType<typeof persistence>;

/**
 * When the page hides: `payloads` leave by `sendBeacon` in batches under 64 KB, and what cannot is
 * kept in storage for the next page load (bounded). `settle(outcome, from, to)` is told what became
 * of each range, so every payload is counted: delivered, `handed_to_next_page`, or lost with a reason.
 */
export function handOff(url: string, payloads: string[], runtime: BrowserWebhookRuntime, nextPage: NextPageStorage, settle: (outcome: DeliveryOutcome, from: number, to?: number) => void): void {
  let sent = 0;
  while (sent < payloads.length && runtime.sendBeacon) {
    let end = sent;
    let bytes = 14;
    while (end < payloads.length && (end === sent || bytes + payloads[end].length < BEACON_BYTES)) bytes += payloads[end++].length + 1;
    const body = `{"events":[${payloads.slice(sent, end).join(',')}]}`;
    let accepted = false;
    try {
      accepted = runtime.sendBeacon(url, body);
    } catch {
      accepted = false;
    }
    if (!accepted) break;
    settle({ delivered: true }, sent, end);
    sent = end;
  }
  if (sent < payloads.length) {
    const lost = nextPage.save(payloads.slice(sent));
    if (lost.count) settle({ delivered: false, reason: lost.reason, error: lost.error }, sent, sent + lost.count);
    settle({ delivered: false, reason: 'handed_to_next_page' }, sent + lost.count);
  }
}

function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || (error as { code?: number })?.code === 22;
}

/** Whether a stored entry is an event envelope's JSON: anything else would make the batch it joins invalid JSON. */
function isEnvelopeJson(entry: unknown): entry is string {
  if (typeof entry !== 'string') return false;
  try {
    const envelope = JSON.parse(entry) as Record<string, unknown> | null;
    const properties = envelope?.properties;
    return typeof envelope?.uuid === 'string' && typeof envelope.event_name === 'string' && typeof envelope.occurred_at === 'string' && !!properties && typeof properties === 'object' && !Array.isArray(properties);
  } catch {
    return false;
  }
}

/**
 * localStorage, bounded in count and bytes; a full quota drops the oldest until the rest fits.
 * What is read back is checked entry by entry: the envelopes are kept; the rest (or the whole value
 * when it is not a JSON array) is removed, counted once as `storage_corrupt` (one per entry, or 1 for
 * an unusable value) and reported, so it never joins new events in a request.
 */
export function persistence(key: string, storage: BrowserWebhookRuntime['storage'], reporter: Pick<DeliveryReporter, 'error' | 'adopted' | 'dropped'>, maxEvents: number, maxBytes: number) {
  /** The stored envelopes; throws only when the storage itself does. */
  const read = (): string[] => {
    const raw = storage?.getItem(key);
    if (raw == null) return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      // counted below as one unusable value
    }
    const entries = Array.isArray(parsed) ? parsed.filter(isEnvelopeJson) : [];
    const discarded = Array.isArray(parsed) ? parsed.length - entries.length : 1;
    if (discarded) {
      storage!.removeItem(key); // counted here once, never again by a later read
      reporter.adopted(discarded); // they enter the books as routed, so routed = delivered + dropped + pending holds
      reporter.dropped('storage_corrupt', discarded, new Error(`[trackplan] [webhook] discarded what localStorage "${key}" held that is not trackplan's stored events (${discarded} counted as storage_corrupt); let nothing but trackplan write that key`));
    }
    return entries;
  };
  return {
    load(): string[] {
      try {
        const entries = read();
        storage?.removeItem(key);
        return entries;
      } catch (error) {
        reporter.error(error);
        return [];
      }
    },
    /**
     * Keeps `payloads` (after anything stored earlier on this page); returns how many of the new
     * ones, oldest first, did not fit. Older stored ones that had to go are reported through onError.
     */
    save(payloads: string[]): { count: number; reason: DropReason; error?: unknown } {
      if (!storage) return { count: payloads.length, reason: 'no_storage' };
      const earlier = this.peek();
      let kept = [...earlier, ...payloads];
      let cut = Math.max(0, kept.length - maxEvents);
      let bytes = kept.reduce((sum, p) => sum + p.length, 0);
      for (let i = 0; i < cut; i++) bytes -= kept[i].length;
      while (bytes > maxBytes && cut < kept.length) bytes -= kept[cut++].length;
      let reason: DropReason = 'storage_bound';
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
      // Counted `handed_to_next_page` when they were stored; now they are lost after all.
      if (earlierLost) reporter.error(new Error(`[trackplan] [webhook] ${earlierLost} stored event(s) from earlier on this page were dropped (${reason})`, { cause: failure }), { reason, count: earlierLost });
      return { count: Math.max(0, cut - earlier.length), reason, error: failure };
    },
    /** The stored envelopes, left in place. */
    peek(): string[] {
      try {
        return read();
      } catch {
        return [];
      }
    },
  };
}
