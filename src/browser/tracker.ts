import type { Catalog } from '../core/catalog';
import { checkConsent, checkPositiveInteger, isConsentState } from '../core/config-rules';
import { TrackplanConfigError } from '../core/errors';
import type { TrackCallOptions } from '../core/pipeline';
import { createCoreTracker, type SharedTrackerOptions } from '../core/tracker';
import type { Tracker } from '../core/typed';
import type { ConsentState } from '../core/types';
import { LIBRARY } from '../core/version';
import type { BrowserEnv, PageWindow } from '../destinations/_shared/builtin';
import type { PostHogJsLike } from '../destinations/posthog-js';
import { BROWSER_BUILTINS, builtinDestinations, type BuiltinOptions } from '../destinations/registry';
import { ConsentGate } from './consent';
import { createBrowserFlags, type BrowserFlags, type BrowserFlagsOptions } from './flags';
import { BrowserIdentity } from './identity';
import { createBeforeSend } from './posthog-guard';
import { installPostHogGuard } from './snippet-hold';

/** The browser tracker's built-in destination options (`posthog`, `ga4`, `webhook`), from the registry. */
export type BrowserDestinationOptions = BuiltinOptions<typeof BROWSER_BUILTINS>;

export interface BrowserTrackerOptions extends SharedTrackerOptions, BrowserDestinationOptions {
  /** Default `'granted'`. With `'pending'` messages wait in memory (at most `maxHeld`); with `'denied'` they are dropped and counted. */
  consent?: ConsentState;
  /**
   * Messages held while consent is pending.
   * @default 1000
   */
  maxHeld?: number;
  /** Feature flags (`tracker.flags`): `{ bootstrap }` from Node's `flags.bootstrap()` gives the server's values before first paint. */
  flags?: BrowserFlagsOptions;
}

export interface BrowserTracker<C extends Catalog<any, any, any, any>> extends Tracker<C> {
  /** Sets consent on every destination: `'pending'` holds messages, `'denied'` drops them. */
  setConsent(state: ConsentState): void;
  /** The distinct id later events carry (posthog-js's when it has one). */
  getDistinctId(): string;
  /** The catalog's feature flags, read synchronously: the bootstrap's values, then posthog-js's once it loads flags. */
  readonly flags: BrowserFlags<C>;
  /** Everything `Tracker.stats()` counts, plus `flags` (fallbacks by reason, exposures). */
  stats(): ReturnType<Tracker<C>['stats']> & { flags: import('../core/flags').FlagStats };
}

type BrowserWindow = Window & PageWindow;

/**
 * The browser tracker. Throws only here, for configuration mistakes; `track()` and friends never
 * throw (except under `validation: 'throw'`).
 */
export function createTracker<C extends Catalog<any, any, any, any>>(catalog: C, options: BrowserTrackerOptions = {}): BrowserTracker<C> {
  const win = (typeof window === 'undefined' ? undefined : window) as BrowserWindow | undefined;
  const consent = options.consent === undefined ? 'granted' : checkConsent(options.consent, 'consent');
  const gate = new ConsentGate(consent, options.maxHeld === undefined ? 1000 : checkPositiveInteger(options.maxHeld, 'maxHeld'));
  const randomUUID = () => (globalThis.crypto?.randomUUID ? globalThis.crypto.randomUUID() : fallbackUUID());
  const storage = safeStorage(win);
  let posthogClient: PostHogJsLike | undefined;
  // Set once the tracker's core exists; a client met before then is attached right after.
  let attachFlags: ((client: unknown) => void) | undefined;
  const identity = new BrowserIdentity(storage, randomUUID, () => posthogClient?.get_distinct_id?.());
  const allow = new Set(options.guards?.allow ?? []);
  let reportViolation: (v: import('../core/types').Violation) => void = () => {};
  const beforeSend = createBeforeSend(allow, (v) => reportViolation(v), undefined, catalog.flags ?? {});

  const env: BrowserEnv = {
    window: win,
    storage,
    sendBeacon: win?.navigator?.sendBeacon ? (url, body) => win.navigator.sendBeacon(url, new Blob([body], { type: 'application/json' })) : undefined,
    onPageHide: win ? (listener) => onPageHide(win, listener) : undefined,
    posthogBeforeSend: beforeSend,
    onPostHogClient: (client) => {
      posthogClient = client as PostHogJsLike;
      attachFlags?.(client);
    },
  };
  const destinations = builtinDestinations('browser', BROWSER_BUILTINS, options as Record<string, unknown>, env);

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
  const flags = createBrowserFlags(catalog, core, options.flags, () => identity.get(), core.reportError);
  // posthog-js is read live: the snippet's stub queues onFeatureFlags, and the loaded instance answers the reads.
  const livePostHog = () => {
    const loaded = win?.posthog as unknown;
    return loaded && !Array.isArray(loaded) ? loaded : posthogClient;
  };
  attachFlags = (client) => flags.attach(client, livePostHog);
  if (posthogClient) attachFlags(posthogClient);
  // Once violations can be reported: the guard may run at once, over what the snippet held for it.
  if (options.posthog && 'client' in options.posthog) installPostHogGuard(win, options.posthog.client, beforeSend, core.reportError);
  const setConsentOnDestinations = (state: ConsentState) => core.router.setConsent(state);
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
      core.router.reset();
    },
    setConsent(state) {
      if (!isConsentState(state)) return void core.reportError(new TrackplanConfigError(`setConsent: expected 'granted', 'denied' or 'pending' (got ${JSON.stringify(state)}).`));
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
    flags: flags.flags,
    stats: () => ({ ...core.stats(), flags: flags.stats() }),
  } as BrowserTracker<C>;
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
