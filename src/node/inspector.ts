import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { TrackplanConfigError } from '../core/errors';
import type { RuntimeCatalog } from '../core/types';
import { BodyTooLargeError, readBoundedBody } from './body-limit';
import { boundedJsonLog } from './bounded-log';
import { decideAccess, isFlagsPath, POSTHOG_PATHS, requestPath } from './inspector-access';
import { inspectorFlags, requestedFlagKeys, type InspectorFlag } from './inspector-flags';
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
  /** The flag values the event carries (webhook `flags`, PostHog `$feature/<key>`), or null. */
  flags: Record<string, unknown> | null;
  /** For a `$feature_flag_called` exposure: which flag and the value read. */
  exposure: { flag: string; value: unknown } | null;
  payload: unknown;
}

/** The inspector's limits when not given. */
export const INSPECTOR_DEFAULTS = {
  port: 4400,
  keep: 5000,
  keepBytes: 32 * 1024 * 1024,
  maxBodyBytes: 5 * 1024 * 1024,
  maxStreamBacklogBytes: 8 * 1024 * 1024,
} as const;

export interface InspectorOptions {
  catalogs: RuntimeCatalog[];
  /**
   * Port on 127.0.0.1; 0 picks a free one.
   * @default 4400
   */
  port?: number;
  /** Verify `X-Trackplan-Signature` on /webhook with this secret. */
  secret?: string;
  /**
   * Events kept in memory (the newest) for `events()`, `/api/events` and a page opened later.
   * @default 5000
   */
  keep?: number;
  /**
   * Bytes kept events may take (their JSON, UTF-8); past it the oldest go first. The newest event
   * is always kept.
   * @default 33554432 (32 MiB)
   */
  keepBytes?: number;
  /**
   * Largest request body, both as sent and after gzip decompression (which stops there). A larger
   * body is answered 413 and not read further; none of its events is kept.
   * @default 5242880 (5 MiB)
   */
  maxBodyBytes?: number;
  /**
   * A live page (event stream) whose unread backlog passes this many bytes is disconnected, so a
   * client that stops reading cannot hold events in memory; its EventSource reconnects and reloads.
   * @default 8388608 (8 MiB)
   */
  maxStreamBacklogBytes?: number;
  onEvent?: (event: InspectedEvent) => void;
  /**
   * Flag values `/flags` answers, over the catalogs' defaults: a variant, `true`/`false`, `null`
   * (missing), or `{ value, payload }`.
   * @default {} (every flag at its catalog default)
   */
  flags?: Record<string, InspectorFlag>;
}

export type { InspectorFlag };

export interface Inspector {
  url: string;
  /** Changes what `/flags` answers from now on (merged over earlier overrides). */
  setFlags(flags: Record<string, InspectorFlag>): void;
  /** A copy of the kept events, oldest first (bounded by `keep` and `keepBytes`). */
  events(): InspectedEvent[];
  close(): Promise<void>;
}

// Envelope fields trackplan adds to PostHog properties: not part of the event's own schema.
const ENVELOPE_KEYS = new Set(['schema_version', 'source', 'correlation_id', 'entity_type', 'entity_id', 'token', 'distinct_id']);
// How long a sender whose body was refused (413) may go on sending before its connection is closed.
const REFUSED_BODY_GRACE_MS = 2000;

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new TrackplanConfigError(`[inspector] ${name} must be a positive integer (got ${JSON.stringify(value)}).`);
  return value;
}

function validPort(port: number | undefined): number {
  if (port === undefined) return INSPECTOR_DEFAULTS.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TrackplanConfigError(`[inspector] port must be an integer from 0 to 65535 (got ${JSON.stringify(port)}).`);
  return port;
}

/** An event checked and serialised (UTF-8 JSON), not yet kept. */
interface CheckedEvent {
  entry: InspectedEvent;
  json: Buffer;
}

