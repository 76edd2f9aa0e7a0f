import type { Catalog } from '../core/catalog';
import { checkConsent, checkGa4MeasurementId, checkHttpUrl, checkPositiveInteger, checkPostHogKey, isConsentState } from '../core/config-rules';
import { TrackplanConfigError } from '../core/errors';
import type { TrackCallOptions } from '../core/pipeline';
import { createCoreTracker, type SharedTrackerOptions } from '../core/tracker';
import type { Tracker } from '../core/typed';
import type { ConsentState, DestinationFactory } from '../core/types';
import { LIBRARY } from '../core/version';
import type { BrowserWebhookOptions } from '../destinations/browser-webhook';
import { ga4Destination, type Gtag } from '../destinations/ga4';
import { lazyBrowserWebhook } from '../destinations/lazy-browser-webhook';
import { posthogJsDestination, type CaptureResultLike, type PostHogJsLike } from '../destinations/posthog-js';
import { ConsentGate } from './consent';
import { BrowserIdentity } from './identity';
import { createBeforeSend } from './posthog-guard';
import { installPostHogGuard } from './snippet-hold';

export interface BrowserTrackerOptions extends SharedTrackerOptions {
  /**
   * PostHog through posthog-js: `{ client: window.posthog }` when the snippet loaded it (its queueing
   * stub is fine), or `{ apiKey, host, options }` to have trackplan import and initialise posthog-js.
   */
  posthog?: { client: PostHogJsLike } | { apiKey: string; host?: string; options?: Record<string, unknown> };
  /** GA4 through `window.gtag` / `dataLayer`. */
  ga4?: { measurementId: string };
  /**
   * A JSON webhook: fetch with keepalive, `sendBeacon` when the page hides, unsent events kept for the
   * next page. Its code loads with `import()` when configured; meanwhile events wait (at most 1000).
   */
  webhook?: BrowserWebhookOptions;
  /** Default `'granted'`. With `'pending'` messages wait in memory (at most `maxHeld`); with `'denied'` they are dropped and counted. */
  consent?: ConsentState;
  /** Messages held while consent is pending. Default 1000. */
  maxHeld?: number;
}

export interface BrowserTracker<C extends Catalog<any, any, any>> extends Tracker<C> {
  /** Sets consent on every destination: `'pending'` holds messages, `'denied'` drops them. */
  setConsent(state: ConsentState): void;
  /** The distinct id later events carry (posthog-js's when it has one). */
  getDistinctId(): string;
}

type BrowserWindow = Window & { gtag?: Gtag; dataLayer?: unknown[]; posthog?: PostHogJsLike };

/**
 * The browser tracker. Throws only here, for configuration mistakes; `track()` and friends never
 * throw (except under `validation: 'throw'`).
 */
