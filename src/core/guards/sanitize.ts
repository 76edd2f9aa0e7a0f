import type { JsonValue } from '../types';

export interface SizeLimits {
  maxStringLength: number;
  maxProperties: number;
  maxDepth: number;
  maxArrayLength: number;
}

export const DEFAULT_SIZE_LIMITS: SizeLimits = { maxStringLength: 255, maxProperties: 200, maxDepth: 5, maxArrayLength: 100 };

/** One change a guard made, with the dotted path of the value (`items.2.name`). */
export interface GuardFinding {
  path: string;
  kind: 'truncated' | 'non_json' | 'pii';
  detail: string;
}

/** Keys never copied: they would reach an object's prototype. */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Returns a JSON-safe copy of `input` within the size limits, or `input` itself when it already
 * is one (the common case allocates nothing). Never throws: what cannot be read is removed.
 */
export function sanitize(input: Record<string, unknown>, limits: SizeLimits): { value: Record<string, JsonValue>; findings: GuardFinding[] } {
  const findings: GuardFinding[] = [];
  const depthAtEntry = ancestors.length;
  try {
    const value = sanitizeObject(input, '', 1, limits, findings);
    const proto = value ? Object.getPrototypeOf(value) : null;
    // Only a plain object leaves: a class instance or a Set at the top becomes its own keys.
    return { value: value && (proto === Object.prototype || proto === null) ? value : { ...value }, findings };
  } catch (error) {
    // Last line of defence: an exotic value we did not foresee must not reach the host as a throw.
    findings.push({ path: '', kind: 'non_json', detail: `the properties could not be read (${String(error)}); they were removed` });
    return { value: {}, findings };
  } finally {
    if (ancestors.length !== depthAtEntry) ancestors.length = depthAtEntry;
  }
}

// The objects on the path from the top to the value being read, to tell a circular reference. One
// stack for every call (sanitize is synchronous; a re-entrant call from a toJSON() stacks on top).
const ancestors: object[] = [];

function copyKeys(input: object, keys: string[], count: number): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (let j = 0; j < count; j++) {
    const key = keys[j];
    if (!FORBIDDEN_KEYS.has(key)) out[key] = (input as Record<string, JsonValue>)[key];
  }
  return out;
}

const join = (base: string, key: string | number) => (base === '' ? String(key) : `${base}.${key}`);

function sanitizeObject(
  input: object,
  path: string,
  depth: number,
  limits: SizeLimits,
  findings: GuardFinding[],
): Record<string, JsonValue> | undefined {
  let keys: string[];
  try {
    keys = Object.keys(input);
  } catch (error) {
    findings.push({ path, kind: 'non_json', detail: `the object could not be read (${String(error)}); it was removed` });
    return undefined;
  }
  ancestors.push(input);
  let out: Record<string, JsonValue> | undefined;
  const limit = Math.min(keys.length, limits.maxProperties);
  if (keys.length > limits.maxProperties) {
    findings.push({ path, kind: 'truncated', detail: `${keys.length} properties; only the first ${limits.maxProperties} were kept` });
    out = {};
  }
  for (let i = 0; i < limit; i++) {
    const key = keys[i];
    if (FORBIDDEN_KEYS.has(key)) {
      findings.push({ path: join(path, key), kind: 'non_json', detail: `the key "${key}" is not allowed; it was removed` });
      if (!out) out = copyKeys(input, keys, i);
      continue;
    }
    let raw: unknown;
    try {
      raw = (input as Record<string, unknown>)[key];
    } catch (error) {
      findings.push({ path: join(path, key), kind: 'non_json', detail: `reading it threw (${String(error)}); it was removed` });
      if (!out) out = copyKeys(input, keys, i);
      continue;
    }
    // Plain short strings, numbers and booleans (nearly every value) need no path and no copy.
    if ((typeof raw === 'string' && raw.length <= limits.maxStringLength) || typeof raw === 'boolean' || (typeof raw === 'number' && Number.isFinite(raw) && raw !== 0)) {
      if (out !== undefined) out[key] = raw;
      continue;
    }
    const clean = sanitizeValue(raw, join(path, key), depth, limits, findings);
    if (clean !== undefined && Object.is(clean, raw) && out === undefined) continue;
    if (!out) out = copyKeys(input, keys, i);
    if (clean !== undefined) out![key] = clean as JsonValue;
  }
  ancestors.pop();
  return out ?? (input as Record<string, JsonValue>);
}

