import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { activation, defineCatalog, defineEvent, defineFunnel, retention, revenueSeries, timeToFirst, timeToNth, TrackplanConfigError } from '../../src/index';

const events = {
  user_login_succeeded: defineEvent({ description: 'Login', properties: z.object({ is_first_login: z.boolean() }) }),
  recipe_created: defineEvent({ description: 'Recipe' }),
  batch_started: defineEvent({ description: 'Batch' }),
  order_paid: defineEvent({ description: 'Paid', properties: z.object({ amount: z.number(), currency: z.string() }), revenue: { amount: 'amount', currency: 'currency' } }),
};

// Run-time checks: a catalog loaded from plain JS (or cast) is held to the same rules as the types.
const build = (extra: Record<string, unknown>) => () => defineCatalog({ name: 'c', version: 1, events, ...(extra as {}) });

describe('funnels and metrics in defineCatalog', () => {
  it('compiles funnels and metrics to plain specs with PostHog defaults', () => {
    const catalog = defineCatalog({
      name: 'c',
      version: 1,
      events,
      funnels: {
        first_value: defineFunnel({ description: 'First login to batch', steps: [{ event: 'user_login_succeeded', where: { is_first_login: true } }, 'recipe_created', 'batch_started'], window: '7d' }),
        loose: defineFunnel({ description: 'Recipe to batch', steps: ['recipe_created', 'batch_started'] }),
      },
      metrics: {
        ttfv: timeToFirst('batch_started', { from: 'user_login_succeeded' }),
        second: timeToNth('recipe_created', 2, { from: 'user_login_succeeded', within: '30d' }),
        act: activation({ from: 'user_login_succeeded', all: ['recipe_created', 'batch_started'], within: '7d' }),
        week1: retention({ start: 'user_login_succeeded', return: 'batch_started', period: 'week', mode: 'recurring' }),
        revenue: revenueSeries(),
      },
    });
    expect(catalog.funnels.first_value).toEqual({
      kind: 'funnel', name: 'first_value', description: 'First login to batch',
      steps: [{ event: 'user_login_succeeded', where: { is_first_login: true } }, { event: 'recipe_created' }, { event: 'batch_started' }],
      window: '7d', windowSeconds: 604800, by: 'user', order: 'ordered',
    });
    expect(catalog.funnels.loose).toMatchObject({ window: '14d', windowSeconds: 14 * 86400, by: 'user', order: 'ordered' });
    expect(catalog.metrics.ttfv).toMatchObject({ kind: 'time_to_first', name: 'ttfv', event: { event: 'batch_started' }, from: { event: 'user_login_succeeded' }, withinSeconds: null, by: 'user' });
    expect(catalog.metrics.second).toMatchObject({ kind: 'time_to_nth', n: 2, withinSeconds: 30 * 86400 });
    expect(catalog.metrics.act).toMatchObject({ kind: 'activation', all: [{ event: 'recipe_created' }, { event: 'batch_started' }], withinSeconds: 604800 });
    expect(catalog.metrics.week1).toMatchObject({ kind: 'retention', period: 'week', periodSeconds: 604800, mode: 'recurring' });
    expect(catalog.metrics.revenue).toMatchObject({ kind: 'revenue', events: [{ event: 'order_paid', amount: 'amount', currency: 'currency' }] });
    expect(JSON.parse(JSON.stringify(catalog.funnels))).toEqual(catalog.funnels);
    expect(defineCatalog({ name: 'c', version: 1, events }).funnels).toEqual({});
  });

  it.each([
    ['an unknown step event', { funnels: { f: { description: 'x', steps: ['user_login_succeeded', 'nope'] } } }, /step 2: "nope" is not an event/],
    ['an unknown where property', { funnels: { f: { description: 'x', steps: [{ event: 'user_login_succeeded', where: { first: true } }, 'batch_started'] } } }, /does not declare/],
    ['a where value of the wrong type', { funnels: { f: { description: 'x', steps: [{ event: 'user_login_succeeded', where: { is_first_login: 'yes' } }, 'batch_started'] } } }, /is not a value/],
    ['one step', { funnels: { f: { description: 'x', steps: ['batch_started'] } } }, /at least 2 steps/],
    ['a bad window', { funnels: { f: { description: 'x', steps: ['recipe_created', 'batch_started'], window: '7 days' } } }, /window: a duration/],
    ['a bad order', { funnels: { f: { description: 'x', steps: ['recipe_created', 'batch_started'], order: 'any' } } }, /order must be/],
    ['no description', { funnels: { f: { steps: ['recipe_created', 'batch_started'] } } }, /add a description/],
    ['an unknown metric event', { metrics: { m: timeToFirst('nope', { from: 'user_login_succeeded' }) } }, /event: "nope" is not an event/],
    ['n below 1', { metrics: { m: timeToNth('recipe_created', 0, { from: 'user_login_succeeded' }) } }, /n must be/],
    ['activation without events', { metrics: { m: { kind: 'activation', from: 'user_login_succeeded', all: [], within: '7d' } } }, /all must list/],
    ['a bad retention period', { metrics: { m: { kind: 'retention', start: 'user_login_succeeded', return: 'batch_started', period: 'month' } } }, /period must be/],
    ['an unknown metric kind', { metrics: { m: { kind: 'sum' } } }, /unknown metric kind/],
  ])('throws TrackplanConfigError on %s', (_label, extra, message) => {
    expect(build(extra)).toThrow(TrackplanConfigError);
    expect(build(extra)).toThrow(message);
  });

  it('refuses revenueSeries() in a catalog without revenue events', () => {
    expect(() => defineCatalog({ name: 'c', version: 1, events: { batch_started: events.batch_started }, metrics: { revenue: revenueSeries() } })).toThrow(/declares revenue/);
  });
});

