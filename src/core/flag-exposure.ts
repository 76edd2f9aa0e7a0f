import type { RuntimeEventSpec, ValidationResult, Violation } from './types';

/** The exposure event and the flag violations, shared by the Node and browser trackers. */

export const EXPOSURE_EVENT = '$feature_flag_called';

const EXPOSURE_KEYS = new Set(['$feature_flag', '$feature_flag_response', '$feature_flag_fallback', '$feature_flag_error', '$feature_flag_payload']);

/** trackplan's own exposure event: built by trackplan, so its validator only checks the shape. */
export const EXPOSURE_SPEC: RuntimeEventSpec = {
  name: EXPOSURE_EVENT,
  description: 'A feature flag was read for the first time (per distinct id, key and value)',
  version: 1,
  piiAllow: [],
  validate(input): ValidationResult {
    const value = (input ?? {}) as Record<string, unknown>;
    const unknownKeys = Object.keys(value).filter((key) => !EXPOSURE_KEYS.has(key) && !key.startsWith('$feature/'));
    const ok = typeof value.$feature_flag === 'string';
    const known: Record<string, unknown> = {};
    for (const key of Object.keys(value)) if (!unknownKeys.includes(key)) known[key] = value[key];
    return { ok, value: known, issues: ok ? [] : [{ path: ['$feature_flag'], code: 'invalid_type', message: 'expected the flag key' }], unknownKeys };
  },
};


/** A flag that read as its default because of what the service answered, as a violation. */
export function flagViolation(key: string, reason: string, message: string): Violation {
  return {
    kind: reason === 'invalid_payload' ? 'invalid_flag_payload' : 'unknown_flag_variant',
    event: '$feature_flags',
    path: key,
    message: `flag "${key}": ${message}`,
    action: 'rewritten',
  };
}

