import { randomUUID } from 'node:crypto';
import { TrackplanConfigError } from '../core/errors';
import type { RuntimeCatalog } from '../core/types';

/** An inspector flag value: a variant, `true`/`false`, `null` (the flag is missing), or a value with a payload. */
export type InspectorFlag = string | boolean | null | { value: string | boolean | null; payload?: unknown };

interface FlagEntry {
  value: string | boolean | null;
  payload?: unknown;
}

/**
 * The inspector's flag service: every catalog flag at its default, changed by overrides, answered
 * in PostHog's `/flags/?v=2` shape (payloads JSON-encoded strings, a missing variant `null`).
 */
export function inspectorFlags(catalogs: RuntimeCatalog[], initial: Record<string, InspectorFlag> = {}) {
  const defaults = new Map<string, { value: string | boolean; description: string }>();
  for (const catalog of catalogs)
    for (const [key, spec] of Object.entries(catalog.flags ?? {})) if (!defaults.has(key)) defaults.set(key, { value: spec.default, description: spec.description });
  let overrides = new Map<string, FlagEntry>();
  let version = 1;

  function set(values: Record<string, InspectorFlag>): void {
    if (!values || typeof values !== 'object') throw new TrackplanConfigError('[inspector] setFlags() takes an object of flag values, e.g. { "new-onboarding": "test" }.');
    const next = new Map(overrides);
    for (const [key, given] of Object.entries(values)) {
      const entry: FlagEntry = given !== null && typeof given === 'object' ? { value: given.value, payload: given.payload } : { value: given };
      if (entry.value !== null && typeof entry.value !== 'string' && typeof entry.value !== 'boolean')
        throw new TrackplanConfigError(`[inspector] flag "${key}": a value is a variant (string), true, false or null (got ${JSON.stringify(entry.value)}).`);
      next.set(key, entry);
    }
    overrides = next;
    version++;
  }

  set(initial);

  /** The `/flags/?v=2` answer, for the keys asked (all when none are named). */
  function answer(requested?: readonly string[]): string {
    const keys = new Set<string>([...defaults.keys(), ...overrides.keys()]);
    const flags: Record<string, unknown> = {};
    let id = 0;
    for (const key of keys) {
      id++;
      if (requested && !requested.includes(key)) continue;
      const override = overrides.get(key);
      const value = override ? override.value : defaults.get(key)!.value;
      if (value === null) continue;
      const enabled = value !== false;
      const payload = override?.payload;
      flags[key] = {
        key,
        enabled,
        variant: typeof value === 'string' ? value : null,
        reason: enabled ? { code: 'condition_match', condition_index: 0, description: 'Set in the trackplan inspector' } : { code: 'no_condition_match', condition_index: null, description: 'Off in the trackplan inspector' },
        metadata: { id, version, description: defaults.get(key)?.description ?? null, payload: payload === undefined ? null : JSON.stringify(payload) },
      };
    }
    return JSON.stringify({ flags, errorsWhileComputingFlags: false, requestId: randomUUID(), evaluatedAt: Date.now() });
  }

  return { set, answer };
}

/** The flag keys a `/flags` request body names (posthog-node: `flag_keys_to_evaluate`, posthog-js: `flag_keys`), if any. */
export function requestedFlagKeys(body: unknown): string[] | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const { flag_keys_to_evaluate: node, flag_keys: browser } = body as { flag_keys_to_evaluate?: unknown; flag_keys?: unknown };
  const keys = Array.isArray(node) ? node : Array.isArray(browser) ? browser : undefined;
  return keys?.filter((key): key is string => typeof key === 'string');
}