export function createTracker<C extends Catalog<any, any, any>>(catalog: C, options: BrowserTrackerOptions = {}): BrowserTracker<C> {
  const win = (typeof window === 'undefined' ? undefined : window) as BrowserWindow | undefined;
  const consent = options.consent === undefined ? 'granted' : checkConsent(options.consent, 'consent');
  const gate = new ConsentGate(consent, options.maxHeld === undefined ? 1000 : checkPositiveInteger(options.maxHeld, 'maxHeld'));
  const randomUUID = () => (globalThis.crypto?.randomUUID ? globalThis.crypto.randomUUID() : fallbackUUID());
  const storage = safeStorage(win);
  let posthogClient: PostHogJsLike | undefined;
  const identity = new BrowserIdentity(storage, randomUUID, () => posthogClient?.get_distinct_id?.());
  const allow = new Set(options.guards?.allow ?? []);
  let reportViolation: (v: import('../core/types').Violation) => void = () => {};
  const beforeSend = createBeforeSend(allow, (v) => reportViolation(v));

  const destinations: DestinationFactory[] = [];
  if (options.posthog) destinations.push(posthogJsDestination({ client: posthogLoader(options.posthog, beforeSend, (c) => (posthogClient = c), win) }));
  if (options.ga4) {
    checkGa4MeasurementId(options.ga4.measurementId, 'measurementId', 'ga4');
    destinations.push(ga4Destination(options.ga4, { gtag: () => gtagOf(win) }));
  }
  if (options.webhook) {
    // Its batching, retry and HTTP code loads with import() only when a webhook is configured.
    destinations.push(
      lazyBrowserWebhook(
        options.webhook,
        {
          sendBeacon: win?.navigator?.sendBeacon ? (url, body) => win.navigator.sendBeacon(url, new Blob([body], { type: 'application/json' })) : undefined,
          storage,
          onPageHide: win ? (listener) => onPageHide(win, listener) : undefined,
        },
        () => import('../destinations/browser-webhook'),
      ),
    );
  }

  const core = createCoreTracker(catalog, options, {
    // A page tracks a few events a second: a random v4 id each costs nothing that matters, where
    // the v7 generator Node uses for bursts would cost bundle bytes.
    newId: randomUUID,
    now: Date.now,
    library: LIBRARY,
    log: (message) => console.debug(message),
    destinations,
    admit: gate.admit,
  });
  reportViolation = core.reportViolation;
  // Once violations can be reported: the guard may run at once, over what the snippet held for it.
  if (options.posthog && 'client' in options.posthog) installPostHogGuard(win, options.posthog.client, beforeSend, (error) => options.onError?.(error));
  const setConsentOnDestinations = (state: ConsentState) => {
    for (const destination of core.router.destinations) {
      try {
        destination.setConsent?.(state);
      } catch (error) {
        options.onError?.(error);
      }
    }
  };
  // Only what the application decides reaches PostHog and GA4: the default leaves their own stored
  // consent alone (an opt-out the visitor gave posthog-js on an earlier page stays, no $opt_in each load).
  if (options.consent !== undefined && consent !== 'pending') setConsentOnDestinations(consent);

  // Groups joined with group(), added to every later event until reset().
  let groups: Record<string, string> | undefined;
  const withIdentity = (callOptions?: TrackCallOptions): TrackCallOptions => {
    const given = callOptions && typeof callOptions === 'object' ? callOptions : {};
    const withGroups = groups ? { ...given, groups: { ...groups, ...given.groups } } : given;
    return withGroups.distinctId ? withGroups : { ...withGroups, distinctId: identity.get() };
  };
  // An opt-out outlives the page, as posthog-js's own does; optIn() lifts it.
  const OPT_OUT_KEY = 'trackplan:opted_out';
  const setOptedOut = (optedOut: boolean) => {
    core.setOptedOut(optedOut);
    try {
      if (optedOut) storage?.setItem(OPT_OUT_KEY, '1');
      else storage?.removeItem(OPT_OUT_KEY);
    } catch {
      // storage disabled: the opt-out holds for this page
    }
  };
  if (readStored(storage, OPT_OUT_KEY) === '1') core.setOptedOut(true);

  return {
    track(name: string, props?: unknown, callOptions?: TrackCallOptions) {
      void core.track(name, props, withIdentity(callOptions));
    },
    identify(distinctId, traits, identifyOptions) {
      if (typeof distinctId === 'string' && distinctId !== '') identity.set(distinctId);
      void core.identify(distinctId, traits ?? {}, identifyOptions?.setOnce);
    },
    alias(distinctId, alias) {
      void core.alias(distinctId, alias);
    },
    group(groupType, groupKey, props, groupOptions) {
      if (typeof groupType === 'string' && typeof groupKey === 'string' && groupKey !== '') groups = { ...groups, [groupType]: groupKey };
      void core.group(groupType, groupKey, props ?? {}, groupOptions?.distinctId ?? identity.get());
    },
    reset() {
      identity.reset();
      groups = undefined;
      for (const destination of core.router.destinations) {
        try {
          destination.reset?.();
        } catch (error) {
          options.onError?.(error);
        }
      }
    },
    setConsent(state) {
      if (!isConsentState(state)) return void options.onError?.(new TrackplanConfigError(`setConsent: expected 'granted', 'denied' or 'pending' (got ${JSON.stringify(state)}).`));
      setConsentOnDestinations(state);
      gate.set(state);
    },
    optOut() {
      setOptedOut(true);
      setConsentOnDestinations('denied');
    },
    optIn() {
      setOptedOut(false);
      setConsentOnDestinations('granted');
    },
    isOptedOut: core.isOptedOut,
    getDistinctId: () => identity.get(),
    flush: core.flush,
    shutdown: core.shutdown,
    stats: core.stats,
  } as BrowserTracker<C>;
}

