import type { DeliveryOutcome, DestinationFactory, Message, ReportingDestination } from '../core/types';
import type { BrowserWebhookOptions, browserWebhookDestination } from './browser-webhook';
import { waitAtMost } from '../core/wait';
import type { BrowserEnv, Builtin } from './_shared/builtin';
import { assertHttpUrl } from './_shared/url';
import { toWebhookEnvelope } from './_shared/webhook-envelope';
import { checkBrowserWebhookOptions, handOff, persistence, storageKeyOf, type BrowserWebhookRuntime } from './_shared/webhook-handoff';

/** Messages held while the webhook module loads; beyond this the oldest are dropped and counted. */
export const WEBHOOK_HELD_LIMIT = 1000;

interface Held {
  message: Message;
  /** Set for `send` (someone awaits the outcome); absent for `post`. */
  done?: (outcome: DeliveryOutcome) => void;
}

/**
 * The page's webhook with its batching, retries and HTTP code loaded by `import()`, so a page that
 * configures no webhook never carries them and one that does gets them after its first paint.
 * Until the module arrives, messages routed to it are held (at most 1000; the oldest beyond that
 * are dropped as `webhook_loading_overflow`) and counted as pending, then handed over in order.
 * If the page hides first, they leave the way the loaded destination's would: `sendBeacon`, else
 * localStorage for the next page load (`handed_to_next_page`). A failed load drops them as
 * `webhook_unavailable`, reported to `onError`. Nothing is lost without being counted.
 */
export function lazyBrowserWebhook(
  options: BrowserWebhookOptions,
  runtime: BrowserWebhookRuntime,
  load: () => Promise<{ browserWebhookDestination: typeof browserWebhookDestination }>,
): DestinationFactory {
  // A configuration mistake throws at createTracker, not when the module arrives.
  const url = assertHttpUrl(options.url, 'url', 'webhook');
  checkBrowserWebhookOptions(options);

  return (reporter) => {
    let real: ReportingDestination | undefined;
    let failure: unknown;
    let held: Held[] = [];
    let hidden = false;
    const nextPage = persistence(storageKeyOf(url), runtime.storage, reporter, options.maxStoredEvents ?? 500, options.maxStoredBytes ?? 256 * 1024);

    /** Books the outcome of `items` (once per range, so onError hears of a failure once) and answers their senders. */
    const settle = (items: Held[], outcome: DeliveryOutcome) => {
      if (!items.length) return;
      if (outcome.delivered) reporter.delivered(items.length);
      else reporter.dropped(outcome.reason, items.length, outcome.error);
      for (const item of items) item.done?.(outcome);
    };
    const hold = (item: Held) => {
      if (failure !== undefined) return settle([item], { delivered: false, reason: 'webhook_unavailable' });
      held.push(item);
      if (held.length > WEBHOOK_HELD_LIMIT) settle([held.shift()!], { delivered: false, reason: 'webhook_loading_overflow' });
    };
    /** What is held leaves as the loaded destination's queue would when the page hides. */
    const handOffHeld = () => {
      const taken = held;
      held = [];
      if (!taken.length) return;
      const payloads = taken.map((item) => JSON.stringify(toWebhookEnvelope((item.message as Extract<Message, { type: 'track' }>).envelope)));
      handOff(url, payloads, runtime, nextPage, (outcome, from, to = taken.length) => settle(taken.slice(from, to), outcome));
    };

    const loading = load().then(
      (module) => {
        // After the page hid, what it stored is for the next page load: restoring it now could lose it with this page.
        const destination = module.browserWebhookDestination(options, hidden ? { ...runtime, restore: false } : runtime)(reporter);
        real = destination;
        const waiting = held;
        held = [];
        for (const item of waiting) {
          if (item.done) void destination.send(item.message).then(item.done);
          else if (destination.post) destination.post(item.message);
          else void destination.send(item.message);
        }
      },
      (error) => {
        failure = error;
        const waiting = held;
        held = [];
        settle(waiting, { delivered: false, reason: 'webhook_unavailable', error: new Error('[trackplan] [webhook] the webhook module could not be loaded', { cause: error }) });
      },
    );
    runtime.onPageHide?.(() => {
      if (real) return;
      hidden = true;
      handOffHeld();
    });

    return {
      name: 'webhook',
      accepts: ['track'],
      send(message) {
        if (real) return real.send(message);
        if (message.type !== 'track') return Promise.resolve({ delivered: false, reason: 'unsupported' });
        return new Promise<DeliveryOutcome>((done) => hold({ message, done }));
      },
      post(message) {
        if (!real) return message.type === 'track' ? hold({ message }) : undefined;
        if (real.post) real.post(message);
        else void real.send(message);
      },
      pending: () => (real ? real.pending() : held.length),
      async flush() {
        await loading;
        await real?.flush();
      },
      async shutdown(timeoutMs) {
        const started = Date.now();
        if (!real && failure === undefined) await waitAtMost(loading, timeoutMs);
        if (real) return real.shutdown(Math.max(0, timeoutMs - (Date.now() - started)));
        // The module did not arrive in time: what is held goes the page-hide way, counted.
        handOffHeld();
      },
    };
  };
}

/** The browser tracker's `webhook` option: its batching, retry and HTTP code loads with import() only when configured. */
export const webhookForBrowser: Builtin<BrowserWebhookOptions, BrowserEnv> = {
  name: 'webhook',
  create: (options, env) => lazyBrowserWebhook(options, { sendBeacon: env.sendBeacon, storage: env.storage, onPageHide: env.onPageHide }, () => import('./browser-webhook')),
};
