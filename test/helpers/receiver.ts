import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { decodePostHogBody } from '../../src/node/posthog-wire';

export interface ReceivedRequest {
  path: string;
  method: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  at: number;
}

/**
 * Returns a status code to answer with, or undefined to answer normally. `{ answerAfterMs }`: a slow
 * server, which takes the request in at once (its events count as received) and answers 200 late.
 */
export type Fault = (
  request: ReceivedRequest,
  index: number,
) => number | 'hang' | 'destroy' | { status: number; headers: Record<string, string> } | { answerAfterMs: number } | undefined;

export interface Receiver {
  url: string;
  port: number;
  /** Decoded PostHog events, in arrival order. */
  events: Record<string, any>[];
  /** Webhook bodies, parsed. */
  webhookBatches: { events: Record<string, any>[]; headers: IncomingMessage['headers']; raw: string }[];
  webhookEvents(): Record<string, any>[];
  requests: ReceivedRequest[];
  setFault(fault: Fault | undefined): void;
  /** Serves a static file (a test page, a bundle) at `path`; with `gate`, each answer waits for it (a slow network the test controls). */
  serve(path: string, contentType: string, body: string | Buffer, gate?: () => Promise<unknown>): void;
  waitFor(predicate: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

const requireHere = createRequire(import.meta.url);

/**
 * A real HTTP receiver on 127.0.0.1 for tests: PostHog capture endpoints (decoded as PostHog's
 * server would), `/webhook`, CORS preflight, and posthog-js's `array.js` for the snippet.
 */
export async function startReceiver(options: { port?: number } = {}): Promise<Receiver> {
  const events: Record<string, any>[] = [];
  const webhookBatches: Receiver['webhookBatches'] = [];
  const requests: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const lateAnswers = new Set<ReturnType<typeof setTimeout>>();
  let fault: Fault | undefined;
  const statics = new Map<string, { contentType: string; body: string | Buffer; gate?: () => Promise<unknown> }>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const request: ReceivedRequest = { path, method: req.method ?? 'GET', headers: req.headers, body: Buffer.concat(chunks), at: Date.now() };
      res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? '*');
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      if (request.method === 'OPTIONS') return void res.writeHead(204).end();
      const file = statics.get(path);
      if (file && request.method === 'GET') {
        const answer = () => void res.writeHead(200, { 'content-type': file.contentType }).end(file.body);
        return void (file.gate ? file.gate().then(answer, () => res.destroy()) : answer());
      }
      if (path.endsWith('/array.js') || path.endsWith('/array.full.js')) {
        const file = requireHere.resolve('posthog-js/dist/array.js');
        return void res.writeHead(200, { 'content-type': 'application/javascript' }).end(readFileSync(file));
      }
      if (path.startsWith('/flags') || path.startsWith('/decide')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"featureFlags":{},"flags":{}}');
      if (request.method !== 'POST') return void res.writeHead(200).end('ok');
      const index = requests.push(request) - 1;
      const injected = fault?.(request, index);
      if (injected === 'hang') return void hanging.add(res);
      if (injected === 'destroy') return void req.socket.destroy();
      if (typeof injected === 'number') return void res.writeHead(injected).end();
      if (injected && 'status' in injected) return void res.writeHead(injected.status, injected.headers).end();
      try {
        if (path.startsWith('/webhook')) {
          const raw = request.body.toString('utf8');
          webhookBatches.push({ ...JSON.parse(raw), headers: req.headers, raw });
        } else {
          events.push(...decodePostHogBody(request.body, req.headers['content-type'], req.url));
        }
        const answer = () => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":1}');
        if (!injected) return answer();
        const timer = setTimeout(() => {
          lateAnswers.delete(timer);
          answer();
        }, injected.answerAfterMs);
        lateAnswers.add(timer);
      } catch (error) {
        res.writeHead(400).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    events,
    webhookBatches,
    webhookEvents: () => webhookBatches.flatMap((batch) => batch.events),
    requests,
    setFault: (next) => {
      fault = next;
    },
    serve: (path, contentType, body, gate) => void statics.set(path, { contentType, body, gate }),
    async waitFor(predicate, timeoutMs = 10_000, what = 'condition') {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        for (const timer of lateAnswers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