/**
 * A local event inspector on 127.0.0.1: receives what the real PostHog clients and the webhook
 * send, checks each event against the catalogs, and shows them live in a page (server-sent events).
 * Only its own loopback Host is served; the capture paths answer any origin, the paths that read
 * events only its own. Bodies, kept events and slow live pages are bounded in bytes.
 */
export async function startInspector(options: InspectorOptions): Promise<Inspector> {
  const keep = positiveInteger('keep', options.keep, INSPECTOR_DEFAULTS.keep);
  const keepBytes = positiveInteger('keepBytes', options.keepBytes, INSPECTOR_DEFAULTS.keepBytes);
  const maxBodyBytes = positiveInteger('maxBodyBytes', options.maxBodyBytes, INSPECTOR_DEFAULTS.maxBodyBytes);
  const maxStreamBacklogBytes = positiveInteger('maxStreamBacklogBytes', options.maxStreamBacklogBytes, INSPECTOR_DEFAULTS.maxStreamBacklogBytes);
  const requestedPort = validPort(options.port);
  const log = boundedJsonLog(keep, keepBytes);
  const flagService = inspectorFlags(options.catalogs, options.flags);
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
  let port = requestedPort;

  /** Checks one event and serialises it; throws (nothing kept) when it cannot be checked or serialised. */
  function check(...args: Parameters<typeof checkEvent>): CheckedEvent {
    try {
      return checkEvent(...args);
    } catch (error) {
      throw new Error(`[trackplan] [inspector] event ${JSON.stringify(args[1])} cannot be checked or serialised (${(error as Error).message}; nested too deeply?); nothing of this request was kept`, { cause: error });
    }
  }

  function checkEvent(destination: InspectedEvent['destination'], name: string, distinctId: string | null, uuid: string | null, properties: Record<string, unknown>, payload: unknown): CheckedEvent {
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
    // Ids follow arrival; a refused request may leave a gap.
    const exposure = name === '$feature_flag_called' && typeof properties?.$feature_flag === 'string' ? { flag: properties.$feature_flag, value: properties.$feature_flag_response ?? null } : null;
    const entry: InspectedEvent = {
      id: nextId++,
      receivedAt: new Date().toISOString(),
      destination,
      event: name,
      distinctId,
      uuid,
      catalog: catalog?.name ?? null,
      status,
      violations,
      redactions,
      flags: flagsOf(destination, properties, payload),
      exposure,
      payload,
    };
    // Serialised before anything is kept: a payload JSON cannot hold (100,000 levels deep) throws here.
    return { entry, json: Buffer.from(JSON.stringify(entry), 'utf8') };
  }

  function keepAll(checked: CheckedEvent[]) {
    for (const { entry, json } of checked) {
      log.push(json);
      broadcast(json);
      options.onEvent?.(entry);
    }
  }

  function broadcast(json: Buffer) {
    for (const stream of streams) {
      // A page that stops reading would hold every later event in memory: past the bound it is let go.
      if (stream.writableLength > maxStreamBacklogBytes) {
        streams.delete(stream);
        stream.destroy();
        continue;
      }
      stream.cork();
      stream.write('data: ');
      stream.write(json);
      stream.write('\n\n');
      stream.uncork();
    }
  }

  /** Decodes and checks every event of a request first: one that fails refuses the whole body. */
  function receive(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer) {
    const checked: CheckedEvent[] = [];
    if (path === '/webhook') {
      const text = body.toString('utf8');
      if (options.secret && !verifyWebhookSignature(text, req.headers['x-trackplan-signature'] as string | undefined, options.secret))
        return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad signature"}');
      const parsed = JSON.parse(text) as { events?: Record<string, any>[] };
      for (const e of parsed.events ?? []) checked.push(check('webhook', String(e.event_name), e.user_id ?? null, e.uuid ?? null, e.properties ?? {}, e));
    } else if (POSTHOG_PATHS.includes(path)) {
      for (const e of decodePostHogBody(body, req.headers['content-type'], req.url, maxBodyBytes)) {
        const properties = (e.properties ?? {}) as Record<string, unknown>;
        const distinct = (e.distinct_id ?? properties.distinct_id ?? null) as string | null;
        checked.push(check('posthog', String(e.event), distinct, (e.uuid as string) ?? null, properties, e));
      }
    } else return void res.writeHead(404).end();
    keepAll(checked);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":1}');
  }

  function refuse(req: IncomingMessage, res: ServerResponse, error: unknown) {
    try {
      answerRefusal(req, res, error);
    } catch {
      res.destroy();
    }
  }

  function answerRefusal(req: IncomingMessage, res: ServerResponse, error: unknown) {
    if (res.headersSent) return void res.destroy();
    if (error instanceof BodyTooLargeError) {
      res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ error: error.message }));
      // Node reads the rest of the body and throws it away, so the sender sees the 413 rather than a
      // reset connection; one still sending after a while is cut off.
      if (req.complete) return;
      const cutOff = setTimeout(() => req.socket.destroy(), REFUSED_BODY_GRACE_MS).unref();
      req.once('end', () => clearTimeout(cutOff));
      req.once('close', () => clearTimeout(cutOff));
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: message.startsWith('[trackplan]') ? message : `[trackplan] [inspector] cannot read this request: ${message}` }));
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    const path = requestPath(req.url);
    const access = decideAccess(port, path, req.headers);
    if (!access.allowed) return void res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `[trackplan] [inspector] ${access.reason}` }));
    for (const [name, value] of Object.entries(access.headers)) res.setHeader(name, value);
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (req.method === 'GET') {
      if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(INSPECTOR_PAGE);
      if (path === '/api/events') return void log.send(res).catch(() => res.destroy());
      if (path === '/api/stream') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
        res.write(': connected\n\n');
        streams.add(res);
        res.once('close', () => streams.delete(res));
        return;
      }
      if (path.endsWith('/array.js') && arrayJs) return void res.writeHead(200, { 'content-type': 'application/javascript' }).end(arrayJs);
      if (isFlagsPath(path)) return void res.writeHead(200, { 'content-type': 'application/json' }).end(flagService.answer());
      return void res.writeHead(404).end();
    }
    readBoundedBody(req, maxBodyBytes)
      .then((body) => {
        if (isFlagsPath(path)) return void res.writeHead(200, { 'content-type': 'application/json' }).end(flagService.answer(flagKeysOf(body, req)));
        receive(req, res, path, body);
      })
      .catch((error: unknown) => refuse(req, res, error));
  }

  /** The keys a flags request asks for; a body it cannot read asks for every flag. */
  function flagKeysOf(body: Buffer, req: IncomingMessage): string[] | undefined {
    try {
      return body.length ? requestedFlagKeys(decodePostHogBody(body, req.headers['content-type'], req.url, maxBodyBytes)[0]) : undefined;
    } catch {
      return undefined;
    }
  }

  // No request may end the process: whatever a handler throws becomes that request's answer.
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      refuse(req, res, error);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(requestedPort, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    setFlags: (flags) => flagService.set(flags),
    events: () => JSON.parse(log.toJsonArray()) as InspectedEvent[],
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The flag values an event carries: the webhook envelope's `flags`, or PostHog's `$feature/<key>` properties. */
function flagsOf(destination: InspectedEvent['destination'], properties: Record<string, unknown> | undefined, payload: unknown): Record<string, unknown> | null {
  if (destination === 'webhook') {
    const flags = (payload as { flags?: unknown } | null)?.flags;
    return flags && typeof flags === 'object' && !Array.isArray(flags) ? (flags as Record<string, unknown>) : null;
  }
  let flags: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(properties ?? {})) if (key.startsWith('$feature/')) (flags ??= {})[key.slice('$feature/'.length)] = value;
  return flags;
}
