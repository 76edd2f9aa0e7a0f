import { AsyncLocalStorage } from 'node:async_hooks';
import type { Catalog, FlagsOf, GroupTypeOf, GroupsOf } from '../core/catalog';
import { TrackplanConfigError } from '../core/errors';
import {
  createFlagsSnapshot,
  ExposureMemo,
  exposureProperties,
  newFlagStats,
  resolveFlags,
  type FlagStats,
  type FlagsSnapshot,
  type ProvidedFlag,
  type ResolvedFlag,
  type RuntimeFlagSpec,
} from '../core/flags';
import { EXPOSURE_SPEC, flagViolation } from '../core/flag-exposure';
import type { CoreTracker } from '../core/tracker';
import type { PersonTraits } from '../core/typed';

export interface NodeFlagsOptions {
  /**
   * Longest wait for one evaluation. Past it every flag reads as its catalog default (counted as
   * `timeout`); posthog-node's own flag request timeout is set to the same value.
   * @default 3000
   */
  timeoutMs?: number;
  /**
   * Exposures remembered to send `$feature_flag_called` once per (distinct id, key, value). Past it
   * the least recently read is forgotten, and reading it again sends one more exposure.
   * @default 50000
   */
  exposureCacheSize?: number;
}

/** A group for flag targeting: its key, or its key and the properties to match on. */
export type FlagGroup<P> = string | { key: string; properties?: Partial<P> };

/** Who the flags are evaluated for, besides the distinct id. */
export interface EvaluateOptions<C> {
  /** Person properties for targeting (PostHog `personProperties`). */
  person?: PersonTraits<C>;
  /** Groups by type, e.g. `{ team: 'acme' }` or `{ team: { key: 'acme', properties: { plan: 'pro' } } }`. */
  groups?: { [G in GroupTypeOf<C>]?: FlagGroup<GroupsOf<C>[G]> };
  /** Never ask the service; flags that local definitions cannot decide read as their default (`missing`). */
  onlyEvaluateLocally?: boolean;
}

/** `tracker.flags` on Node. */
export interface NodeFlags<C> {
  /**
   * Evaluates every catalog flag for one person in one posthog-node `evaluateFlags()` call (or
   * none, with local evaluation). Never rejects: on failure every flag reads as its default.
   */
  evaluate(distinctId: string, options?: EvaluateOptions<C>): Promise<FlagsSnapshot<FlagsOf<C>>>;
}

/** The part of a posthog-node `FeatureFlagEvaluations` snapshot trackplan reads. */
interface PostHogFlagSnapshot {
  getFlag(key: string, options?: { sendFeatureFlagEvents?: boolean }): unknown;
  getFlagPayload(key: string): unknown;
  readonly keys?: string[];
}

/** The part of a posthog-node client trackplan uses for flags (5.33+: `evaluateFlags`). */
export interface PostHogFlagsClient {
  evaluateFlags?(distinctId: string, options: Record<string, unknown>): Promise<PostHogFlagSnapshot>;
  on?(event: 'error', listener: (error: unknown) => void): unknown;
  shutdown?(timeoutMs?: number): Promise<void>;
}

/** Where flag values come from: a posthog-node client (made on first use), or nowhere. */
export interface FlagsSource {
  client(): PostHogFlagsClient | undefined;
  /** Stops a client trackplan made (its definitions poller); yours is left running. */
  shutdown(timeoutMs: number): Promise<void>;
}

export { EXPOSURE_EVENT, EXPOSURE_SPEC } from '../core/flag-exposure';

/** `flags.timeoutMs`, checked. */
export function flagsTimeoutOf(options: NodeFlagsOptions | undefined): number {
  const timeoutMs = options?.timeoutMs ?? 3000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new TrackplanConfigError(`flags.timeoutMs must be a positive integer of milliseconds (got ${JSON.stringify(options?.timeoutMs)}).`);
  return timeoutMs;
}

/** What went wrong inside one evaluation, told by posthog-node's `error` events. */
interface Attempt {
  error?: unknown;
}

function isTimeout(error: unknown): boolean {
  const cause = (error as { error?: { name?: string }; cause?: { name?: string } } | null)?.error ?? (error as { cause?: { name?: string } } | null)?.cause;
  return cause?.name === 'AbortError' || cause?.name === 'TimeoutError';
}

const TIMED_OUT = Symbol('timed out');

function describe(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unprintable error';
  }
}

/**
 * `tracker.flags` on Node: one posthog-node `evaluateFlags()` per call, the catalog's rules over
 * its answer, exposures through the tracker's own pipeline (posthog-node sends none of its own).
 */