describe('trackplan check and docs: funnels and metrics', async () => {
  const { checkCatalog } = await import('../../src/cli/check');
  const { catalogJson } = await import('../../src/cli/json-schema-export');
  const { generateDocs } = await import('../../src/cli/docs');
  const catalog = defineCatalog({
    name: 'c',
    version: 1,
    events,
    funnels: { f: defineFunnel({ description: 'Login to batch', steps: [{ event: 'user_login_succeeded', where: { is_first_login: true } }, 'batch_started'], by: 'organization' }) },
    metrics: { ttfv: timeToFirst('batch_started', { from: 'user_login_succeeded' }) },
  });
  const plan = catalogJson(catalog as never);

  it('leaves a sound declaration alone, and catches unknown events, properties and a missing organization', () => {
    const rules = checkCatalog(plan).filter((f) => f.rule.startsWith('reports/'));
    expect(rules.map((f) => f.rule)).toEqual(['reports/no-organization']);
    const broken = structuredClone(plan);
    broken.funnels!.f.steps[1] = { event: 'batch_finished' };
    broken.funnels!.f.steps[0].where = { first: true };
    broken.funnels!.f.by = 'user';
    expect(checkCatalog(broken).filter((f) => f.rule.startsWith('reports/')).map((f) => [f.rule, f.event, f.property])).toEqual([
      ['reports/unknown-property', 'user_login_succeeded', 'first'],
      ['reports/unknown-event', 'batch_finished', undefined],
    ]);
  });

  it('docs list each funnel and metric with the events it counts', () => {
    const docs = generateDocs(plan, '');
    expect(docs).toContain('| `f` | Login to batch | 1. `user_login_succeeded` where `is_first_login` = `true`<br>2. `batch_started` | 14d | organization | ordered |');
    expect(docs).toContain('| `ttfv` | time_to_first | Time from the first user_login_succeeded to the first batch_started after it. | `user_login_succeeded`, `batch_started` | user |');
  });
});
