import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { renderSnippets } from '../../src/core/snippets';
import { useBrowserAndReceiver } from '../helpers/browser-env';
import { hasChromium } from '../helpers/chromium';

const env = useBrowserAndReceiver();

describe.skipIf(!hasChromium)('browser tracker in a real Chromium, posthog-js from the snippet', () => {
  it('delivers through the real posthog-js with redacted PII and the same uuid, and calls gtag', async () => {
    const bundle = await build({ entryPoints: ['test/e2e/fixtures/page-entry.ts'], bundle: true, format: 'iife', platform: 'browser', write: false, minify: true });
    env.receiver.serve('/app.js', 'application/javascript', bundle.outputFiles[0].text);
    const snippets = renderSnippets({
      posthog: {
        apiKey: 'phc_e2e',
        host: env.receiver.url,
        capturePageview: true,
        options: { opt_out_useragent_filter: true, request_batching: false, disable_session_recording: true, advanced_disable_flags: true },
      },
      ga4: { measurementId: 'G-E2ETEST1', consent: 'granted' },
      nonce: 'bm9uY2U',
    });
    env.receiver.serve('/', 'text/html', `<!doctype html><html><head>${snippets}</head><body><h1>shop</h1><script src="/app.js"></script></body></html>`);
    const page = await env.browser.newPage();
    // The page's own URL carries an e-mail: posthog-js records it in $current_url by itself.
    await page.goto(`${env.receiver.url}/?email=jane%40example.com&utm_source=ads`);
    await page.waitForFunction(() => window.trackplanDone !== undefined, null, { timeout: 15_000 });
    const uuid = (tail: string) => `01930000-0000-7000-8000-0000000000${tail}`;
    await env.receiver.waitFor(() => ['e1', 'e2', 'e3'].every((t) => env.receiver.events.some((e) => e.uuid === uuid(t))), 15_000, 'the three tracked events');
    await env.receiver.waitFor(() => env.receiver.events.some((e) => e.event === '$pageview'), 15_000, 'the $pageview');

    const byUuid = (tail: string) => env.receiver.events.find((e) => e.uuid === uuid(tail))!;
    expect(byUuid('e1')).toMatchObject({ event: 'checkout.start', properties: { order_id: 'ord_e2e', tier: 'pro', subtotal: 42, country: 'US' } });
    expect(byUuid('e2').properties).toMatchObject({ $revenue: 49.99, currency: 'USD' });
    expect(byUuid('e3').properties).toMatchObject({ topic: 'please call [redacted:phone]', note: '[redacted:email]' });
    for (const e of env.receiver.events) expect(e.properties).not.toHaveProperty('$trackplan_uuid');
    const pageview = env.receiver.events.find((e) => e.event === '$pageview')!;
    expect(pageview.properties.$current_url).toContain('email=%5Bredacted%3Asensitive_key%5D');
    expect(pageview.properties.$current_url).toContain('utm_source=ads');
    expect(JSON.stringify(env.receiver.events)).not.toContain('jane');
    expect(JSON.stringify(env.receiver.events)).not.toContain('555-0100');

    const dataLayer = await page.evaluate(() => ((window as unknown as { dataLayer: IArguments[] }).dataLayer ?? []).map((entry) => Array.from(entry)));
    expect(dataLayer[0]).toEqual(['consent', 'default', { ad_storage: 'granted', analytics_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' }]);
    const ga4Events = dataLayer.filter((entry) => entry[0] === 'event');
    expect(ga4Events.map((entry) => entry[1])).toEqual(['checkout_start', 'support_contacted']);
    expect(ga4Events[0][2]).toMatchObject({ event_id: uuid('e1') });
    await page.close();
  });
});
