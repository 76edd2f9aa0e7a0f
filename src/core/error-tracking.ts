/** What `trackError` needs of a tracker: any trackplan tracker fits. */
interface TracksEvents {
  track: unknown;
}

export interface ErrorContext {
  /** Route or view where it happened. */
  route: string;
  distinctId?: string;
  statusCode?: number;
  /** Extra properties the error event's schema declares (e.g. `team_slug`). */
  properties?: Record<string, unknown>;
}

export interface ErrorTracker {
  /** Sends the error event: type, fingerprint and route, never the message text. Rate-limited per fingerprint. */
  trackError(error: unknown, context: ErrorContext): void;
  stats(): { sent: number; rateLimited: number };
}

/** FNV-1a, 32 bits: a short stable fingerprint without crypto. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** The error type and the top stack frames without line numbers or the message: stable across occurrences. */
export function errorFingerprint(error: unknown): { type: string; fingerprint: string } {
  const type = error instanceof Error ? error.name || error.constructor?.name || 'Error' : typeof error;
  const frames = error instanceof Error && typeof error.stack === 'string'
    ? error.stack.split('\n').slice(1, 4).map((line) => line.trim().replace(/:\d+:\d+\)?$/, '').replace(/\(.*[\\/]/, '(')).join('|')
    : '';
  return { type: type.slice(0, 100), fingerprint: fnv1a(`${type}|${frames}`) };
}

/**
 * Error tracking as the Tformance plan asks: `error_occurred` with the error type, a fingerprint and
 * the route, but no message text that could carry personal data; at most `limitPerMinute` per
 * fingerprint per minute (default 10), the rest counted, not sent.
 */
export function createErrorTracker(tracker: TracksEvents, options: { event?: string; limitPerMinute?: number; now?: () => number } = {}): ErrorTracker {
  const event = options.event ?? 'error_occurred';
  const limit = options.limitPerMinute ?? 10;
  const now = options.now ?? Date.now;
  const windows = new Map<string, { start: number; count: number }>();
  const counters = { sent: 0, rateLimited: 0 };
  return {
    trackError(error, context) {
      try {
        const { type, fingerprint } = errorFingerprint(error);
        const at = now();
        const window = windows.get(fingerprint);
        if (window && at - window.start < 60_000) {
          if (window.count >= limit) {
            counters.rateLimited++;
            return;
          }
          window.count++;
        } else {
          if (windows.size > 1000) windows.clear(); // bounded: a flood of distinct errors must not grow memory
          windows.set(fingerprint, { start: at, count: 1 });
        }
        counters.sent++;
        const props = { ...context.properties, error_type: type, fingerprint, route: context.route, ...(context.statusCode !== undefined ? { status_code: context.statusCode } : {}) };
        (tracker.track as (n: string, p: unknown, o?: unknown) => void)(event, props, context.distinctId ? { distinctId: context.distinctId } : undefined);
      } catch {
        // error tracking must never throw into the error handler that called it
      }
    },
    stats: () => ({ ...counters }),
  };
}
