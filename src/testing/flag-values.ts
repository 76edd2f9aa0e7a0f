import type { Catalog, FlagsOf } from '../core/catalog';
import type { FlagsBootstrap, ProvidedFlag, RuntimeFlagSpec } from '../core/flags';
import type { JsonValue } from '../core/types';
import type { FlagsSource } from '../node/flags';

type Entry<T, K> = K extends keyof T ? T[K] : never;
type ValueOf<F, K> = Entry<F, K> extends { value: infer V } ? V : never;
type PayloadOf<F, K> = Entry<F, K> extends { payload: infer P } ? P : never;

/**
 * Flag values for `createTestTracker(catalog, { flags })`, typed by the catalog: a value, or a value
 * and its payload. Flags left out read as their catalog default.
 * @example { 'new-onboarding': 'test', 'beta-export': true }
 */
export type TestFlagValues<C> = { [K in keyof FlagsOf<C> & string]?: ValueOf<FlagsOf<C>, K> | { value: ValueOf<FlagsOf<C>, K>; payload?: PayloadOf<FlagsOf<C>, K> } };

/** Every catalog flag's value: the one given, else the catalog default. */
function valuesFor(catalog: Catalog<any, any, any, any>, given: Record<string, unknown> | undefined): Record<string, ProvidedFlag> {
  const specs: Readonly<Record<string, RuntimeFlagSpec>> = catalog.flags ?? {};
  const values: Record<string, ProvidedFlag> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const entry = given && Object.hasOwn(given, key) ? given[key] : undefined;
    values[key] = entry !== null && typeof entry === 'object' ? (entry as ProvidedFlag) : { value: entry ?? spec.default };
  }
  return values;
}

/** For the Node tracker: a flag source answering the given values, without a network (no posthog-node). */
export function fixedFlagsSource(catalog: Catalog<any, any, any, any>, given: Record<string, unknown> | undefined): FlagsSource {
  const values = valuesFor(catalog, given);
  const answer = { getFlag: (key: string) => values[key]?.value, getFlagPayload: (key: string) => values[key]?.payload };
  return { client: () => ({ evaluateFlags: async () => answer }), shutdown: async () => {} };
}

/** For the browser tracker: the same values as a bootstrap (read synchronously from the start). */
export function fixedFlagsBootstrap(catalog: Catalog<any, any, any, any>, given: Record<string, unknown> | undefined): FlagsBootstrap {
  const featureFlags: Record<string, string | boolean> = {};
  const featureFlagPayloads: Record<string, JsonValue> = {};
  for (const [key, flag] of Object.entries(valuesFor(catalog, given))) {
    featureFlags[key] = flag.value as string | boolean;
    if (flag.payload !== undefined) featureFlagPayloads[key] = flag.payload as JsonValue;
  }
  return { distinctID: '', featureFlags, featureFlagPayloads };
}
