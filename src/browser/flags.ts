import type { Catalog, FlagKeyOf, FlagsOf } from '../core/catalog';
import type { NameCheck } from '../core/type-errors';
import { EXPOSURE_SPEC, flagViolation } from '../core/flag-exposure';
import {
  ExposureMemo,
  makeAttachable,
  type FlagsAttachable,
  exposureProperties,
  newFlagStats,
  resolveFlags,
  type FlagFallbackReason,
  type FlagsBootstrap,
  type FlagStats,
  type ProvidedFlag,
  type ResolvedFlag,
  type RuntimeFlagSpec,
} from '../core/flags';
import type { CoreTracker } from '../core/tracker';

export interface BrowserFlagsOptions {
  /**
   * The server's values, from Node's `(await tracker.flags.evaluate(id)).bootstrap()`: read
   * synchronously from the first render, `false` values included (posthog-js drops those).
   */
  bootstrap?: FlagsBootstrap;
}

type Entry<T, K> = K extends keyof T ? T[K] : never;
type FlagValue<F, K> = Entry<F, K> extends { value: infer V } ? V : never;
type FlagPayload<F, K> = (Entry<F, K> extends { payload: infer P } ? P : never) | undefined;

/**
 * `tracker.flags` in the browser: the Node snapshot's reads over values that change when posthog-js
 * loads flags. `track(name, props, { flags: tracker.flags })` attaches the values held at that call.
 * A key the catalog lacks is a type error that lists the valid keys (or the closest ones).
 */
