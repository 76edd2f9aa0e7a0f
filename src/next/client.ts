'use client';
// The client half of `trackplan/next`: <TrackplanProvider> and useFlag(). Its own file (kept
// unbundled from the rest, 'use client' first), so server components can render the provider.
import { createContext, createElement, Fragment, Suspense, useContext, useEffect, useRef, useState, type ReactElement, type ReactNode } from 'react';
import { usePathname, useSearchParams } from 'next/navigation';
import type { FlagsOf } from '../core/catalog';
import type { FlagsBootstrap } from '../core/flags';

/**
 * Register your catalog once to type `useFlag()`:
 * `declare module 'trackplan/next' { interface TrackplanRegister { catalog: typeof catalog } }`
 * (a type-only import of the catalog: no zod reaches the page).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TrackplanRegister {}

type RegisteredCatalog = TrackplanRegister extends { catalog: infer C } ? C : never;
type RegisteredFlags = [RegisteredCatalog] extends [never] ? Record<string, { value: string | boolean }> : FlagsOf<RegisteredCatalog>;
/** The registered catalog's flag keys (any string until a catalog is registered). */
export type RegisteredFlagKey = keyof RegisteredFlags & string;
/** A flag's value type: its declared variants, or `boolean`. */
export type RegisteredFlagValue<K extends RegisteredFlagKey> = RegisteredFlags[K] extends { value: infer V } ? V : never;

/** What the provider needs of a generated client (`import * as analytics from './analytics'`). */
export interface InitClient<O> {
  init(options?: O): Promise<unknown>;
}

/** The tracker's flags, when its catalog declares them (`trackplan/browser`'s `createTracker`). */
interface FlagsLike {
  get(key: string): unknown;
  subscribe(listener: () => void): () => void;
}
interface PostHogLike {
  capture(event: string, properties?: Record<string, unknown>): unknown;
}
type PageWindow = Window & { posthog?: PostHogLike };

interface TrackplanState {
  bootstrap?: FlagsBootstrap;
  /** Set once posthog-js loaded flags that differ from the bootstrap; then the tracker's values are read. */
  liveFlags?: FlagsLike;
}

const TrackplanContext = createContext<TrackplanState>({});

export interface TrackplanProviderProps<O> {
  /** The generated client module, or anything with its `init(options)`. */
  client: InitClient<O>;
  /**
   * `init()` options, or a function returning them (it runs in the browser only, so it may read
   * `window`). Missing `posthog`: `{ client: window.posthog }` when the snippet defined it.
   * Missing `flags`: `{ bootstrap }`.
   */
  options?: O | (() => O);
  /** The server's flag values (Node's `flags.bootstrap()`), the same object given to `<TrackplanScripts>`: `useFlag()` reads them in the first render. */
  bootstrap?: FlagsBootstrap;
  /** Track `$pageview` on every App Router navigation, the first included. Default `true`. */
  pageviews?: boolean;
  children?: ReactNode;
}

/**
 * Calls the client's `init()` once (React StrictMode included: the generated client hands back
 * the same promise), then tracks `$pageview` through posthog-js once per navigation (pathname
 * and search params), each only after `init()` resolved, so trackplan's guard sees it.
 */
export function TrackplanProvider<O>(props: TrackplanProviderProps<O>): ReactElement {
  const [liveFlags, setLiveFlags] = useState<FlagsLike | undefined>(undefined);
  const started = useRef<{ ready: Promise<unknown>; posthog?: PostHogLike } | undefined>(undefined);
  const { client, options, bootstrap } = props;

  const start = () => {
    if (started.current) return started.current;
    const given = (typeof options === 'function' ? (options as () => O)() : options) ?? ({} as O);
    const win = window as PageWindow;
    const merged = { ...given } as Record<string, unknown>;
    if (merged.posthog === undefined && win.posthog) merged.posthog = { client: win.posthog };
    if (merged.flags === undefined && bootstrap) merged.flags = { bootstrap };
    const posthog = ((merged.posthog as { client?: PostHogLike } | undefined)?.client ?? undefined) as PostHogLike | undefined;
    const ready = client.init(merged as O);
    // init() reports its own failures to onError; nothing here may throw into the page.
    ready.catch(() => {});
    started.current = { ready, posthog };
    return started.current;
  };

  useEffect(() => {
    let unsubscribe: (() => void) | undefined;
    let active = true;
    start().ready.then(
      (tracker) => {
        const flags = (tracker as { flags?: FlagsLike } | undefined)?.flags;
        if (!active || !flags || typeof flags.subscribe !== 'function') return;
        unsubscribe = flags.subscribe(() => setLiveFlags(flags));
      },
      () => {},
    );
    return () => {
      active = false;
      unsubscribe?.();
    };
    // The client and its options are fixed for the page's life: init() runs once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const state: TrackplanState = { bootstrap, liveFlags };
  const views = props.pageviews === false ? null : createElement(Suspense, { fallback: null }, createElement(PageViews, { start }));
  return createElement(TrackplanContext.Provider, { value: state }, createElement(Fragment, null, views, props.children));
}

/** Tracks one `$pageview` per navigation; a ref remembers the URL tracked, so StrictMode's second effect run adds none. */
function PageViews({ start }: { start: () => { ready: Promise<unknown>; posthog?: PostHogLike } }): null {
  const pathname = usePathname();
  const search = useSearchParams()?.toString() ?? '';
  const tracked = useRef<string | undefined>(undefined);
  useEffect(() => {
    const path = search ? `${pathname}?${search}` : pathname;
    if (tracked.current === path) return;
    tracked.current = path;
    // The URL as of this navigation, even when init() resolves after the next one.
    const url = window.location.origin + path;
    const { ready, posthog } = start();
    ready.then(
      () => {
        const client = posthog ?? (window as PageWindow).posthog;
        try {
          client?.capture('$pageview', { $current_url: url });
        } catch {
          // posthog-js failing must not break navigation.
        }
      },
      () => {},
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pathname, search]);
  return null;
}

/**
 * A feature flag's value, typed by the registered catalog. The first render (on the server and
 * in hydration) reads the server's value from the provider's `bootstrap`, so nothing flickers;
 * if posthog-js later loads different values for a catalog that declares the flag, it re-renders
 * with them. A key the bootstrap lacks reads `false`.
 */
export function useFlag<K extends RegisteredFlagKey>(key: K): RegisteredFlagValue<K> {
  const { bootstrap, liveFlags } = useContext(TrackplanContext);
  if (liveFlags) return liveFlags.get(key) as RegisteredFlagValue<K>;
  return (bootstrap?.featureFlags?.[key] ?? false) as RegisteredFlagValue<K>;
}
