import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { renderSnippets } from '../../src/core/snippets';
import { createTracker as createNodeTracker, startInspector, type InspectedEvent } from '../../src/node/index';
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

describe.skipIf(!hasChromium)('payload hygiene on what posthog-js sends, real posthog-js in Chromium against the inspector', () => {
  it('keeps payloads only for attachPayload flags (PII redacted), and $feature/<key> only for catalog flags', async () => {
    const inspector = await startInspector({
      catalogs: [catalog],
      port: 0,
      flags: {
        'new-onboarding': { value: 'test', payload: { layout: 'wide', contact: 'jane.doe@example.com' } },
        'beta-export': { value: true, payload: { rows: 'every order of jane.doe@example.com' } },
        'rogue-flag': { value: true, payload: { note: 'not in the catalog' } },
      },
    });
    closers.push(() => inspector.close());
    const bundle = await build({ entryPoints: ['test/e2e/fixtures/flags-hygiene-page.ts'], bundle: true, format: 'iife', platform: 'browser', write: false, minify: true });
    env.receiver.serve('/hygiene-app.js', 'application/javascript', bundle.outputFiles[0].text);
    const snippets = renderSnippets({
      posthog: { apiKey: 'phc_hygiene', host: inspector.url, options: { request_batching: false, disable_session_recording: true, opt_out_useragent_filter: true }, capturePageview: false, capturePageleave: false },
    });
    env.receiver.serve('/hygiene', 'text/html', `<!doctype html><html><head>${snippets}</head><body data-inspector="${inspector.url}"><script src="/hygiene-app.js"></script></body></html>`);
    const page = await env.browser.newPage();
    try {
      await page.goto(`${env.receiver.url}/hygiene`);
      await page.waitForFunction(() => window.hygieneApp?.flagsLoaded === true, null, { timeout: 15_000 });
      await page.evaluate(() => window.hygieneApp!.run());
      const posthogEvent = (test: (e: InspectedEvent) => boolean) => inspector.events().find((e) => e.destination === 'posthog' && test(e));
      const propertiesOf = (e: InspectedEvent | undefined) => (e?.payload as { properties: Record<string, unknown> }).properties;
      const isPath = (path: string) => (e: InspectedEvent) => e.event === 'page_viewed' && propertiesOf(e).path === path;
      const ownExposure = (e: InspectedEvent) => e.event === '$feature_flag_called' && propertiesOf(e).$feature_flag === 'new-onboarding';
      const theirExposure = (e: InspectedEvent) => e.event === '$feature_flag_called' && propertiesOf(e).$feature_flag === 'beta-export';
      const deadline = Date.now() + 15_000;
      const expected = [(e: InspectedEvent) => e.event === 'ordinary_click', isPath('/plain'), isPath('/with-flags'), ownExposure, theirExposure];
      while (expected.some((test) => !posthogEvent(test)) || inspector.events().filter((e) => e.destination === 'webhook').length < 3) {
        if (Date.now() > deadline) throw new Error(`timed out; the inspector has ${JSON.stringify(inspector.events().map((e) => [e.destination, e.event]))}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }

      // Removed: payloads of flags not marked attachPayload, and every trace of a flag the catalog does not declare.
      const ordinary = propertiesOf(posthogEvent(expected[0]));
      expect(ordinary.$feature_flag_payloads).toEqual({ 'new-onboarding': expect.anything() });
      expect(Object.keys(ordinary).filter((key) => key.startsWith('$feature/')).sort()).toEqual(['$feature/beta-export', '$feature/new-onboarding']);
      expect([...(ordinary.$active_feature_flags as string[])].sort()).toEqual(['beta-export', 'new-onboarding']);
      expect(propertiesOf(posthogEvent(theirExposure))).not.toHaveProperty('$feature_flag_payload');
      // Kept: the catalog's flag values, and the attached payload, redacted.
      expect(ordinary).toMatchObject({ '$feature/new-onboarding': 'test', '$feature/beta-export': true, button: 'buy' });
      const attached = ordinary.$feature_flag_payloads as Record<string, unknown>;
      const payload = typeof attached['new-onboarding'] === 'string' ? JSON.parse(attached['new-onboarding'] as string) : attached['new-onboarding'];
      expect(payload).toEqual({ layout: 'wide', contact: '[redacted:email]' });
      for (const path of ['/plain', '/with-flags']) {
        const properties = propertiesOf(posthogEvent(isPath(path)));
        expect(properties).toMatchObject({ '$feature/new-onboarding': 'test', '$feature/beta-export': true });
        expect(properties).not.toHaveProperty('$feature/rogue-flag');
        expect(Object.keys((properties.$feature_flag_payloads ?? {}) as object)).toEqual(['new-onboarding']);
      }
      expect(propertiesOf(posthogEvent(ownExposure))).toMatchObject({ $feature_flag_response: 'test', $feature_flag_payload: { layout: 'wide', contact: '[redacted:email]' } });
      const webhookWithFlags = inspector.events().find((e) => e.destination === 'webhook' && e.event === 'page_viewed' && (e.payload as { properties: { path: string } }).properties.path === '/with-flags');
      expect(webhookWithFlags?.payload).toMatchObject({ flags: { 'new-onboarding': 'test', 'beta-export': true }, flag_payloads: { 'new-onboarding': { contact: '[redacted:email]' } } });
      // No destination received the address, and the guard said what it redacted.
      expect(JSON.stringify(inspector.events())).not.toContain('jane');
      expect(await page.evaluate(() => window.hygieneApp!.violations)).toEqual(expect.arrayContaining(['pii:ordinary_click:$feature_flag_payloads.new-onboarding.contact']));
    } finally {
      await page.close();
    }
  });

  it('with a catalog that declares no flags, $feature/<key> stays as posthog-js sent it; payloads are still removed', async () => {
    const inspector = await startInspector({ catalogs: [catalog], port: 0, flags: { 'rogue-flag': { value: true, payload: { note: 'jane.doe@example.com' } } } });
    closers.push(() => inspector.close());
    const bundle = await build({ entryPoints: ['test/e2e/fixtures/flags-hygiene-page.ts'], bundle: true, format: 'iife', platform: 'browser', write: false, minify: true });
    env.receiver.serve('/hygiene-noflags-app.js', 'application/javascript', bundle.outputFiles[0].text);
    const snippets = renderSnippets({
      posthog: { apiKey: 'phc_noflags', host: inspector.url, options: { request_batching: false, disable_session_recording: true, opt_out_useragent_filter: true }, capturePageview: false, capturePageleave: false },
    });
    env.receiver.serve('/hygiene-noflags', 'text/html', `<!doctype html><html><head>${snippets}</head><body data-catalog="noflags" data-inspector="${inspector.url}"><script src="/hygiene-noflags-app.js"></script></body></html>`);
    const page = await env.browser.newPage();
    try {
      await page.goto(`${env.receiver.url}/hygiene-noflags`);
      await page.waitForFunction(() => window.hygieneApp?.flagsLoaded === true, null, { timeout: 15_000 });
      await page.evaluate(() => (window as unknown as { posthog: { capture(name: string): void } }).posthog.capture('ordinary_click'));
      const deadline = Date.now() + 15_000;
      const ordinary = () => inspector.events().find((e) => e.destination === 'posthog' && e.event === 'ordinary_click');
      while (!ordinary()) {
        if (Date.now() > deadline) throw new Error('timed out waiting for ordinary_click');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const properties = (ordinary()!.payload as { properties: Record<string, unknown> }).properties;
      expect(properties).toMatchObject({ '$feature/rogue-flag': true, $active_feature_flags: expect.arrayContaining(['rogue-flag']) });
      expect(properties).not.toHaveProperty('$feature_flag_payloads');
      expect(JSON.stringify(inspector.events())).not.toContain('jane');
    } finally {
      await page.close();
    }
  });
});
