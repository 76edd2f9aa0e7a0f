import type { IncomingHttpHeaders } from 'node:http';
import { foreignHostReason, isOwnOrigin } from './loopback-access';

/** Where PostHog clients send events (posthog-js, posthog-node, older paths). */
export const POSTHOG_PATHS = ['/batch', '/e', '/i/v0/e', '/capture', '/track', '/engage', '/s'];
const FLAG_PATHS = ['/flags', '/decide'];

/**
 * Paths every local page may use: apps in development on other ports send events to the inspector
 * and load posthog-js's `array.js` from it. Their answers hold nothing captured, so they answer any
 * origin. Everything else (the page, `/api/…`, the event stream) reads what was captured.
 */
export function isCapturePath(path: string): boolean {
  return POSTHOG_PATHS.includes(path) || FLAG_PATHS.includes(path) || path === '/webhook' || path.endsWith('/array.js');
}

export function isFlagsPath(path: string): boolean {
  return FLAG_PATHS.includes(path);
}

/** The request path without query and trailing slashes: `/batch/?v=2` is `/batch`. */
export function requestPath(url: string | undefined): string {
  return (url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
}

export type AccessDecision = { allowed: true; headers: Record<string, string> } | { allowed: false; reason: string };

/**
 * Who may talk to an inspector listening on 127.0.0.1:`port`. The `Host` must be its own loopback
 * address (a DNS-rebound name is refused); capture paths answer any origin; the paths that read
 * captured events answer only its own origin (or none: curl, navigation), without CORS headers.
 */
export function decideAccess(port: number, path: string, headers: IncomingHttpHeaders): AccessDecision {
  const foreign = foreignHostReason(port, headers, 'inspector');
  if (foreign) return { allowed: false, reason: foreign };
  const origin = headers.origin;
  if (isCapturePath(path)) {
    return {
      allowed: true,
      headers: {
        // With credentials: navigator.sendBeacon always sends them, and a JSON beacon (trackplan's
        // browser webhook, posthog-js without compression) is preflighted, so `*` would lose it.
        // Harmless here: these answers hold nothing captured, and the inspector sets no cookies.
        ...(origin ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'origin' } : { 'access-control-allow-origin': '*' }),
        'access-control-allow-headers': String(headers['access-control-request-headers'] ?? '*'),
        'access-control-allow-methods': 'GET, POST, OPTIONS',
      },
    };
  }
  if (!isOwnOrigin(port, origin))
    return { allowed: false, reason: `origin ${JSON.stringify(origin)} may only send events here (the capture paths), not read them` };
  return { allowed: true, headers: {} };
}