/** Returns the JSON-safe value, the same reference when untouched, or undefined to remove it. */
function sanitizeValue(value: unknown, path: string, depth: number, limits: SizeLimits, findings: GuardFinding[]): unknown {
  switch (typeof value) {
    case 'string':
      if (value.length <= limits.maxStringLength) return value;
      findings.push({ path, kind: 'truncated', detail: `a string of ${value.length} characters was cut to ${limits.maxStringLength}` });
      return cutString(value, limits.maxStringLength);
    case 'number':
      if (Number.isFinite(value)) return value === 0 ? 0 : value; // -0 becomes 0, as JSON has it
      findings.push({ path, kind: 'non_json', detail: `${value} is not JSON; it became null` });
      return null;
    case 'boolean':
      return value;
    case 'bigint':
      findings.push({ path, kind: 'non_json', detail: 'a BigInt became a string' });
      return value.toString();
    case 'undefined':
      return undefined;
    case 'function':
    case 'symbol':
      findings.push({ path, kind: 'non_json', detail: `a ${typeof value} is not JSON; it was removed` });
      return undefined;
  }
  if (value === null) return null;
  const object = value as object;
  if (ancestors.includes(object)) {
    findings.push({ path, kind: 'non_json', detail: 'a circular reference was replaced' });
    return '[circular]';
  }
  if (object instanceof Date) {
    const time = object.getTime();
    return Number.isNaN(time) ? null : object.toISOString();
  }
  if (depth >= limits.maxDepth) {
    findings.push({ path, kind: 'truncated', detail: `nested deeper than ${limits.maxDepth} levels; it was removed` });
    return undefined;
  }
  if (Array.isArray(object)) return sanitizeArray(object, path, depth + 1, limits, findings);
  if (object instanceof Map) return sanitizeValue(Object.fromEntries(safeEntries(object)), path, depth, limits, findings);
  if (object instanceof Set) return sanitizeArray([...object], path, depth + 1, limits, findings);
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) {
    findings.push({ path, kind: 'non_json', detail: 'binary data is not sent; it was removed' });
    return undefined;
  }
  const toJSON = (object as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    try {
      return sanitizeValue(toJSON.call(object), path, depth, limits, findings);
    } catch (error) {
      findings.push({ path, kind: 'non_json', detail: `toJSON() threw (${String(error)}); it was removed` });
      return undefined;
    }
  }
  return sanitizeObject(object, path, depth + 1, limits, findings);
}

function sanitizeArray(input: unknown[], path: string, depth: number, limits: SizeLimits, findings: GuardFinding[]): JsonValue[] {
  ancestors.push(input);
  let out: JsonValue[] | undefined;
  const length = Math.min(input.length, limits.maxArrayLength);
  if (input.length > limits.maxArrayLength) {
    findings.push({ path, kind: 'truncated', detail: `an array of ${input.length} items was cut to ${limits.maxArrayLength}` });
    out = [];
  }
  for (let i = 0; i < length; i++) {
    let raw: unknown;
    try {
      raw = input[i];
    } catch {
      raw = undefined;
    }
    let clean = sanitizeValue(raw, join(path, i), depth, limits, findings);
    if (clean !== undefined && Object.is(clean, raw) && out === undefined) continue;
    if (!out) out = input.slice(0, i) as JsonValue[];
    if (clean === undefined) clean = null; // JSON.stringify turns holes into null too
    out.push(clean as JsonValue);
  }
  ancestors.pop();
  return out ?? (input as JsonValue[]);
}

function safeEntries(map: Map<unknown, unknown>): [string, unknown][] {
  const entries: [string, unknown][] = [];
  for (const [key, value] of map) {
    let name: string;
    try {
      name = typeof key === 'string' ? key : JSON.stringify(key) ?? String(key);
    } catch {
      name = '[key]';
    }
    entries.push([name, value]);
  }
  return entries;
}

/** Cuts without splitting a surrogate pair. */
function cutString(value: string, max: number): string {
  const code = value.charCodeAt(max - 1);
  return value.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}