/** The client, resolved once: the given one (its guard installed by createTracker) or posthog-js imported on demand. */
function posthogLoader(
  config: NonNullable<BrowserTrackerOptions['posthog']>,
  beforeSend: (event: CaptureResultLike | null) => CaptureResultLike | null,
  onReady: (client: PostHogJsLike) => void,
  win: BrowserWindow | undefined,
): () => Promise<PostHogJsLike> {
  let ready: Promise<PostHogJsLike> | undefined;
  if ('client' in config) {
    const given = config.client;
    if (!given || typeof given.capture !== 'function') throw new TrackplanConfigError('[posthog] client must be a posthog-js instance (or the snippet\'s window.posthog).');
    onReady(given);
    // The snippet's stub is replaced by the real instance when array.js loads, and posthog-js never
    // reads the stub again: from then on calls go to window.posthog.
    const current = () => {
      const loaded: PostHogJsLike | undefined = win?.posthog;
      if (loaded && loaded !== given && isSnippetStub(given) && !isSnippetStub(loaded)) {
        onReady(loaded);
        return loaded;
      }
      return given;
    };
    return () => Promise.resolve(current());
  }
  checkPostHogKey(config.apiKey, 'apiKey', 'posthog');
  const host = config.host === undefined ? 'https://us.i.posthog.com' : checkHttpUrl(config.host, 'host', 'posthog').toString().replace(/\/+$/, '');
  return () =>
    (ready ??= import('posthog-js').then((module) => {
      const posthog = (module.default ?? module) as unknown as PostHogJsLike & { init(key: string, options: Record<string, unknown>): PostHogJsLike | undefined };
      const userBeforeSend = config.options?.before_send as ((e: CaptureResultLike | null) => CaptureResultLike | null) | undefined;
      const client = posthog.init(config.apiKey, {
        api_host: host,
        ...config.options,
        before_send: userBeforeSend ? (event: CaptureResultLike | null) => beforeSend(userBeforeSend(event)) : beforeSend,
      }) ?? posthog;
      onReady(client);
      return client;
    }));
}

/** The snippet's queueing stub: an array carrying the snippet version (`__SV`), not yet a posthog-js instance. */
function isSnippetStub(client: unknown): boolean {
  return Array.isArray(client) && '__SV' in client;
}

function gtagOf(win: BrowserWindow | undefined): Gtag {
  if (!win) throw new Error('[trackplan] [ga4] gtag needs a browser window');
  win.dataLayer = win.dataLayer || [];
  if (typeof win.gtag !== 'function') {
    // The standard gtag shim: calls queue in dataLayer until gtag.js processes them.
    win.gtag = function gtag() {
      // eslint-disable-next-line prefer-rest-params
      win.dataLayer!.push(arguments);
    };
  }
  return win.gtag;
}

function onPageHide(win: BrowserWindow, listener: () => void): void {
  win.addEventListener('pagehide', listener);
  win.document?.addEventListener('visibilitychange', () => {
    if (win.document.visibilityState === 'hidden') listener();
  });
}

function readStored(storage: Storage | undefined, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function safeStorage(win: BrowserWindow | undefined): Storage | undefined {
  try {
    return win?.localStorage;
  } catch {
    return undefined;
  }
}

function fallbackUUID(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
