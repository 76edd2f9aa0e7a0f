import type { JsonValue } from '../types';
import { redactPii } from './pii';
import { sanitize, type GuardFinding, type SizeLimits } from './sanitize';

export { DEFAULT_SIZE_LIMITS, sanitize, type GuardFinding, type SizeLimits } from './sanitize';
export { redactPii, redactString, redactUrl, isSensitiveKey, type PiiKind } from './pii';

export interface GuardOptions {
  pii: 'redact' | 'drop-event' | 'off';
  limits: SizeLimits;
  /** Property names allowed to carry personal data. */
  allow: ReadonlySet<string>;
  /** Largest serialized message, in bytes. */
  maxEventBytes: number;
}

export type GuardResult =
  | { ok: true; value: Record<string, JsonValue>; findings: GuardFinding[]; bytes: number }
  | { ok: false; reason: 'pii' | 'too_large'; findings: GuardFinding[] };

/** sanitize -> PII -> size, in that order, before any destination sees the message. Never throws. */
export function applyGuards(input: Record<string, unknown>, options: GuardOptions): GuardResult {
  const cleaned = sanitize(input, options.limits);
  let value = cleaned.value;
  let findings = cleaned.findings;
  if (options.pii !== 'off') {
    const scanned = redactPii(value, options.allow);
    if (scanned.findings.length) {
      findings = findings.concat(scanned.findings);
      if (options.pii === 'drop-event') return { ok: false, reason: 'pii', findings };
      value = scanned.value;
    }
  }
  const bytes = serializedBytes(value, options.maxEventBytes);
  if (bytes > options.maxEventBytes) return { ok: false, reason: 'too_large', findings };
  return { ok: true, value, findings, bytes };
}

/**
 * An upper bound of the UTF-8 size of JSON.stringify(value), computed without serializing when the
 * value is small: each UTF-16 unit is at most 3 bytes, escapes at most 6.
 */
function serializedBytes(value: Record<string, JsonValue>, limit: number): number {
  const estimate = estimate6(value, 0, limit);
  if (estimate <= limit) return estimate;
  const json = JSON.stringify(value);
  let bytes = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? (i++, 4) : 3;
  }
  return bytes;
}

function estimate6(value: JsonValue, total: number, limit: number): number {
  if (total > limit) return total;
  if (typeof value === 'string') return total + 2 + value.length * 6;
  if (value === null || typeof value !== 'object') return total + 24;
  if (Array.isArray(value)) {
    total += 2;
    for (const item of value) total = estimate6(item, total + 1, limit);
    return total;
  }
  total += 2;
  for (const key in value) total = estimate6(value[key], total + key.length * 6 + 4, limit);
  return total;
}
