import { distinctIdFromCookie } from '../node/cookie';

/** `cookies()` of `next/headers` (awaited): what of it is read. */
interface CookieStoreLike {
  getAll(): { name: string; value: string }[];
}
/** `headers()` of `next/headers` (awaited), or a `Headers`. */
interface HeadersLike {
  get(name: string): string | null;
}
/** A `Request`/`NextRequest` (route handlers, `proxy.ts`). */
interface RequestLike {
  headers: HeadersLike;
}
export type DistinctIdSource = CookieStoreLike | HeadersLike | RequestLike;

const POSTHOG_COOKIE = /^ph_(.+)_posthog$/;

/**
 * The distinct id posthog-js uses in this visitor's browser, read from its cookie
 * (`ph_<apiKey>_posthog`), so server events join the browser's person. Takes `await cookies()`,
 * `await headers()` or a `Request`; or their promises (then it returns a promise). Without
 * `apiKey` the first PostHog cookie found is read. `undefined` when there is none (a first visit,
 * or posthog-js persisting to localStorage only).
 */
export function distinctIdFromRequest(source: DistinctIdSource, apiKey?: string): string | undefined;
export function distinctIdFromRequest(source: Promise<DistinctIdSource>, apiKey?: string): Promise<string | undefined>;
export function distinctIdFromRequest(source: DistinctIdSource | Promise<DistinctIdSource>, apiKey?: string): string | undefined | Promise<string | undefined> {
  if (source && typeof (source as Promise<unknown>).then === 'function') return (source as Promise<DistinctIdSource>).then((awaited) => distinctIdFromRequest(awaited, apiKey));
  const header = cookieHeader(source as DistinctIdSource);
  if (!header) return undefined;
  if (apiKey) return distinctIdFromCookie(header, apiKey);
  for (const part of header.split(';')) {
    const key = POSTHOG_COOKIE.exec(part.slice(0, part.indexOf('=')).trim())?.[1];
    const id = key ? distinctIdFromCookie(header, key) : undefined;
    if (id) return id;
  }
  return undefined;
}

function cookieHeader(source: DistinctIdSource): string | null {
  if (!source || typeof source !== 'object') return null;
  if ('headers' in source && source.headers && typeof source.headers.get === 'function') return source.headers.get('cookie');
  if (typeof (source as CookieStoreLike).getAll === 'function') {
    // The cookie store has decoded the values; the cookie parser expects them as sent.
    return (source as CookieStoreLike)
      .getAll()
      .map(({ name, value }) => `${name}=${encodeURIComponent(value)}`)
      .join('; ');
  }
  if (typeof (source as HeadersLike).get === 'function') return (source as HeadersLike).get('cookie');
  return null;
}
