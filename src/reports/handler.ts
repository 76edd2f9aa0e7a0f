import { TrackplanConfigError, isTrackplanError } from '../core/errors';
import type { RuntimeCatalog } from '../core/types';
import { catalogInfo } from './catalog-info';
import { reportClient, reportTable } from './db';
import { funnel } from './funnel';
import { metric } from './metric';
import { overview } from './overview';
import { projection } from './projection';
import { DEFAULT_RANGE_DAYS, toDate } from './range';
import { timeseries } from './timeseries';
import { organizations } from './organizations';

/** What `authorize` may answer: allow (`true`), refuse (`false` = 403, or 401/403), or a Response of your own. */
export type AuthorizeResult = boolean | 401 | 403 | Response;

export interface ReportsHandlerOptions {
  /** A pg Pool or Client, or a PGlite instance. */
  db: unknown;
  /** The catalog: its funnels, metrics and revenue events. */
  catalog: RuntimeCatalog;
  /**
   * Decides every request before anything is read: there is no anonymous default. `true` lets it
   * through; `false` answers 403, `401`/`403` that status, a Response is sent as it is.
   */
  authorize: (request: Request) => AuthorizeResult | Promise<AuthorizeResult>;
  /** @default 'domain_event' */
  table?: string;
  /** eSIM's `ANALYTICS_PROJECTION_WINDOW_DAYS` / `_HORIZON_DAYS` defaults. @default { windowDays: 14, horizonDays: 7 } */
  defaults?: { windowDays?: number; horizonDays?: number };
  /** Called with failures on our side (answered 500 without details). */
  onError?: (error: unknown) => void;
}

class BadRequest extends Error {}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: JSON_HEADERS });

/**
 * The reports as a Web-standard handler, `(Request) => Promise<Response>` (Next.js route handlers,
 * Hono, or Express through an adapter). GET `/overview`, `/timeseries`, `/projections`,
 * `/funnels/:name`, `/metrics/:name` (and `/catalog`, `/organizations` for dashboards), matched on
 * the end of the path so it can be mounted under any prefix. Query parameters are the eSIM
 * endpoints': `start_date`, `end_date` (ISO 8601), `event_types` (repeated), `organization_id`,
 * `window_days`, `horizon_days`, `series`, `funnel`, `top_property`, `top_by`, `top_limit`.
 */
