import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TrackplanConfigError } from '../core/errors';
import { foreignHostReason, isOwnOrigin } from '../node/loopback-access';
import type { RuntimeCatalog } from '../core/types';
import { dashboardScript } from './dashboard-assets';
import { DASHBOARD_PAGE } from './dashboard-page';
import { createReportsHandler } from './handler';

export interface DashboardOptions {
  /** A pg Pool or Client, or a PGlite instance. */
  db: unknown;
  catalog: RuntimeCatalog;
  /** Port on 127.0.0.1; 0 picks a free one. @default 4500 */
  port?: number;
  /** @default 'domain_event' */
  table?: string;
  /** Failures on our side while answering (a report's query failing, say). */
  onError?: (error: unknown) => void;
}

export interface Dashboard {
  url: string;
  close(): Promise<void>;
}

export const DASHBOARD_DEFAULT_PORT = 4500;

// Nothing but the page's own server: scripts, styles, fetches and images from 'self' only.
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * Who may read the dashboard listening on 127.0.0.1:`port`: the Host must be its own loopback
 * address (a DNS-rebound name is refused) and a request from a page must come from its own origin.
 * No CORS headers: other sites' pages cannot read the reports.
 */
export function dashboardAccess(port: number, headers: IncomingMessage['headers']): string | undefined {
  const foreign = foreignHostReason(port, headers, 'dashboard');
  if (foreign) return foreign;
  const origin = headers.origin;
  if (!isOwnOrigin(port, origin)) return `origin ${JSON.stringify(origin)} may not read this dashboard`;
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `a ${site} request may not read this dashboard`;
  return undefined;
}

/**
 * The reports dashboard on 127.0.0.1, as the inspector is served: the page (chart.js bundled at
 * build time), its script, and the reports handler under `/api/`. Only its own loopback Host and
 * origin are served, which is what authorizes the reports.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  if (!options || typeof options !== 'object') throw new TrackplanConfigError('[trackplan] [dashboard] startDashboard needs { db, catalog }.');
  const requested = options.port ?? DASHBOARD_DEFAULT_PORT;
  if (!Number.isInteger(requested) || requested < 0 || requested > 65535) throw new TrackplanConfigError(`[trackplan] [dashboard] port must be an integer from 0 to 65535 (got ${JSON.stringify(options.port)}).`);
  const script = dashboardScript();
  // The server's own Host and origin checks are the authorization: they run before the handler.
  const reports = createReportsHandler({ db: options.db, catalog: options.catalog, table: options.table, authorize: () => true, onError: options.onError });
  let port = requested;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const refused = dashboardAccess(port, req.headers);
    if (refused) return void res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `[trackplan] [dashboard] ${refused}` }));
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') return void res.writeHead(200, PAGE_HEADERS).end(DASHBOARD_PAGE);
    if (path === '/app.js') return void res.writeHead(200, { 'content-type': 'application/javascript; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' }).end(script);
    if (!path.startsWith('/api/')) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    const answer = await reports(new Request(`http://127.0.0.1:${port}${req.url}`, { method: req.method, headers: { accept: 'application/json' } }));
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    res.end(Buffer.from(await answer.arrayBuffer()));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.onError?.(error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: '[trackplan] [dashboard] the request failed on the server' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(requested, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
