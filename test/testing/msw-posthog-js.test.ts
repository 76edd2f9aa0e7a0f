// @vitest-environment happy-dom
import { setupServer } from 'msw/node';
import posthog from 'posthog-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBooks, createTestTracker, posthogHandlers } from '../../src/testing/index';
import { createTracker } from '../../src/browser/index';
import { catalog } from '../fixtures/storefront-catalog';

const host = 'https://ph-js.msw.test';
const ph = posthogHandlers({ host, catalog });
const server = setupServer(...ph.handlers);
const requested: string[] = [];

beforeAll(() => {
  server.events.on('request:start', ({ request }) => void requested.push(`${request.method} ${request.url}`));
  server.listen({ onUnhandledRequest: 'error' });
});
afterAll(() => server.close());

describe('posthogHandlers with the real posthog-js (happy-dom)', () => {
  it('decodes what posthog-js sends for the browser tracker, typed by the catalog', async () => {
    posthog.init('phc_msw_js', { api_host: host, autocapture: false, capture_pageview: false, disable_session_recording: true, request_batching: false, opt_out_useragent_filter: true, disable_external_dependency_loading: true });
    const tracker = createTracker(catalog, { posthog: { client: posthog } });
    tracker.track('signup_page_viewed', { referrer: 'pricing' });
    tracker.identify('user_js', { role: 'member' });
    await tracker.flush();
    await ph.waitFor((events) => events.some((e) => e.event === 'signup_page_viewed') && events.some((e) => e.event === '$identify'));
    const [viewed] = ph.eventsNamed('signup_page_viewed');
    const referrer: string | undefined = viewed.properties.referrer;
    expect(referrer).toBe('pricing');
    expect(viewed.properties).toMatchObject({ $lib: 'web', token: 'phc_msw_js' });
    expect(ph.rejected).toEqual([]);
    assertBooks(tracker);
    // What posthog-js really sent: gzip bodies (no content type saying so) the handler decoded; and the
    // page's CORS preflights, answered so that happy-dom lets posthog-js read the answers.
    const captures = ph.requests.filter((r) => new URL(r.url).pathname === '/e/');
    expect(captures.length).toBeGreaterThan(0);
    for (const capture of captures) expect([capture.body[0], capture.body[1]]).toEqual([0x1f, 0x8b]);
    expect(requested).toContain(`OPTIONS ${host}/e/`);
  });
});
