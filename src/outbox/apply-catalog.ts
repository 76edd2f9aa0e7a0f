import { checkAgainst, revenueOf, unknownEventViolation, type ValidationMode } from '../core/pipeline';
import type { JsonValue, RuntimeCatalog, TrackMessage, Violation } from '../core/types';

/** What the dispatcher's catalog says about one recorded message. */
export type CatalogVerdict =
  | { deliver: true; message: TrackMessage; destinations: readonly string[] | undefined; violations: Violation[] }
  | { deliver: false; reason: string; dropReason: 'unknown_event' | 'invalid'; violations: Violation[] };

/**
 * Checks a recorded message against the catalog the dispatcher runs with, as track() would: rows
 * outlive catalog changes. An unknown event is never delivered. Properties that no longer validate
 * follow `validation`: `'report'` delivers them, `'drop'` refuses them, `'throw'` also refuses
 * undeclared properties (there is no caller to throw to). Undeclared properties are removed.
 */
export function applyCatalog(catalog: RuntimeCatalog, validation: ValidationMode, message: TrackMessage): CatalogVerdict {
  const name = message.envelope.event;
  const spec = Object.hasOwn(catalog.events, name) ? catalog.events[name] : undefined;
  if (!spec) {
    const violation = unknownEventViolation(catalog, name);
    return { deliver: false, reason: describeViolation(violation), dropReason: 'unknown_event', violations: [violation] };
  }
  const violations: Violation[] = [];
  const properties = message.envelope.properties;
  const result = checkAgainst(spec.validate, properties, name, 'invalid_properties', violations);
  const refused = violations.filter((v) => (v.kind === 'invalid_properties' && validation !== 'report') || (v.kind === 'unknown_properties' && validation === 'throw'));
  if (refused.length) {
    for (const violation of violations) if (violation.action === 'delivered' || refused.includes(violation)) violation.action = 'dropped';
    return { deliver: false, reason: refused.map(describeViolation).join('; '), dropReason: 'invalid', violations };
  }
  // The stored properties are already the schema's output: they are sent as stored, not re-parsed
  // (a transform would apply twice), less the keys the catalog no longer declares.
  const kept = result.unknownKeys.length ? withoutKeys(properties, result.unknownKeys) : properties;
  const revenue = spec.revenue ? revenueOf(kept, spec.revenue.amount, spec.revenue.currency) : null;
  const envelope = { ...message.envelope, properties: kept, revenue };
  return { deliver: true, message: { ...message, envelope }, destinations: spec.destinations, violations };
}

/** `kind: path: message`, the form `last_error` and the parked-row report use. */
export function describeViolation(violation: Violation): string {
  return `${violation.kind}: ${violation.path ? `${violation.path}: ` : ''}${violation.message}`;
}

function withoutKeys(properties: Record<string, JsonValue>, keys: readonly string[]): Record<string, JsonValue> {
  const kept = { ...properties };
  for (const key of keys) delete kept[key];
  return kept;
}
