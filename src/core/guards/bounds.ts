import type { GuardFinding, SizeLimits } from './sanitize';

/**
 * The size guard's limits on containers (keys per object, items per array, nesting depth), applied
 * BEFORE validation: a validator walks every key and every array slot it is handed, and neither
 * costs the caller memory (`a.length = 2 ** 32 - 1` is one line). Strings, non-JSON values and the
 * byte limit are left to the guards after validation.
 *
 * Returns undefined when every container is within limits (the common case allocates nothing),
 * otherwise a copy with what is over the limits cut, the way sanitize cuts it, and one finding per
 * cut. Each object's keys are listed once. Never throws.
 */
export function boundContainers(
  input: unknown,
  limits: SizeLimits,
  maxValues = Infinity,
): { value: Record<string, unknown>; findings: GuardFinding[] } | typeof TOO_MANY_VALUES | undefined {
  // Not an object: the validator says so. A class instance is read like a plain object here.
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const outer = found;
  const ancestorsAtEntry = ancestors.length;
  const topAtEntry = top;
  const outerBudget = budget;
  found = NO_FINDINGS;
  budget = maxValues;
  if (isFlatWithin(input as Record<string, unknown>, limits.maxProperties, maxValues)) return undefined;
  try {
    const value = boundObject(input as Record<string, unknown>, '', 1, limits);
    // Every finding comes with a copy: the same object back means nothing was cut.
    return value === input ? undefined : { value, findings: found };
  } catch (error) {
    if (error === TOO_MANY_VALUES) return TOO_MANY_VALUES;
    return undefined; // listing the keys threw (a Proxy trap): validation reads the input again and reports it
  } finally {
    budget = outerBudget;
    found = outer;
    if (ancestors.length !== ancestorsAtEntry) ancestors.length = ancestorsAtEntry; // only after a throw: setting length is slow
    top = topAtEntry;
  }
}

/**
 * More values than fit in the largest event: one object reused under many keys stays within every
 * container limit but is walked once per path (10 keys, 5 levels: 100,000 visits), so the pass counts
 * what it reads and gives up once the event could not serialize under `maxEventBytes` anyway.
 */
export const TOO_MANY_VALUES: unique symbol = Symbol('trackplan.too_many_values');

/**
 * The common event: at most `maxProperties` keys, none holding an object or array. One pass that
 * keeps nothing (no key stack, no ancestors); anything else takes the full pass.
 */
function isFlatWithin(object: Record<string, unknown>, maxProperties: number, maxValues: number): boolean {
  let count = 0;
  try {
    for (const key in object) {
      if (++count > maxProperties || count > maxValues) return false;
      const value = object[key];
      if (typeof value === 'object' && value !== null) return false;
    }
  } catch {
    return false; // a throwing getter or Proxy trap: the full pass reports it
  }
  return true;
}

const NO_FINDINGS: GuardFinding[] = Object.freeze([]) as unknown as GuardFinding[];

// State of the one synchronous pass (a getter calling track() stacks on top and restores it): the
// findings so far; the containers on the path to the one being read, to leave a circular reference
// to sanitize; and the keys read so far on that path, so a container that turns out to need a copy
// is copied without enumerating its keys again (listing a million keys is the slow part).
let found: GuardFinding[] = NO_FINDINGS;
const ancestors: object[] = [];
const keys: string[] = [];
let top = 0;
let budget = Infinity;

function report(finding: GuardFinding): void {
  if (found === NO_FINDINGS) found = [];
  found.push(finding);
}

