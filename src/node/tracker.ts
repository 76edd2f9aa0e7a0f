import { randomFillSync } from 'node:crypto';
import type { Catalog, GroupTypeOf } from '../core/catalog';
import type { TrackCallOptions } from '../core/pipeline';
import { createCoreTracker, type SharedTrackerOptions } from '../core/tracker';
import { createUuidV7 } from '../core/uuid';
import type { GroupProps, PersonTraits, TypedTrackerBase } from '../core/typed';
import { LIBRARY } from '../core/version';
import { currentContext, runWithContext, type TrackContext } from './context';
import { nodeDestinations, type NodeDestinationOptions } from './destinations';

export interface NodeTrackerOptions extends SharedTrackerOptions, NodeDestinationOptions {}

export interface NodeTracker<C extends Catalog<any, any, any>> extends TypedTrackerBase<C> {
  /** Sets person traits (PostHog `$set`); `setOnce` sets only those not yet set (`$set_once`). */
  identify(distinctId: string, traits?: PersonTraits<C>, options?: { setOnce?: PersonTraits<C> }): void;
  /** Sets a group's properties, typed by the catalog's `groups`. */
  groupIdentify<const G extends GroupTypeOf<C>>(groupType: G, groupKey: string, props?: GroupProps<C, G>): void;
  /** Runs `fn` with request-scoped defaults (distinct id, groups, correlation id) for every call inside it. */
  withContext<T>(context: TrackContext, fn: () => T): T;
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

/** `createTracker` plus, for `createTrackerFromEnv`, why nothing will be sent (for the debug log). */
export function createNodeTracker<C extends Catalog<any, any, any>>(catalog: C, options: NodeTrackerOptions, idleReason?: string): NodeTracker<C> {
  const core = createCoreTracker(catalog, options, {
    newId: createUuidV7(randomFillSync),
    now: Date.now,
    library: LIBRARY,
    log: (message) => console.debug(message),
    destinations: nodeDestinations(options),
    idleReason,
  });

  const withScope = (callOptions: TrackCallOptions | undefined): TrackCallOptions | undefined => {
    const scope = currentContext();
    if (!scope) return callOptions;
    const given = callOptions && typeof callOptions === 'object' ? callOptions : {};
    return {
      ...given,
      distinctId: given.distinctId ?? scope.distinctId,
      correlationId: given.correlationId ?? scope.correlationId,
      groups: scope.groups || given.groups ? { ...scope.groups, ...given.groups } : undefined,
    };
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
    groupIdentify(groupType, groupKey, props) {
      void core.groupIdentify(groupType, groupKey, props ?? {}, currentContext()?.distinctId);
    },
    withContext: runWithContext,
    flush: core.flush,
    shutdown: core.shutdown,
    stats: core.stats,
  } as NodeTracker<C>;
}