export function createNodeFlags<C extends Catalog<any, any, any, any>>(
  catalog: C,
  core: CoreTracker,
  source: FlagsSource,
  options: NodeFlagsOptions,
  hooks: { onError(error: unknown): void },
): { flags: NodeFlags<C>; stats(): FlagStats } {
  const timeoutMs = flagsTimeoutOf(options);
  const capacity = options.exposureCacheSize ?? 50_000;
  if (!Number.isInteger(capacity) || capacity < 1) throw new TrackplanConfigError(`flags.exposureCacheSize must be a positive integer (got ${JSON.stringify(options.exposureCacheSize)}).`);
  const specs: Readonly<Record<string, RuntimeFlagSpec>> = catalog.flags ?? {};
  const keys = Object.keys(specs);
  const counters = newFlagStats();
  const memo = new ExposureMemo(capacity);
  const attempts = new AsyncLocalStorage<Attempt>();
  const listening = new WeakSet<object>();

  const listen = (client: PostHogFlagsClient) => {
    if (listening.has(client) || typeof client.on !== 'function') return;
    listening.add(client);
    // posthog-node reports a failed /flags request only as an `error` event (the snapshot is just
    // empty): the event fires inside the evaluation's async context, which tells whose it was.
    client.on('error', (error) => {
      const attempt = attempts.getStore();
      if (attempt && attempt.error === undefined) attempt.error = error;
    });
  };

  const exposed = (groups: Record<string, string> | undefined) => (distinctId: string, key: string, flag: ResolvedFlag, spec: RuntimeFlagSpec) => {
    if (!memo.first(distinctId, key, flag.value)) return;
    counters.exposures++;
    void core.trackBuiltin(EXPOSURE_SPEC, exposureProperties(key, flag, spec), { distinctId, groups });
  };

  const snapshotOf = (distinctId: string, groups: Record<string, string> | undefined, flags: Record<string, ResolvedFlag>) =>
    createFlagsSnapshot<FlagsOf<C>>(distinctId, specs, flags, exposed(groups));

  async function ask(client: PostHogFlagsClient, distinctId: string, request: Record<string, unknown>, attempt: Attempt): Promise<PostHogFlagSnapshot | typeof TIMED_OUT> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
    });
    const evaluation = attempts.run(attempt, () => client.evaluateFlags!(distinctId, request));
    // A late answer after the deadline is dropped; its rejection must not go unhandled.
    evaluation.catch(() => {});
    try {
      return await Promise.race([evaluation, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function evaluate(distinctId: string, evaluateOptions: EvaluateOptions<C> = {}): Promise<FlagsSnapshot<FlagsOf<C>>> {
    counters.evaluated++;
    const id = typeof distinctId === 'string' && distinctId !== '' ? distinctId : typeof distinctId === 'number' ? String(distinctId) : '';
    const { groups, groupProperties } = splitGroups(evaluateOptions?.groups);
    const settle = (failure: 'error' | 'timeout' | 'unconfigured' | undefined, provided: (key: string) => ProvidedFlag | undefined) => {
      const { flags, problems } = resolveFlags(specs, provided, failure);
      for (const flag of Object.values(flags)) if (flag.fallback) counters.fallback[flag.fallback]++;
      for (const problem of problems) core.reportViolation(flagViolation(problem.key, problem.reason, problem.message));
      return snapshotOf(id, groups, flags);
    };
    const fail = (failure: 'error' | 'timeout' | 'unconfigured', message?: string, cause?: unknown) => {
      if (message) hooks.onError(new Error(`[trackplan] [flags] ${message}; every flag reads as its catalog default`, cause === undefined ? undefined : { cause }));
      return settle(failure, () => undefined);
    };
    if (keys.length === 0) return settle(undefined, () => undefined);
    if (!id) return fail('error', `evaluate() needs a distinct id (got ${JSON.stringify(distinctId)})`);
    let client: PostHogFlagsClient | undefined;
    try {
      client = source.client();
    } catch (error) {
      return fail('error', describe(error), error);
    }
    if (!client) return fail('unconfigured');
    if (typeof client.evaluateFlags !== 'function') return fail('error', 'the posthog-node client has no evaluateFlags() (posthog-node 5.33 or later has it)');
    listen(client);
    const attempt: Attempt = {};
    const request: Record<string, unknown> = { flagKeys: keys };
    if (evaluateOptions?.person) request.personProperties = evaluateOptions.person;
    if (groups) request.groups = groups;
    if (groupProperties) request.groupProperties = groupProperties;
    if (evaluateOptions?.onlyEvaluateLocally) request.onlyEvaluateLocally = true;
    let answer: PostHogFlagSnapshot | typeof TIMED_OUT;
    try {
      answer = await ask(client, id, request, attempt);
    } catch (error) {
      return fail('error', `posthog-node evaluateFlags() failed: ${describe(error)}`, error);
    }
    if (answer === TIMED_OUT) return fail('timeout', `no flag values within ${timeoutMs} ms (flags.timeoutMs)`);
    const read = answer;
    const empty = (() => {
      try {
        return !keys.some((key) => read.getFlag(key, { sendFeatureFlagEvents: false }) !== undefined);
      } catch {
        return true;
      }
    })();
    // An empty answer with a failed request is an outage, not a set of missing flags.
    if (empty && attempt.error !== undefined)
      return fail(isTimeout(attempt.error) ? 'timeout' : 'error', `the flags request failed: ${describe(attempt.error)}`, attempt.error);
    return settle(undefined, (key) => ({
      // Reads never send posthog-node's own $feature_flag_called: trackplan records exposures itself.
      value: read.getFlag(key, { sendFeatureFlagEvents: false }),
      payload: read.getFlagPayload(key),
    }));
  }

  return {
    flags: { evaluate },
    stats: () => ({ evaluated: counters.evaluated, fallback: { ...counters.fallback }, exposures: counters.exposures }),
  };
}

function splitGroups(groups: Record<string, FlagGroup<unknown> | undefined> | undefined): { groups?: Record<string, string>; groupProperties?: Record<string, Record<string, unknown>> } {
  if (!groups || typeof groups !== 'object') return {};
  const keys: Record<string, string> = {};
  let properties: Record<string, Record<string, unknown>> | undefined;
  for (const [type, group] of Object.entries(groups)) {
    if (typeof group === 'string' && group !== '') keys[type] = group;
    else if (group && typeof group === 'object' && typeof group.key === 'string' && group.key !== '') {
      keys[type] = group.key;
      if (group.properties) (properties ??= {})[type] = group.properties as Record<string, unknown>;
    }
  }
  return Object.keys(keys).length ? { groups: keys, groupProperties: properties } : {};
}

/** posthog-node settings the flags client must have, whatever `posthog.options` says. */
const FLAGS_CLIENT_SETTINGS = (timeoutMs: number) => ({
  // trackplan records exposures itself, through its pipeline: posthog-node must not send its own.
  sendFeatureFlagEvent: false,
  featureFlagsRequestTimeoutMs: timeoutMs,
  // One request per evaluation: a retry waits seconds, longer than a page can.
  featureFlagsRequestMaxRetries: 0,
});

/**
 * The flags client for `posthog` options: your `client`, or a posthog-node instance trackplan makes
 * for flags only (it captures nothing), on first use, or at once with `secretKey` so the local
 * evaluation definitions load before the first request.
 */
export function posthogFlagsSource(
  posthog: { apiKey?: string; host?: string; secretKey?: string; client?: unknown; fetch?: unknown; options?: Record<string, unknown> } | undefined,
  timeoutMs: number,
  loadConstructor: () => unknown,
): FlagsSource {
  if (!posthog) return { client: () => undefined, shutdown: async () => {} };
  if (posthog.secretKey !== undefined && (typeof posthog.secretKey !== 'string' || posthog.secretKey === ''))
    throw new TrackplanConfigError('[posthog] secretKey must be your project secret key ("phs_…") or a personal API key ("phx_…").');
  if (posthog.client) return { client: () => posthog.client as PostHogFlagsClient, shutdown: async () => {} };
  let made: PostHogFlagsClient | undefined;
  const make = (): PostHogFlagsClient => {
    if (made) return made;
    const PostHog = loadConstructor() as new (apiKey: string, options: Record<string, unknown>) => PostHogFlagsClient;
    made = new PostHog(posthog.apiKey!, {
      host: (posthog.host ?? 'https://us.i.posthog.com').replace(/\/+$/, ''),
      ...posthog.options,
      ...(posthog.fetch ? { fetch: posthog.fetch } : {}),
      ...(posthog.secretKey ? { secretKey: posthog.secretKey } : {}),
      ...FLAGS_CLIENT_SETTINGS(timeoutMs),
    });
    return made;
  };
  if (posthog.secretKey) make();
  return {
    client: make,
    async shutdown(ms) {
      await made?.shutdown?.(ms);
    },
  };
}