/** What the size guard counts and cuts: arrays and plain objects (a Date, a Map or a class instance is the validator's). */
function isContainer(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const join = (base: string, key: string | number) => (base === '' ? String(key) : `${base}.${key}`);

/** A plain object at nesting level `depth` (the properties are 1): itself, or a copy within limits. */
function boundObject(object: Record<string, unknown>, path: string, depth: number, limits: SizeLimits): Record<string, unknown> {
  ancestors.push(object);
  const base = top;
  let out: Record<string, unknown> | undefined;
  let count = 0;
  // The keys read are kept on the key stack: a copy needs no second listing (a million take a while).
  for (const key in object) {
    if (--budget < 0) throw TOO_MANY_VALUES;
    if (++count > limits.maxProperties) {
      report({ path, kind: 'truncated', detail: `more than ${limits.maxProperties} properties; only the first ${limits.maxProperties} were kept` });
      out ??= copyObject(object, base, path, depth, limits);
      break;
    }
    let value: unknown;
    try {
      value = object[key];
    } catch (error) {
      if (out === undefined) keys[top++] = key; // validation and sanitize report it, unless a copy is made
      else report(threw(path, key, error));
      continue;
    }
    const child = typeof value === 'object' && value !== null ? boundChild(value, path, key, depth, limits) : value;
    if (out === undefined) {
      if (child === value) {
        keys[top++] = key;
        continue;
      }
      out = copyObject(object, base, path, depth, limits);
    }
    if (child !== undefined || value === undefined) define(out, key, child);
  }
  ancestors.pop();
  top = base;
  return out ?? object;
}

/** A copy of the keys read so far, from `base` on the key stack. */
function copyObject(object: Record<string, unknown>, base: number, path: string, depth: number, limits: SizeLimits): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = base; i < top; i++) {
    const key = keys[i];
    let value: unknown;
    try {
      value = object[key];
    } catch (error) {
      report(threw(path, key, error));
      continue;
    }
    // A getter may answer differently the second time: bound what it answers now.
    const child = typeof value === 'object' && value !== null ? boundChild(value, path, key, depth, limits) : value;
    if (child !== undefined || value === undefined) define(out, key, child);
  }
  return out;
}

const threw = (path: string, key: string, error: unknown): GuardFinding => ({
  path: join(path, key),
  kind: 'non_json',
  detail: `reading it threw (${String(error)}); it was removed`,
});

// defineProperty: a key such as "__proto__" stays a key, never the copy's prototype.
function define(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function boundArray(array: unknown[], path: string, depth: number, limits: SizeLimits): unknown[] {
  ancestors.push(array);
  const length = array.length;
  const kept = Math.min(length, limits.maxArrayLength);
  let out: unknown[] | undefined;
  if (length > kept) {
    report({ path, kind: 'truncated', detail: `an array of ${length} items was cut to ${kept}` });
    out = [];
  }
  for (let i = 0; i < kept; i++) {
    if (--budget < 0) throw TOO_MANY_VALUES;
    let item: unknown;
    try {
      item = array[i];
    } catch {
      item = undefined; // as sanitize reads it
    }
    const child = typeof item === 'object' && item !== null ? boundChild(item, path, i, depth, limits) : item;
    if (out === undefined && child !== item) out = array.slice(0, i);
    if (out !== undefined) out.push(child);
  }
  ancestors.pop();
  return out ?? array;
}

/** A value inside a container of level `depth`: itself, a copy within limits, or undefined to remove it. */
function boundChild(value: object, path: string, key: string | number, depth: number, limits: SizeLimits): unknown {
  const ancestorsAtEntry = ancestors.length;
  const topAtEntry = top;
  try {
    if (!isContainer(value) || ancestors.includes(value)) return value; // a cycle is sanitize's to report
    if (depth >= limits.maxDepth) {
      report({ path: join(path, key), kind: 'truncated', detail: `nested deeper than ${limits.maxDepth} levels; it was removed` });
      return undefined;
    }
    return Array.isArray(value) ? boundArray(value, join(path, key), depth + 1, limits) : boundObject(value as Record<string, unknown>, join(path, key), depth + 1, limits);
  } catch (error) {
    if (error === TOO_MANY_VALUES) throw error;
    // A Proxy trap threw: what cannot be counted cannot be let through to the validator.
    ancestors.length = ancestorsAtEntry;
    top = topAtEntry;
    report({ path: join(path, key), kind: 'non_json', detail: `the value could not be read (${String(error)}); it was removed` });
    return undefined;
  }
}
