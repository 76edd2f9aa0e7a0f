/** Deep-partial matching and short printing for the readable assertion errors of `trackplan/testing`. */

/**
 * Whether `actual` has every key of `expected` with an equal value; objects nest (partially),
 * arrays must match element for element. Returns the first mismatching path, or undefined.
 */
export function mismatch(actual: unknown, expected: unknown, path = ''): { path: string; expected: unknown; actual: unknown } | undefined {
  if (Object.is(actual, expected)) return undefined;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return { path, expected, actual };
    for (let i = 0; i < expected.length; i++) {
      const found = mismatch(actual[i], expected[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return { path, expected, actual };
    for (const [key, value] of Object.entries(expected)) {
      if (value === undefined && !(key in actual)) continue;
      const found = mismatch(actual[key], value, path ? `${path}.${key}` : key);
      if (found) return found;
    }
    return undefined;
  }
  return { path, expected, actual };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON, cut short: error messages list many events and must stay readable. */
export function short(value: unknown, max = 200): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Waits until `predicate()` holds, polling every 10 ms; throws `what` at the deadline. */
export async function waitUntil(predicate: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`[trackplan] [testing] timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
