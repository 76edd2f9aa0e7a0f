import type { HttpHandler } from 'msw';
import type { Catalog, EventNameOf, PropsOf } from '../core/catalog';
import { decodePostHogBody } from '../node/posthog-wire';
import { capturedBy } from './captured';
import { baseUrl, captureRequest, corsHeaders, loadMsw, type CapturedRequest, type RejectedRequest } from './msw-loader';

/** One event as PostHog received it (posthog-js puts `distinct_id` in `properties`, posthog-node at the top). */
export interface CapturedPostHogEvent {
  event: string;
  properties: Record<string, unknown>;
  distinct_id?: string;
  uuid?: string;
  timestamp?: string;
  [key: string]: unknown;
}

/** A captured event of the catalog: its properties typed (plus PostHog's own, `$lib`, `$groups`…). */
export type PostHogEventOf<C, N extends string> = CapturedPostHogEvent & { event: N; properties: PropsOf<C, N> & Record<string, unknown> };

export interface PostHogHandlers<C> {
  /** For `setupServer(...handlers)` or `server.use(...handlers)`. */
  readonly handlers: HttpHandler[];
  /** Every event received (capture, `$identify`, `$create_alias`, `$groupidentify`, posthog-js's own), decoded, in order. */
  readonly events: CapturedPostHogEvent[];
  /** Every request taken, raw. */
  readonly requests: CapturedRequest[];
  /** Requests answered 400 because their body could not be decoded. */
  readonly rejected: RejectedRequest[];
  /** The events of one catalog event name, typed. */
  eventsNamed<const N extends EventNameOf<C>>(name: N): PostHogEventOf<C, N>[];
  /** Resolves once `predicate(events)` holds (posthog-js sends on its own schedule); rejects at the deadline, listing what arrived. */
  waitFor(predicate: (events: CapturedPostHogEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  clear(): void;
}

/**
 * msw handlers standing in for PostHog at `host`: they take what posthog-js and posthog-node really
 * send (gzip, base64, `data=` form bodies), decode it as PostHog does, and answer flags and config
 * requests with empty answers.
 * @example
 * const ph = posthogHandlers({ host: 'https://ph.test', catalog });
 * const server = setupServer(...ph.handlers); server.listen();
 * // … createTracker(catalog, { posthog: { apiKey: 'phc_test', host: 'https://ph.test' } }) …
 * expect(ph.eventsNamed('order.paid')[0].properties.amount).toBe(49);
 */
export function posthogHandlers<C extends Catalog<any, any, any> = Catalog>(options: { host: string; catalog?: C }): PostHogHandlers<C> {
  const { http, HttpResponse } = loadMsw();
  const host = baseUrl(options?.host, 'posthogHandlers({ host })');
  const events: CapturedPostHogEvent[] = [];
  const requests: CapturedRequest[] = [];
  const rejected: RejectedRequest[] = [];

  const handler = http.all(`${host}/*`, async ({ request }) => {
    const response = await answer(request);
    // As PostHog does: a page on another origin may read the answer (happy-dom and jsdom check).
    for (const [key, value] of Object.entries(corsHeaders(request))) response.headers.set(key, value);
    return response;
  });

  async function answer(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (request.method === 'OPTIONS') return new HttpResponse(null, { status: 204 });
    if (/^\/(flags|decide)\b/.test(path)) return HttpResponse.json({ featureFlags: {}, featureFlagPayloads: {}, flags: {}, errorsWhileComputingFlags: false });
    if (request.method !== 'POST') {
      // Remote config and lazily loaded extensions: an empty answer keeps posthog-js quiet.
      return /\.js$/.test(path) ? new HttpResponse('', { headers: { 'content-type': 'application/javascript' } }) : HttpResponse.json({});
    }
    const captured = await captureRequest(request);
    requests.push(captured);
    try {
      events.push(...(decodePostHogBody(captured.body, captured.headers['content-type'], request.url) as CapturedPostHogEvent[]));
    } catch (error) {
      const reason = `could not decode the body: ${String((error as Error)?.message ?? error)}`;
      rejected.push({ url: request.url, status: 400, reason });
      return new HttpResponse(reason, { status: 400 });
    }
    return HttpResponse.json({ status: 1 });
  }

  const captured = capturedBy(handler, { events, requests, rejected }, `the PostHog events at ${host}`, (event) => event.event, options.catalog);
  return { ...captured, eventsNamed: (name) => captured.eventsNamed(name) as PostHogEventOf<C, typeof name>[] };
}
