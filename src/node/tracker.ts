import { randomFillSync } from 'node:crypto';
import type { Catalog, GroupTypeOf } from '../core/catalog';
import { TrackplanConfigError } from '../core/errors';
import type { TrackCallOptions } from '../core/pipeline';
import { createCoreTracker, type SharedTrackerOptions } from '../core/tracker';
import { createUuidV7 } from '../core/uuid';
import type { NameCheck } from '../core/type-errors';
import type { GroupOptions, GroupProps, Tracker } from '../core/typed';
import { LIBRARY } from '../core/version';
import { createContextScope, type TrackContext } from './context';
import { loadPostHogConstructor, nodeDestinations, type NodeDestinationOptions } from './destinations';
import { createNodeFlags, flagsTimeoutOf, posthogFlagsSource, type FlagsSource, type NodeFlags, type NodeFlagsOptions } from './flags';

export interface NodeTrackerOptions extends SharedTrackerOptions, NodeDestinationOptions {
  /**
   * Who messages are about when neither the call nor `withContext` says (a worker tracking as
   * `'system'`, a command-line tool). `reset()` clears it.
   * @default undefined (each call names its person)
   */
  distinctId?: string;
  /**
   * Group keys added to every message, by group type (a single-tenant service's organization).
   * A call's or context's groups win per type. `reset()` clears them.
   * @default undefined
   */
  groups?: Record<string, string>;
  /** Feature flags (`tracker.flags`): evaluation timeout and exposure memory. */
  flags?: NodeFlagsOptions;
}

export interface NodeTracker<C extends Catalog<any, any, any>> extends Tracker<C> {
  /** @deprecated Use `group()`; `groupIdentify` is removed in the next minor version. */
  groupIdentify<const G extends GroupTypeOf<C> | (string & {})>(groupType: G & NameCheck<'group type', GroupTypeOf<C>, G>, groupKey: string, props?: GroupProps<C, G>, options?: GroupOptions): void;
  /** Runs `fn` with request-scoped defaults (distinct id, groups, correlation id) for every call inside it. */
  withContext<T>(context: TrackContext, fn: () => T): T;
  /** The catalog's feature flags: `await tracker.flags.evaluate(distinctId)` gives a typed snapshot. */
  readonly flags: NodeFlags<C>;
}

/**
 * The Node tracker. Throws only here, for configuration mistakes; `track()` and friends never throw
 * (except under `validation: 'throw'`).
 * @example
 * const tracker = createTracker(catalog, { posthog: { apiKey: process.env.POSTHOG_API_KEY! }, source: 'billing-service' });
 * tracker.track('order.paid', { order_id: 'o_1', amount: 49, currency: 'USD', ... }, { distinctId: 'user_123' });
 */
export function createTracker<C extends Catalog<any, any, any>>(catalog: C, options: NodeTrackerOptions = {}): NodeTracker<C> {
  return createNodeTracker(catalog, options);
}

/**
 * `createTracker` plus, for `createTrackerFromEnv`, why nothing will be sent (for the debug log),
 * and for `trackplan/testing`, where flag values come from.
 */
export function createNodeTracker<C extends Catalog<any, any, any>>(catalog: C, options: NodeTrackerOptions, idleReason?: string, flagsFrom?: FlagsSource): NodeTracker<C> {
  const core = createCoreTracker(catalog, options, {
    newId: createUuidV7(randomFillSync),
    now: Date.now,
    library: LIBRARY,
    log: (message) => console.debug(message),
    destinations: nodeDestinations(options),
    idleReason,
  });
  let defaults = checkedDefaults(options);
  const reportError = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // A throwing callback must never reach the caller.
    }
  };
  const flagsSource = flagsFrom ?? posthogFlagsSource(options.posthog, flagsTimeoutOf(options.flags), loadPostHogConstructor);
  const flags = createNodeFlags(catalog, core, flagsSource, options.flags ?? {}, { onError: reportError });
  const scope = createContextScope();

  /** The call's options over the request context's over the tracker's defaults. */
  const withScope = (callOptions: TrackCallOptions | undefined): TrackCallOptions | undefined => {
    const context = scope.current();
    if (!context && !defaults.distinctId && !defaults.groups) return callOptions;
    const given = callOptions && typeof callOptions === 'object' ? callOptions : {};
    const groups = defaults.groups || context?.groups || given.groups ? { ...defaults.groups, ...context?.groups, ...given.groups } : undefined;
    return {
      ...given,
      distinctId: given.distinctId ?? context?.distinctId ?? defaults.distinctId,
      correlationId: given.correlationId ?? context?.correlationId,
      groups,
    };
  };
  const group: NodeTracker<C>['group'] = (groupType, groupKey, props, groupOptions) => {
    void core.group(groupType, groupKey, props ?? {}, groupOptions?.distinctId ?? scope.current()?.distinctId ?? defaults.distinctId);
  };

  return {
    track(name: string, props?: unknown, callOptions?: TrackCallOptions) {
      void core.track(name, props, withScope(callOptions));
    },
    identify(distinctId, traits, identifyOptions) {
      void core.identify(distinctId, traits ?? {}, identifyOptions?.setOnce);
    },
    alias(distinctId, alias) {
      void core.alias(distinctId, alias);
    },
    group,
    groupIdentify: group,
    reset() {
      defaults = {};
    },
    optOut: () => core.setOptedOut(true),
    optIn: () => core.setOptedOut(false),
    isOptedOut: core.isOptedOut,
    withContext: (context, fn) => scope.run(context, fn),
    flags: flags.flags,
    flush: core.flush,
    async shutdown(timeoutMs?: number) {
      await core.shutdown(timeoutMs);
      await flagsSource.shutdown(timeoutMs ?? 5000).catch(reportError);
    },
    stats: () => ({ ...core.stats(), flags: flags.stats() }),
  } as NodeTracker<C>;
}

function checkedDefaults(options: NodeTrackerOptions): { distinctId?: string; groups?: Record<string, string> } {
  const { distinctId, groups } = options;
  if (distinctId !== undefined && (typeof distinctId !== 'string' || distinctId === ''))
    throw new TrackplanConfigError(`distinctId must be a non-empty string (got ${JSON.stringify(distinctId)}); leave it out to name the person in each call.`);
  if (groups !== undefined && (!groups || typeof groups !== 'object' || Object.values(groups).some((key) => typeof key !== 'string' || key === '')))
    throw new TrackplanConfigError('groups must map group types to non-empty group keys, e.g. { organization: "org_456" }.');
  return { distinctId, groups: groups ? { ...groups } : undefined };
}
