// When to try again: backoff with full jitter, Retry-After, and timers that never hold a process open.

/** Exponential backoff with full jitter; a server's Retry-After wins, capped at `retryMaxMs`. */
export function backoffDelay(
  attempt: number,
  options: { retryBaseMs: number; retryMaxMs: number; random?: () => number },
  retryAfterMs?: number,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.retryMaxMs);
  const ceiling = Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** (attempt - 1));
  return Math.round((options.random ?? Math.random)() * ceiling);
}

/** A timer that never keeps a Node process alive. */
export function unrefTimer(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
  const timer = setTimeout(fn, ms);
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/** Holds the event loop open while a caller awaits us; returns the release. */
export function keepAlive(): () => void {
  const handle = setInterval(() => {}, 1 << 30);
  return () => clearInterval(handle);
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
