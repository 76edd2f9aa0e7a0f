import type { HttpHandler } from 'msw';
import type { Catalog, EventNameOf, PropsOf } from '../core/catalog';
import type { WebhookEnvelope } from '../destinations/_shared/webhook-envelope';
import { verifyWebhookSignature } from '../node/webhook-signature';
import { capturedBy } from './captured';
import { short } from './format';
import { baseUrl, captureRequest, corsHeaders, loadMsw, type CapturedRequest, type RejectedRequest } from './msw-loader';

/** A received webhook envelope of the catalog, its properties typed. */
export type WebhookEventOf<C, N extends string> = WebhookEnvelope & { event_name: N; properties: PropsOf<C, N> & WebhookEnvelope['properties'] };

export interface WebhookHandlers<C> {
  readonly handlers: HttpHandler[];
  /** The envelopes of every accepted (and, with a secret, correctly signed) request, in order. */
  readonly events: WebhookEnvelope[];
  readonly requests: CapturedRequest[];
  /** Requests answered 401 (signature missing or wrong) or 400 (not `{ "events": [...] }`), with why. */
  readonly rejected: RejectedRequest[];
  eventsNamed<const N extends EventNameOf<C>>(name: N): WebhookEventOf<C, N>[];
  /** Resolves once `predicate(events)` holds; rejects at the deadline, listing what arrived and what was rejected. */
  waitFor(predicate: (events: WebhookEnvelope[]) => boolean, timeoutMs?: number): Promise<void>;
  clear(): void;
}

/**
 * An msw handler standing in for your webhook receiver at `url`: with `secret` it checks
 * `X-Trackplan-Signature` as `verifyWebhookSignature` does and answers 401 to a missing or wrong one
 * (so the tracker counts those events as dropped, `http_401`, and reports it through `onError`).
 * @example
 * const hook = webhookHandlers({ url: 'https://hooks.test/events', secret: 'whsec_test', catalog });
 * server.use(...hook.handlers);
 */
export function webhookHandlers<C extends Catalog<any, any, any> = Catalog>(options: { url: string; secret?: string; catalog?: C }): WebhookHandlers<C> {
  const { http, HttpResponse } = loadMsw();
  const url = baseUrl(options?.url, 'webhookHandlers({ url })');
  const events: WebhookEnvelope[] = [];
  const requests: CapturedRequest[] = [];
  const rejected: RejectedRequest[] = [];
  const refuse = (request: Request, status: number, reason: string) => {
    rejected.push({ url: request.url, status, reason });
    return new HttpResponse(`[trackplan] [testing] ${reason}`, { status });
  };

  const handler = http.all(url, async ({ request }) => {
    const response = await answer(request);
    // The browser tracker posts from the page: let it read the answer, as a real receiver must.
    for (const [key, value] of Object.entries(corsHeaders(request))) response.headers.set(key, value);
    return response;
  });

  async function answer(request: Request): Promise<Response> {
    if (request.method === 'OPTIONS') return new HttpResponse(null, { status: 204 });
    if (request.method !== 'POST') return refuse(request, 405, `expected POST, got ${request.method}`);
    const captured = await captureRequest(request);
    requests.push(captured);
    const body = new TextDecoder().decode(captured.body);
    if (options.secret !== undefined) {
      const header = captured.headers['x-trackplan-signature'];
      if (!header) return refuse(request, 401, 'no X-Trackplan-Signature header: configure the webhook secret on the tracker');
      if (!verifyWebhookSignature(body, header, options.secret)) return refuse(request, 401, 'X-Trackplan-Signature does not match the body with this secret (wrong secret, or the body was changed)');
    }
    let batch: { events?: unknown };
    try {
      batch = JSON.parse(body);
    } catch {
      return refuse(request, 400, `the body is not JSON: ${short(body, 80)}`);
    }
    if (!batch || !Array.isArray(batch.events)) return refuse(request, 400, `expected { "events": [...] }, got ${short(body, 80)}`);
    events.push(...(batch.events as WebhookEnvelope[]));
    return HttpResponse.json({ ok: true });
  }

  const captured = capturedBy(handler, { events, requests, rejected }, `the webhook events at ${url}`, (event) => event.event_name, options.catalog);
  return { ...captured, eventsNamed: (name) => captured.eventsNamed(name) as WebhookEventOf<C, typeof name>[] };
}
