import type { JsonValue } from '../types';
import { isSensitiveKey, mayHoldPii, redactPii } from './pii';
import { FORBIDDEN_KEYS, sanitize, type GuardFinding, type SizeLimits } from './sanitize';

export { boundContainers, TOO_MANY_VALUES } from './bounds';
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
export function applyGuards(input: Record<string, unknown>, options: GuardOptions, memo?: KeyMemo): GuardResult {
  const flatBytes = untouchedFlatBytes(input, options, memo);
  if (flatBytes >= 0) return { ok: true, value: input as Record<string, JsonValue>, findings: NO_FINDINGS, bytes: flatBytes };
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

const NO_FINDINGS: GuardFinding[] = Object.freeze([]) as unknown as GuardFinding[];

/**
 * What the guards decided about the keys of objects of one shape (an event's properties), in the
 * order they came: the next object of that shape compares its keys to these instead of judging each.
 */
export interface KeyMemo {
  keys: string[];
  /** Per key: CARE (the full guards must look: a sensitive or forbidden key), SKIP_PII (an allowed key) or 0. */
  flags: number[];
}

const CARE = 1;
const SKIP_PII = 2;

export const newKeyMemo = (): KeyMemo => ({ keys: [], flags: [] });

const MEMO_KEYS = 64;

function keyFlags(key: string, options: GuardOptions): number {
  if (key.length >= 9 && FORBIDDEN_KEYS.has(key)) return CARE;
  if (options.pii === 'off' || options.allow.has(key)) return SKIP_PII;
  return isSensitiveKey(key) ? CARE : 0;
}

/**
 * The common case in one pass: a plain object of short strings, numbers, booleans and nulls that no
 * guard would change. Returns its size bound in bytes, or -1 when the full guards must run.
 */
function untouchedFlatBytes(input: Record<string, unknown>, options: GuardOptions, memo: KeyMemo | undefined): number {
  try {
    const proto = Object.getPrototypeOf(input);
    if (proto !== Object.prototype && proto !== null) return -1;
    const maxString = options.limits.maxStringLength;
    const maxProperties = options.limits.maxProperties;
    let bytes = 2;
    let count = 0;
    let j = 0;
    for (const key in input) {
      let flags: number;
      if (memo !== undefined && key === memo.keys[j]) flags = memo.flags[j++];
      else {
        flags = keyFlags(key, options);
        if (memo !== undefined && j === memo.keys.length && j < MEMO_KEYS) {
          memo.keys.push(key);
          memo.flags.push(flags);
          j++;
        } else j = MEMO_KEYS; // off the memo's track: judge the rest one by one
      }
      if (flags === CARE || ++count > maxProperties) return -1;
      const value = input[key];
      bytes += key.length * 6 + 4;
      if (typeof value === 'string') {
        if (value.length > maxString || (flags !== SKIP_PII && value.length >= 6 && mayHoldPii(value))) return -1;
        bytes += 2 + value.length * 6;
      } else if (typeof value === 'number') {
        // -0 is the one finite number JSON changes (to 0).
        if (!Number.isFinite(value) || (value === 0 && 1 / value < 0)) return -1;
        bytes += 24;
      } else if (typeof value === 'boolean' || value === null) bytes += 24;
      else return -1;
    }
    return bytes <= options.maxEventBytes ? bytes : -1;
  } catch {
    return -1; // a getter threw: the full guards report it
  }
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