export function createReportsHandler(options: ReportsHandlerOptions): (request: Request) => Promise<Response> {
  if (!options || typeof options !== 'object') throw new TrackplanConfigError('[trackplan] [reports] createReportsHandler needs { db, catalog, authorize }.');
  if (typeof options.authorize !== 'function')
    throw new TrackplanConfigError('[trackplan] [reports] createReportsHandler needs authorize(request): reports are not served to anyone who asks. Return true to allow, false (403) or 401 to refuse.');
  if (!options.catalog || typeof options.catalog.events !== 'object') throw new TrackplanConfigError('[trackplan] [reports] createReportsHandler needs the catalog (from defineCatalog()).');
  reportClient(options.db);
  reportTable(options.table);
  const { db, catalog, table } = options;
  const windowDefault = options.defaults?.windowDays ?? 14;
  const horizonDefault = options.defaults?.horizonDays ?? 7;
  const info = catalogInfo(catalog);

  async function route(path: string, query: URLSearchParams): Promise<unknown> {
    const scope = () => ({ ...rangeOf(query), organizationId: query.get('organization_id') || undefined, table });
    const events = () => eventTypes(query, catalog);
    let match: RegExpExecArray | null;
    if (/\/catalog$/.test(path)) return info;
    if (/\/organizations$/.test(path)) return { organizations: await organizations(db, { table }) };
    if (/\/timeseries$/.test(path)) return timeseries(db, { ...scope(), events: events(), bucket: 'day', catalog });
    if (/\/overview$/.test(path)) {
      const funnelName = query.get('funnel');
      const funnel = funnelName ? catalog.funnels?.[funnelName] : Object.values(catalog.funnels ?? {})[0];
      if (funnelName && !funnel) throw new BadRequest(`funnel "${funnelName}" is not declared (declared: ${Object.keys(catalog.funnels ?? {}).join(', ') || 'none'})`);
      const property = query.get('top_property');
      const by = query.get('top_by') ?? 'revenue';
      if (by !== 'revenue' && by !== 'count') throw new BadRequest(`top_by must be revenue or count (got ${JSON.stringify(by)})`);
      const top = property ? { property, by: by as 'revenue' | 'count', limit: integer(query, 'top_limit', 10) } : undefined;
      return overview(db, { ...scope(), events: events(), funnel, top, catalog });
    }
    if (/\/projections$/.test(path)) {
      const windowDays = integer(query, 'window_days', windowDefault);
      const horizonDays = integer(query, 'horizon_days', horizonDefault);
      const names = query.getAll('series').length ? query.getAll('series') : defaultSeries();
      const to = query.get('end_date') ? toDate(query.get('end_date')!, 'end_date') : undefined;
      const projections = [];
      for (const name of names) {
        const metric = catalog.metrics?.[name];
        if (metric && metric.kind !== 'revenue') throw new BadRequest(`series "${name}" is a ${metric.kind} metric; projections follow revenueSeries() metrics and event names`);
        if (!metric && !catalog.events[name]) throw new BadRequest(`series "${name}" is neither a metric nor an event of the catalog "${catalog.name}"`);
        projections.push(await projection(db, { series: metric ?? name, windowDays, horizonDays, to, organizationId: scope().organizationId, table }));
      }
      return { windowDays, horizonDays, projections };
    }
    if ((match = /\/funnels\/([^/]+)$/.exec(path))) {
      const spec = catalog.funnels?.[decodeURIComponent(match[1])];
      if (!spec) return notFound(`funnel "${decodeURIComponent(match[1])}"`);
      return funnel(db, spec, withDefaultRange(scope()));
    }
    if ((match = /\/metrics\/([^/]+)$/.exec(path))) {
      const spec = catalog.metrics?.[decodeURIComponent(match[1])];
      if (!spec) return notFound(`metric "${decodeURIComponent(match[1])}"`);
      return metric(db, spec, withDefaultRange(scope()));
    }
    return notFound(`report ${JSON.stringify(path)}`);
  }

  function defaultSeries(): string[] {
    const revenue = Object.values(catalog.metrics ?? {}).filter((metric) => metric.kind === 'revenue').map((metric) => metric.name);
    const firstStep = Object.values(catalog.funnels ?? {})[0]?.steps[0]?.event;
    return [...revenue, ...(firstStep ? [firstStep] : revenue.length ? [] : Object.keys(catalog.events).slice(0, 1))];
  }

  return async function reportsHandler(request: Request): Promise<Response> {
    let allowed: AuthorizeResult;
    try {
      allowed = await options.authorize(request);
    } catch (error) {
      options.onError?.(error);
      return json(500, { error: '[trackplan] [reports] authorize() threw; the request was refused' });
    }
    if (allowed instanceof Response) return allowed;
    if (allowed !== true) return json(allowed === 401 ? 401 : 403, { error: allowed === 401 ? '[trackplan] [reports] sign in to read reports' : '[trackplan] [reports] not allowed to read reports' });
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(JSON.stringify({ error: '[trackplan] [reports] only GET' }), { status: 405, headers: { ...JSON_HEADERS, allow: 'GET, HEAD' } });
    const url = new URL(request.url);
    try {
      const body = await route(url.pathname.replace(/\/+$/, ''), url.searchParams);
      return body instanceof Response ? body : json(200, body);
    } catch (error) {
      if (error instanceof BadRequest) return json(400, { error: `[trackplan] [reports] ${error.message}` });
      if (error instanceof TrackplanConfigError) return json(400, { error: error.message });
      options.onError?.(error);
      return json(500, { error: `[trackplan] [reports] the report failed on the server${isTrackplanError(error) ? `: ${(error as Error).message}` : ''}` });
    }
  };
}

/** funnel() and metric() take an explicit range: the handler's default is the 30 days before now. */
function withDefaultRange<T extends { from?: Date; to?: Date }>(scope: T): T & { from: Date; to: Date } {
  const to = scope.to ?? new Date();
  return { ...scope, to, from: scope.from ?? new Date(to.getTime() - DEFAULT_RANGE_DAYS * 86_400_000) };
}

function notFound(what: string): Response {
  return json(404, { error: `[trackplan] [reports] no ${what} here; serve /overview, /timeseries, /projections, /funnels/:name or /metrics/:name` });
}

/** `start_date`/`end_date`, ISO 8601; left out, the range is the 30 days before now. */
function rangeOf(query: URLSearchParams): { from?: Date; to?: Date } {
  const read = (name: string) => {
    const text = query.get(name);
    if (!text) return undefined;
    const date = new Date(text);
    if (Number.isNaN(date.getTime())) throw new BadRequest(`${name} must be an ISO 8601 date or time, e.g. 2026-03-01 or 2026-03-01T00:00:00Z (got ${JSON.stringify(text)})`);
    return date;
  };
  return { from: read('start_date'), to: read('end_date') };
}

/** A whole number parameter (its bounds are the report's, which name them). */
function integer(query: URLSearchParams, name: string, fallback: number): number {
  const text = query.get(name);
  if (text === null || text === '') return fallback;
  if (!/^-?\d+$/.test(text)) throw new BadRequest(`${name} must be a whole number (got ${JSON.stringify(text)})`);
  return Number(text);
}

/** `event_types` (also `event_types[]`), repeated or comma-separated, each an event of the catalog. */
function eventTypes(query: URLSearchParams, catalog: RuntimeCatalog): string[] | undefined {
  const names = [...query.getAll('event_types'), ...query.getAll('event_types[]')].flatMap((value) => value.split(',')).map((v) => v.trim()).filter(Boolean);
  if (!names.length) return undefined;
  const unknown = names.filter((name) => !catalog.events[name]);
  if (unknown.length) throw new BadRequest(`event_types: ${unknown.map((n) => JSON.stringify(n)).join(', ')} ${unknown.length > 1 ? 'are' : 'is'} not in the catalog "${catalog.name}"`);
  return [...new Set(names)];
}