export interface BrowserFlags<C> extends FlagsAttachable {
  /** The flag's value: a declared variant, or `true`/`false`; the catalog default when it fell back. Never undefined. */
  get<const K extends FlagKeyOf<C> | (string & {})>(key: K & NameCheck<'flag', FlagKeyOf<C>, K>): FlagValue<FlagsOf<C>, K>;
  /** Boolean flags: their value. Multivariate flags: whether the service assigned a variant. */
  isEnabled<const K extends FlagKeyOf<C> | (string & {})>(key: K & NameCheck<'flag', FlagKeyOf<C>, K>): boolean;
  /** The payload parsed by its schema, or undefined (none, no schema for this value, or a fallback). Records no exposure. */
  payload<const K extends FlagKeyOf<C> | (string & {})>(key: K & NameCheck<'flag', FlagKeyOf<C>, K>): FlagPayload<FlagsOf<C>, K>;
  /** Why the flag reads as its default, or undefined when the service's value is used. */
  fallbackReason<const K extends FlagKeyOf<C> | (string & {})>(key: K & NameCheck<'flag', FlagKeyOf<C>, K>): FlagFallbackReason | undefined;
  /** Calls `listener` after any value or payload changed (posthog-js loaded flags). Returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

/** The part of posthog-js trackplan reads flags from (the snippet's stub queues `onFeatureFlags`). */
interface PostHogFlagsLike {
  onFeatureFlags?(callback: (flags: string[], variants: Record<string, string | boolean>, context?: { errorsLoading?: boolean }) => void): unknown;
  getFeatureFlagPayload?(key: string): unknown;
  /** `send_event: false`: trackplan records the exposure itself, once. */
  getFeatureFlag?(key: string, options: { send_event: boolean }): unknown;
}

/** Exposures remembered per page session; past it the oldest is forgotten (one more exposure, never fewer). */
const EXPOSURE_MEMORY = 10_000;

/**
 * The browser's flags: trackplan's own copy of the values (the bootstrap first, then what
 * posthog-js loads), read synchronously, with exposures through the tracker's own pipeline.
 */
export function createBrowserFlags<C extends Catalog<any, any, any, any>>(
  catalog: C,
  core: CoreTracker,
  options: BrowserFlagsOptions | undefined,
  currentDistinctId: () => string,
  onError: (error: unknown) => void,
): { flags: BrowserFlags<C>; stats(): FlagStats; attach(client: unknown, live: () => unknown): void } {
  const specs: Readonly<Record<string, RuntimeFlagSpec>> = catalog.flags ?? {};
  const counters = newFlagStats();
  const memo = new ExposureMemo(EXPOSURE_MEMORY);
  const listeners = new Set<() => void>();
  const attached = new WeakSet<object>();
  const bootstrap = options?.bootstrap;
  // Until posthog-js answers, exposures carry the person the server evaluated for.
  let distinctId = typeof bootstrap?.distinctID === 'string' && bootstrap.distinctID !== '' ? bootstrap.distinctID : undefined;

  const settle = (provided: (key: string) => ProvidedFlag | undefined): Record<string, ResolvedFlag> => {
    const { flags, problems } = resolveFlags(specs, provided);
    for (const flag of Object.values(flags)) if (flag.fallback) counters.fallback[flag.fallback]++;
    for (const problem of problems) core.reportViolation(flagViolation(problem.key, problem.reason, problem.message));
    return flags;
  };

  let current = settle((key) => (bootstrap ? { value: bootstrap.featureFlags?.[key], payload: bootstrap.featureFlagPayloads?.[key] } : undefined));
  if (bootstrap) counters.evaluated++;

  const expose = (key: string, flag: ResolvedFlag) => {
    const id = distinctId ?? currentDistinctId();
    if (!memo.first(id, key, flag.value)) return;
    counters.exposures++;
    void core.trackBuiltin(EXPOSURE_SPEC, exposureProperties(key, flag, specs[key]), { distinctId: id });
  };

  // `loaded`: posthog-js answered from its /flags request. Otherwise it replays its bootstrap, which
  // drops `false` values: trackplan's own bootstrap copy wins over that replay.
  const update = (live: PostHogFlagsLike | undefined, variants: Record<string, string | boolean>, loaded: boolean) => {
    if (!loaded && bootstrap) return;
    const held = current;
    const next = settle((key) => {
      let value: unknown = variants[key];
      let payload: unknown;
      try {
        // A loaded flag that is off is left out of `variants`; getFeatureFlag tells false from missing.
        if (loaded && value === undefined && typeof live?.getFeatureFlag === 'function') value = live.getFeatureFlag(key, { send_event: false });
        payload = live?.getFeatureFlagPayload?.(key);
      } catch {
        // A read that throws reads as missing.
      }
      return { value, payload };
    });
    counters.evaluated++;
    distinctId = undefined;
    current = next;
    const changed = Object.keys(next).some((key) => next[key].value !== held[key]?.value || JSON.stringify(next[key].payload) !== JSON.stringify(held[key]?.payload));
    if (!changed) return;
    for (const listener of [...listeners]) {
      try {
        listener();
      } catch (error) {
        onError(error);
      }
    }
  };

  const reads = {
    get(key: string) {
      const flag = current[key];
      if (flag === undefined) return false;
      expose(key, flag);
      return flag.value;
    },
    isEnabled(key: string) {
      const flag = current[key];
      if (flag === undefined) return false;
      expose(key, flag);
      return typeof flag.value === 'boolean' ? flag.value : flag.enabled;
    },
    payload: (key: string) => current[key]?.payload,
    fallbackReason: (key: string) => current[key]?.fallback,
    subscribe(listener: () => void) {
      if (typeof listener !== 'function') return () => {};
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  const flags = makeAttachable(reads, specs, () => current) as unknown as BrowserFlags<C>;

  return {
    flags,
    stats: () => ({ evaluated: counters.evaluated, fallback: { ...counters.fallback }, exposures: counters.exposures }),
    attach(client, live) {
      const target = client as PostHogFlagsLike | null;
      if (!target || typeof target !== 'object' || attached.has(target) || typeof target.onFeatureFlags !== 'function' || Object.keys(specs).length === 0) return;
      attached.add(target);
      try {
        target.onFeatureFlags((_keys, variants, context) => {
          // A failed load keeps the values held (the bootstrap, or the last load).
          if (context?.errorsLoading || !variants || typeof variants !== 'object') return;
          update(live() as PostHogFlagsLike | undefined, variants, context !== undefined);
        });
      } catch (error) {
        onError(error);
      }
    },
  };
}
