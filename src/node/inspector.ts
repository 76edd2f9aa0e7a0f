import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { RuntimeCatalog } from '../core/types';
import { INSPECTOR_PAGE } from './inspector-page';
import { decodePostHogBody } from './posthog-wire';
import { verifyWebhookSignature } from './webhook-signature';

export interface InspectedEvent {
  id: number;
  receivedAt: string;
  destination: 'posthog' | 'webhook';
  event: string;
  distinctId: string | null;
  uuid: string | null;
  catalog: string | null;
  /** `valid`, `invalid`, `unknown` (no catalog has it) or `posthog` (posthog-js's own events). */
  status: 'valid' | 'invalid' | 'unknown' | 'posthog';
  violations: string[];
  redactions: number;
  payload: unknown;
}

export interface InspectorOptions {
  catalogs: RuntimeCatalog[];
  /** Default 4400; 0 picks a free port. */
  port?: number;
  /** Verify `X-Trackplan-Signature` on /webhook with this secret. */
  secret?: string;
  /** Events kept in memory. Default 5000. */
  keep?: number;
  onEvent?: (event: InspectedEvent) => void;
}

export interface Inspector {
  url: string;
  events(): InspectedEvent[];
  close(): Promise<void>;
}

const POSTHOG_PATHS = ['/batch', '/e', '/i/v0/e', '/capture', '/track', '/engage', '/s'];
// Envelope fields trackplan adds to PostHog properties: not part of the event's own schema.
const ENVELOPE_KEYS = new Set(['schema_version', 'source', 'correlation_id', 'entity_type', 'entity_id', 'token', 'distinct_id']);

/**
 * A local event inspector on 127.0.0.1: receives what the real PostHog clients and the webhook
 * send, checks each event against the catalogs, and shows them live in a page (server-sent events).
 */
export async function startInspector(options: InspectorOptions): Promise<Inspector> {
  const keep = options.keep ?? 5000;
  const events: InspectedEvent[] = [];
  const streams = new Set<ServerResponse>();
  // Several catalogs may share an event name (omoi and eSIM both have payment_succeeded).
  const byEvent = new Map<string, RuntimeCatalog[]>();
  for (const catalog of options.catalogs) for (const name of Object.keys(catalog.events)) byEvent.set(name, [...(byEvent.get(name) ?? []), catalog]);
  const arrayJs = (() => {
    try {
      return readFileSync(createRequire(import.meta.url).resolve('posthog-js/dist/array.js'));
    } catch {
      return undefined;
    }
  })();
  let nextId = 1;

  function record(destination: InspectedEvent['destination'], name: string, distinctId: string | null, uuid: string | null, properties: Record<string, unknown>, payload: unknown) {
    const candidates = byEvent.get(name) ?? [];
    let catalog = candidates[0];
    let violations: string[] = [];
    let status: InspectedEvent['status'] = 'unknown';
    if (name.startsWith('$')) status = 'posthog';
    else if (candidates.length) {
      const own: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(properties ?? {})) if (!key.startsWith('$') && !ENVELOPE_KEYS.has(key)) own[key] = value;
      // The catalog the event fits best: the first that accepts it, else the one with the fewest problems.
      let best: string[] | undefined;
      for (const candidate of candidates) {
        const result = candidate.events[name].validate(own);
        const problems = [...result.issues.map((issue) => `${issue.path.join('.') || '(event)'}: ${issue.message}`), ...result.unknownKeys.map((key) => `${key}: not in the catalog`)];
        if (!best || problems.length < best.length) {
          best = problems;
          catalog = candidate;
        }
        if (!problems.length) break;
      }
      violations = best ?? [];
      status = violations.length ? 'invalid' : 'valid';
    } else violations.push(`"${name}" is in none of the catalogs`);
    const redactions = (JSON.stringify(properties ?? {}).match(/\[redacted:[a-z_]+\]/g) ?? []).length;
    const entry: InspectedEvent = { id: nextId++, receivedAt: new Date().toISOString(), destination, event: name, distinctId, uuid, catalog: catalog?.name ?? null, status, violations, redactions, payload };
    events.push(entry);
    if (events.length > keep) events.shift();
    const line = `data: ${JSON.stringify(entry)}\n\n`;
    for (const stream of streams) stream.write(line);
    options.onEvent?.(entry);
  }

  function receive(req: IncomingMessage, res: ServerResponse, body: Buffer) {
    const path = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
    if (path === '/webhook') {
      const text = body.toString('utf8');
      if (options.secret && !verifyWebhookSignature(text, req.headers['x-trackplan-signature'] as string | undefined, options.secret))
        return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad signature"}');
      const parsed = JSON.parse(text) as { events?: Record<string, any>[] };
      for (const e of parsed.events ?? []) record('webhook', String(e.event_name), e.user_id ?? null, e.uuid ?? null, e.properties ?? {}, e);
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":1}');
    }
    if (POSTHOG_PATHS.includes(path)) {
      for (const e of decodePostHogBody(body, req.headers['content-type'], req.url)) {
        const properties = (e.properties ?? {}) as Record<string, unknown>;
        const distinct = (e.distinct_id ?? properties.distinct_id ?? null) as string | null;
        record('posthog', String(e.event), distinct, (e.uuid as string) ?? null, properties, e);
      }
      return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":1}');
    }
    res.writeHead(404).end();
  }

  const server = createServer((req, res) => {
    res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
    res.setHeader('access-control-allow-credentials', 'true');
    res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? '*');
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET') {
      if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(INSPECTOR_PAGE);
      if (path === '/api/events') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(events));
      if (path === '/api/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
        res.write(': connected\n\n');
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      }
      if (path.endsWith('/array.js') && arrayJs) return void res.writeHead(200, { 'content-type': 'application/javascript' }).end(arrayJs);
      if (path.startsWith('/flags') || path.startsWith('/decide')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"featureFlags":{},"flags":{}}');
      return void res.writeHead(404).end();
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (path.startsWith('/flags') || path.startsWith('/decide')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"featureFlags":{},"flags":{}}');
      try {
        receive(req, res, Buffer.concat(chunks));
      } catch (error) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4400, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    events: () => [...events],
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
