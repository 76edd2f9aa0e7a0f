import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { createTracker as createNodeTracker, startInspector } from '../../src/node/index';
import { catalog } from '../fixtures/flags-catalog';
import { useBrowserAndReceiver } from '../helpers/browser-env';
import { hasChromium } from '../helpers/chromium';

const env = useBrowserAndReceiver();
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

describe.skipIf(!hasChromium)('browser flags in a real Chromium: the server variant before first paint', () => {
  it('renders the bootstrapped variant and payload synchronously: the DOM at DOMContentLoaded shows them, no flicker', async () => {
    // The server side: the real posthog-node, asking the inspector, as an SSR handler would.
    const inspector = await startInspector({ catalogs: [catalog], port: 0, flags: { 'new-onboarding': { value: 'test', payload: { layout: 'wide' } } } });
    closers.push(() => inspector.close());
    const server = createNodeTracker(catalog, { posthog: { apiKey: 'phc_e2e', host: inspector.url } });
    closers.push(() => server.shutdown(1000));
    const bootstrap = (await server.flags.evaluate('user_e2e')).bootstrap();
    expect(bootstrap.featureFlags).toEqual({ 'new-onboarding': 'test', 'beta-export': false });

    const bundle = await build({ entryPoints: ['test/e2e/fixtures/flags-page.ts'], bundle: true, format: 'iife', platform: 'browser', write: false, minify: true });
    env.receiver.serve('/flags-app.js', 'application/javascript', bundle.outputFiles[0].text);
    const json = JSON.stringify(bootstrap).replace(/</g, '\\u003c');
    env.receiver.serve(
      '/flags',
      'text/html',
      `<!doctype html><html><head><script type="application/json" id="trackplan-flags">${json}</script></head><body>` +
        `<p id="onboarding">loading</p><p id="layout">loading</p><p id="export">loading</p><script src="/flags-app.js"></script></body></html>`,
    );
    const page = await env.browser.newPage();
    // What the page shows when its HTML is parsed, before anything async (posthog-js, fetch) ran.
    await page.addInitScript(() => {
      document.addEventListener('DOMContentLoaded', () => {
        const text = (id: string) => document.getElementById(id)?.textContent;
        (window as unknown as { atDomContentLoaded: unknown }).atDomContentLoaded = { onboarding: text('onboarding'), layout: text('layout'), export: text('export') };
      });
    });
    await page.goto(`${env.receiver.url}/flags`);
    await page.waitForFunction(() => (window as unknown as { atDomContentLoaded?: unknown }).atDomContentLoaded !== undefined, null, { timeout: 15_000 });
    expect(await page.evaluate(() => (window as unknown as { atDomContentLoaded: unknown }).atDomContentLoaded)).toEqual({ onboarding: 'test', layout: 'wide', export: 'false' });

    // The reads recorded one exposure per flag, through trackplan's pipeline, for the server's person.
    const exposuresIn = () => env.receiver.webhookEvents().filter((e) => e.event_name === '$feature_flag_called');
    await env.receiver.waitFor(() => exposuresIn().length >= 2, 15_000, 'the two exposures');
    const exposures = exposuresIn();
    expect(exposures.map((e) => [e.user_id, e.properties.$feature_flag, e.properties.$feature_flag_response]).sort()).toEqual([
      ['user_e2e', 'beta-export', false],
      ['user_e2e', 'new-onboarding', 'test'],
    ]);
    await page.close();
  });
});
