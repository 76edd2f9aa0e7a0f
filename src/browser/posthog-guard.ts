import type { RuntimeFlagSpec } from '../core/flags';
import { redactPii, redactUrl } from '../core/guards';
import type { JsonValue, Violation } from '../core/types';
import { UUID_PROPERTY, type CaptureResultLike } from '../destinations/posthog-js';
import { cleanFlagProperties } from './flag-hygiene';

/** posthog-js's URL fields: $current_url, $referrer, $pathname, $session_entry_url, $initial_referrer… */
const URL_FIELD = /^\$.*(url|referrer|pathname|href)$/i;

/**
 * posthog-js's `before_send`: gives trackplan's events their trackplan uuid, and runs the PII guard
 * over what posthog-js captures by itself ($pageview, $autocapture, $pageleave): the app's
 * properties, `$set`/`$set_once`, and query strings of the URL fields. PostHog's own fields
 * (`token`, `distinct_id`, `$lib`, other `$…`) are never touched: breaking them would lose events,
 * except the flag fields posthog-js copies onto every event (see `cleanFlagProperties`), on every event.
 */
export function createBeforeSend(
  allow: ReadonlySet<string>,
  report: (violation: Violation) => void,
  chained?: (event: CaptureResultLike | null) => CaptureResultLike | null,
  flags: Readonly<Record<string, RuntimeFlagSpec>> = {},
) {
  return (event: CaptureResultLike | null): CaptureResultLike | null => {
    const result = chained ? chained(event) : event;
    if (!result || typeof result !== 'object' || !result.properties) return result;
    try {
      const flag = (path: string, kind: string) =>
        report({ kind: 'pii', event: result.event, path, message: `personal data (${kind}) in what posthog-js captured was redacted`, action: 'redacted' });
      const cleanUrls = (holder: Record<string, unknown>, prefix: string) => {
        for (const [field, value] of Object.entries(holder)) {
          if (typeof value !== 'string' || !URL_FIELD.test(field)) continue;
          const { value: clean, kinds } = redactUrl(value);
          if (!kinds.length) continue;
          holder[field] = clean;
          for (const kind of kinds) flag(prefix + field, kind);
        }
      };
      cleanUrls(result.properties, '');
      cleanFlagProperties(result.properties, flags, allow, (finding) => flag(finding.path, finding.detail));
      const ours = result.properties[UUID_PROPERTY];
      if (typeof ours === 'string') {
        // The app's properties were guarded by the pipeline already; only the uuid moves.
        result.uuid = ours;
        delete result.properties[UUID_PROPERTY];
        return result;
      }
      const app: Record<string, JsonValue> = {};
      for (const [key, value] of Object.entries(result.properties)) if (!key.startsWith('$') && key !== 'token' && key !== 'distinct_id') app[key] = value as JsonValue;
      const scanned = redactPii(app, allow);
      for (const finding of scanned.findings) flag(finding.path, finding.detail);
      Object.assign(result.properties, scanned.value);
      for (const field of ['$set', '$set_once'] as const) {
        for (const holder of [result, result.properties as unknown as CaptureResultLike]) {
          const traits = holder[field];
          if (!traits || typeof traits !== 'object') continue;
          cleanUrls(traits as Record<string, unknown>, `${field}.`);
          const cleaned = redactPii(traits as Record<string, JsonValue>, allow);
          for (const finding of cleaned.findings) flag(`${field}.${finding.path}`, finding.detail);
          holder[field] = cleaned.value;
        }
      }
    } catch {
      // A guard failure must not lose posthog-js's event.
    }
    return result;
  };
}
