import { describe, expect, it } from 'vitest';
import { TrackplanConfigError } from '../../src/core/errors';
import { createReportsHandler, funnel, metric, overview, projection, timeseries } from '../../src/reports/index';
import { freshTable, outboxDrivers, useOutboxSuite } from '../helpers/outbox-drivers';
import { esimReports } from './reports-catalog';
import { generateEvents, insertEvents } from './seeded-events';

const END = new Date('2026-03-31T18:00:00Z');
const events = generateEvents(3000, 45, END);
const from = '2026-03-01T00:00:00.000Z';
const to = '2026-03-31T23:59:59.999Z';

describe('createReportsHandler() configuration', () => {
  it('requires authorize: no anonymous default', () => {
    expect(() => createReportsHandler({ db: { query: async () => ({ rows: [] }) }, catalog: esimReports } as never)).toThrow(TrackplanConfigError);
    expect(() => createReportsHandler({ db: { query: async () => ({ rows: [] }) }, catalog: esimReports } as never)).toThrow(/needs authorize\(request\)/);
    expect(() => createReportsHandler({ db: { query: async () => ({ rows: [] }) }, catalog: esimReports, authorize: () => true })).not.toThrow();
  });
});

describe.each(outboxDrivers())('createReportsHandler() on %s', (_name, open) => {
  const suite = useOutboxSuite(open);
  const table = freshTable();
  let seeded = false;
  async function handler(authorize: (request: Request) => unknown = () => true) {
    if (!seeded) await insertEvents(suite.driver.db, table, events);
    seeded = true;
    return createReportsHandler({ db: suite.driver.db, catalog: esimReports, table, authorize: authorize as never });
  }
  const get = async (path: string, authorize?: (request: Request) => unknown) => {
    const response = await (await handler(authorize))(new Request(`http://app.test/admin/analytics${path}`));
    return { status: response.status, body: await response.json() };
  };
  const db = () => suite.driver.db;

  it('serves each report as the function computes it, with the eSIM query parameters', async () => {
    const range = `start_date=${from}&end_date=${to}`;
    const ts = await get(`/timeseries?${range}&event_types=user_signup&event_types[]=payment_succeeded&organization_id=org_a`);
    expect(ts.status).toBe(200);
    expect(ts.body).toEqual(await timeseries(db(), { from, to, events: ['user_signup', 'payment_succeeded'], organizationId: 'org_a', catalog: esimReports, table }));
    const ov = await get(`/overview?${range}&top_property=plan_id&top_by=revenue`);
    expect(ov.body).toEqual(JSON.parse(JSON.stringify(await overview(db(), { from, to, funnel: esimReports.funnels.purchase, top: { property: 'plan_id', by: 'revenue' }, catalog: esimReports, table }))));
    expect(ov.body.funnel.steps.map((s: { event: string }) => s.event)).toEqual(['user_signup', 'checkout_started', 'payment_succeeded', 'esim_activated']);
    const fn = await get(`/funnels/purchase?${range}&organization_id=org_b`);
    expect(fn.body).toEqual(JSON.parse(JSON.stringify(await funnel(db(), esimReports.funnels.purchase, { from, to, organizationId: 'org_b', table }))));
    const mt = await get(`/metrics/revenue?${range}`);
    expect(mt.body).toEqual(JSON.parse(JSON.stringify(await metric(db(), esimReports.metrics.revenue, { from, to, table }))));
    const pj = await get(`/projections?series=revenue&series=user_signup&window_days=7&horizon_days=3&end_date=${END.toISOString()}`);
    expect(pj.body).toEqual({
      windowDays: 7,
      horizonDays: 3,
      projections: [
        await projection(db(), { series: esimReports.metrics.revenue, windowDays: 7, horizonDays: 3, to: END, table }),
        await projection(db(), { series: 'user_signup', windowDays: 7, horizonDays: 3, to: END, table }),
      ],
    });
    // Defaults: window 14, horizon 7, the revenue series and the funnel's first event.
    const defaults = await get(`/projections?end_date=${END.toISOString()}`);
    expect(defaults.body).toMatchObject({ windowDays: 14, horizonDays: 7, projections: [{ series: 'revenue' }, { series: 'user_signup' }] });
    const orgs = await get('/organizations');
    expect(orgs.body).toEqual({ organizations: ['org_a', 'org_b', 'org_c'] });
    const info = await get('/catalog');
    expect(info.body).toMatchObject({ name: 'esim', funnels: [{ name: 'purchase' }], series: expect.arrayContaining(['revenue', 'user_signup']), revenueInMinorUnits: true });
    expect(info.body.properties[0]).toBe('plan_id');
  });

  it('clamps a range over 365 days and says so', async () => {
    const ts = await get(`/timeseries?start_date=2020-01-01&end_date=${to}`);
    expect(ts.status).toBe(200);
    expect(ts.body.range.clamped).toBe(true);
    expect(ts.body.days).toHaveLength(366);
  });

  it('answers 400 with a message for bad parameters, 404 for unknown reports', async () => {
    const cases: [string, number, RegExp][] = [
      ['/timeseries?start_date=yesterday', 400, /start_date must be an ISO 8601 date/],
      ['/timeseries?start_date=2026-03-10&end_date=2026-03-01', 400, /is after to/],
      ['/timeseries?event_types=nope', 400, /"nope" is not in the catalog "esim"/],
      ['/projections?window_days=2', 400, /windowDays must be a whole number from 3 to 90/],
      ['/projections?window_days=91', 400, /from 3 to 90/],
      ['/projections?horizon_days=31', 400, /horizonDays must be a whole number from 1 to 30/],
      ['/projections?horizon_days=0', 400, /horizonDays/],
      ['/projections?window_days=seven', 400, /window_days must be a whole number/],
      ['/projections?series=time_to_payment', 400, /time_to_first metric; projections follow revenueSeries/],
      ['/projections?series=nothing', 400, /neither a metric nor an event/],
      ['/overview?funnel=nope', 400, /funnel "nope" is not declared \(declared: purchase\)/],
      ['/overview?top_property=plan_id&top_by=size', 400, /top_by must be revenue or count/],
      ['/funnels/nope', 404, /no funnel "nope"/],
      ['/metrics/nope', 404, /no metric "nope"/],
      ['/elsewhere', 404, /no report/],
    ];
    for (const [path, status, message] of cases) {
      const answer = await get(path);
      expect([path, answer.status]).toEqual([path, status]);
      expect(answer.body.error).toMatch(message);
      expect(answer.body.error).toMatch(/^\[trackplan\] \[reports\]/);
    }
    // The bounds themselves pass.
    expect((await get(`/projections?window_days=3&horizon_days=30&end_date=${END.toISOString()}`)).status).toBe(200);
    expect((await get(`/projections?window_days=90&horizon_days=1`)).status).toBe(200);
  });

  it('asks authorize first: 403 or 401 when it refuses, its own Response as it is, nothing read', async () => {
    const seen: string[] = [];
    const refuse = (answer: unknown) => (request: Request) => {
      seen.push(new URL(request.url).pathname);
      return answer;
    };
    expect(await get('/overview', refuse(false))).toMatchObject({ status: 403, body: { error: expect.stringMatching(/not allowed/) } });
    expect(await get('/overview', refuse(401))).toMatchObject({ status: 401, body: { error: expect.stringMatching(/sign in/) } });
    expect(await get('/overview', refuse(Promise.resolve(403)))).toMatchObject({ status: 403 });
    const own = await (await handler(() => new Response('{"error":"login"}', { status: 401, headers: { 'www-authenticate': 'Bearer' } })))(new Request('http://app.test/overview'));
    expect([own.status, own.headers.get('www-authenticate')]).toEqual([401, 'Bearer']);
    expect((await get('/overview', () => { throw new Error('session store down'); })).status).toBe(500);
    // A truthy value that is not `true` does not let a request through.
    expect((await get('/overview', refuse('yes'))).status).toBe(403);
    expect(seen).toEqual(['/admin/analytics/overview', '/admin/analytics/overview', '/admin/analytics/overview', '/admin/analytics/overview']);
    expect((await get('/timeseries', () => true)).status).toBe(200);
  });
});
