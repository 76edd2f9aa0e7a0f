import { createRequire } from 'node:module';
import type * as Msw from 'msw';
import { TrackplanConfigError } from '../core/errors';

/** msw is an optional peer: loaded on first use, so the rest of `trackplan/testing` works without it. */
let loaded: typeof Msw | undefined;
export function loadMsw(): typeof Msw {
  if (loaded) return loaded;
  try {
    loaded = createRequire(import.meta.url)('msw') as typeof Msw;
    return loaded;
  } catch (error) {
    throw new TrackplanConfigError('[testing] posthogHandlers() and webhookHandlers() need msw 2: npm i -D msw', { cause: error });
  }
}

/** One request a handler took, as it arrived. */
export interface CapturedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A request a handler answered with an error, and why. */
export interface RejectedRequest {
  url: string;
  status: number;
  reason: string;
}

export async function captureRequest(request: Request): Promise<CapturedRequest> {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, key) => (headers[key] = value));
  return { method: request.method, url: request.url, headers, body: new Uint8Array(await request.arrayBuffer()) };
}

/** A host or URL without its trailing slashes, checked. */
export function baseUrl(value: unknown, what: string): string {
  try {
    const url = new URL(String(value));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    return String(value).replace(/\/+$/, '');
  } catch (error) {
    throw new TrackplanConfigError(`[testing] ${what} must be an http(s) URL (got ${JSON.stringify(value)}).`, { cause: error });
  }
}

/** CORS headers that let a page on any origin send to the handler and read its answer (credentials included). */
export function corsHeaders(request: Request): Record<string, string> {
  return {
    'access-control-allow-origin': request.headers.get('origin') ?? '*',
    'access-control-allow-credentials': 'true',
    'access-control-allow-headers': request.headers.get('access-control-request-headers') ?? '*',
    'access-control-allow-methods': 'GET, POST, OPTIONS',
  };
}
