// The per-request nonce and Content-Security-Policy for Next's `proxy.ts` (Next 16; `middleware.ts`
// before it). Web APIs only: the proxy may run on the edge runtime.
// Types only from next/server: this module is also in the client-side graph of `trackplan/next`.
import type { NextFetchEvent, NextProxy, NextRequest } from 'next/server';
import { checkHttpUrl } from '../core/config-rules';

/** The request header carrying the nonce to `<TrackplanScripts>` (and to the app: `(await headers()).get(NONCE_HEADER)`). */
export const NONCE_HEADER = 'x-trackplan-nonce';

export interface TrackplanCspOptions {
  /** PostHog's API host (default `https://us.i.posthog.com`) and assets host, allowed in `connect-src`. `false`: no PostHog. */
  posthog?: { host?: string; assetHost?: string } | false;
  /** GA4 (gtag): allows Google's collection hosts in `connect-src` and `img-src`. Default `false`. */
  ga4?: boolean;
  /** More origins for `connect-src` (a webhook URL, the inspector in development). */
  connectSrc?: string[];
  /**
   * Extra directives merged into the policy, e.g. `{ 'img-src': ['https://images.example'] }`;
   * `script-src` is trackplan's and cannot be loosened here.
   */
  directives?: Record<string, string[]>;
  /** Send `Content-Security-Policy-Report-Only` instead of enforcing. Default `false`. */
  reportOnly?: boolean;
}

const GA4_CONNECT = ['https://*.google-analytics.com', 'https://*.analytics.google.com', 'https://*.googletagmanager.com'];
const GA4_IMG = ['https://*.google-analytics.com', 'https://*.googletagmanager.com'];

/** 128 random bits, base64: what CSP nonces need, from Web Crypto (edge and Node alike). */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

function origin(value: string, option: string): string {
  return checkHttpUrl(value, option, 'next').origin;
}

/**
 * The policy for one response. `script-src 'nonce-…' 'strict-dynamic'`: the snippets carry the
 * nonce and the scripts they add (`array.js`, `gtag/js`) are trusted through them. In development
 * React needs `'unsafe-eval'` (Next's own advice).
 */
export function contentSecurityPolicy(nonce: string, options: TrackplanCspOptions = {}, development = process.env.NODE_ENV === 'development'): string {
  const connect = new Set(["'self'"]);
  const img = new Set(["'self'", 'data:', 'blob:']);
  if (options.posthog !== false) {
    const host = origin(options.posthog?.host ?? 'https://us.i.posthog.com', 'posthog.host');
    connect.add(host);
    const assets = options.posthog?.assetHost ? origin(options.posthog.assetHost, 'posthog.assetHost') : host.replace('.i.posthog.com', '-assets.i.posthog.com');
    connect.add(assets);
  }
  if (options.ga4) {
    for (const host of GA4_CONNECT) connect.add(host);
    for (const host of GA4_IMG) img.add(host);
  }
  for (const [i, value] of (options.connectSrc ?? []).entries()) connect.add(origin(value, `connectSrc[${i}]`));
  if (development) connect.add('ws:'); // Next's hot reload socket.
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': [`'nonce-${nonce}'`, "'strict-dynamic'", ...(development ? ["'unsafe-eval'"] : [])],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': [...img],
    'font-src': ["'self'", 'data:'],
    'connect-src': [...connect],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  for (const [name, values] of Object.entries(options.directives ?? {})) {
    if (name === 'script-src') continue;
    directives[name] = [...new Set([...(directives[name] ?? []), ...values])];
  }
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

type ProxyResult = Awaited<ReturnType<NextProxy>>;

/**
 * Wraps the app's own proxy (called with the request as it came): each request gets a fresh
 * nonce, which Next (for its own scripts) and `<TrackplanScripts>` read from the request headers
 * passed on to the page, and the response carries the policy. Redirects and responses the app's
 * proxy answers itself get the policy header too; request headers the app's proxy set are kept.
 */
export function withTrackplanCsp(proxy?: NextProxy, options: TrackplanCspOptions = {}): (request: NextRequest, event: NextFetchEvent) => Promise<ProxyResult> {
  // Checked once, at start-up: a bad host fails the build's first request loudly, not silently later.
  contentSecurityPolicy('check', options, false);
  const header = options.reportOnly ? 'content-security-policy-report-only' : 'content-security-policy';
  return async (request, event) => {
    const nonce = createNonce();
    const policy = contentSecurityPolicy(nonce, options);
    const headers = new Headers(request.headers);
    headers.set(NONCE_HEADER, nonce);
    // Next reads the nonce for its own scripts from this request header.
    headers.set('content-security-policy', policy);
    const answered = proxy ? await proxy(request, event) : undefined;
    // What `NextResponse.next()` is: a response that tells Next to go on rendering.
    const response = answered ?? new Response(null, { headers: { 'x-middleware-next': '1' } });
    passRequestHeaders(response, headers, [NONCE_HEADER, 'content-security-policy']);
    response.headers.set(header, policy);
    return response;
  };
}

/** `withTrackplanCsp()` with no proxy of the app's own: `export const proxy = trackplanProxy({ … })`. */
export function trackplanProxy(options: TrackplanCspOptions = {}) {
  return withTrackplanCsp(undefined, options);
}

/**
 * Makes Next forward `names` to the page as request headers, keeping what the app's proxy set:
 * the same `x-middleware-request-*` fields `NextResponse.next({ request: { headers } })` writes.
 */
function passRequestHeaders(response: Response, headers: Headers, names: string[]): void {
  const override = response.headers.get('x-middleware-override-headers');
  // A redirect or a response of its own goes to the browser; the page is not rendered.
  if (!override && !isContinuing(response)) return;
  const keys = override ? override.split(',').filter(Boolean) : [...headers.keys()];
  if (!override) for (const [key, value] of headers) response.headers.set(`x-middleware-request-${key}`, value);
  for (const name of names) {
    response.headers.set(`x-middleware-request-${name}`, headers.get(name)!);
    if (!keys.includes(name)) keys.push(name);
  }
  response.headers.set('x-middleware-override-headers', keys.join(','));
}

function isContinuing(response: Response): boolean {
  return response.headers.get('x-middleware-next') === '1' || response.headers.has('x-middleware-rewrite');
}
