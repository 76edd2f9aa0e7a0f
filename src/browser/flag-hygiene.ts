import type { RuntimeFlagSpec } from '../core/flags';
import { redactPii } from '../core/guards';
import type { JsonValue } from '../core/types';

const FEATURE_PREFIX = '$feature/';
/** The payload fields of posthog-js's own `$feature_flag_called`. */
const EXPOSURE_PAYLOAD_FIELDS = ['$feature_flag_payload', '$feature_flag_bootstrapped_payload'] as const;

export interface FlagHygieneFinding {
  path: string;
  detail: string;
}

/**
 * Flag hygiene for what posthog-js puts on every event: `$feature_flag_payloads` holds every
 * payload (large, and possibly personal), `$feature/<key>` and `$active_feature_flags` every flag.
 * Payloads stay only for flags marked `attachPayload: true`, and go through the PII guard; when the
 * catalog declares flags, only its flags keep `$feature/<key>` and their `$active_feature_flags`
 * entry (a catalog without flags has not taken flags over: those stay as posthog-js sent them).
 * Changes `properties` in place.
 */
export function cleanFlagProperties(
  properties: Record<string, unknown>,
  specs: Readonly<Record<string, RuntimeFlagSpec>>,
  allow: ReadonlySet<string>,
  report: (finding: FlagHygieneFinding) => void,
): void {
  const attached = (key: unknown) => typeof key === 'string' && Object.hasOwn(specs, key) && specs[key].attachPayload;
  const payloads = properties.$feature_flag_payloads;
  if (payloads !== undefined) {
    const kept: Record<string, unknown> = {};
    if (payloads && typeof payloads === 'object' && !Array.isArray(payloads))
      for (const [key, payload] of Object.entries(payloads)) if (attached(key)) kept[key] = guardPayload(payload, `$feature_flag_payloads.${key}`, allow, report);
    if (Object.keys(kept).length) properties.$feature_flag_payloads = kept;
    else delete properties.$feature_flag_payloads;
  }
  for (const field of EXPOSURE_PAYLOAD_FIELDS) {
    if (!(field in properties)) continue;
    if (attached(properties.$feature_flag) && properties[field] !== null) properties[field] = guardPayload(properties[field], field, allow, report);
    else delete properties[field];
  }
  if (Object.keys(specs).length === 0) return;
  for (const field of Object.keys(properties)) if (field.startsWith(FEATURE_PREFIX) && !Object.hasOwn(specs, field.slice(FEATURE_PREFIX.length))) delete properties[field];
  const active = properties.$active_feature_flags;
  if (Array.isArray(active)) properties.$active_feature_flags = active.filter((key) => typeof key === 'string' && Object.hasOwn(specs, key));
}

/** A payload through the PII guard; posthog-js may hold it as JSON text, which is guarded parsed and kept as text. */
function guardPayload(payload: unknown, path: string, allow: ReadonlySet<string>, report: (finding: FlagHygieneFinding) => void): unknown {
  let value = payload;
  let asText = false;
  if (typeof payload === 'string') {
    try {
      value = JSON.parse(payload);
      asText = true;
    } catch {
      value = payload;
    }
  }
  const { value: cleaned, findings } = redactPii({ payload: value as JsonValue }, allow);
  // Unchanged (trackplan's own attached payloads were guarded already, markers included): nothing to report.
  if (cleaned.payload === value) return payload;
  for (const finding of findings) report({ path: path + finding.path.slice('payload'.length), detail: finding.detail });
  return asText ? JSON.stringify(cleaned.payload) : cleaned.payload;
}
