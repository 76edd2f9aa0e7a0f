import { basename } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { useBrowserAndReceiver } from '../helpers/browser-env';
import { hasChromium } from '../helpers/chromium';

const env = useBrowserAndReceiver();

describe.skipIf(!hasChromium)('generated client in a real Chromium, the runtime loaded with import()', () => {
  it('delivers the calls made before and after init() to GA4 and the webhook once the runtime chunk arrives', async () => {
    // As a page's bundler builds it: ESM with code splitting, trackplan's `browser` export condition.
    const bundle = await build({
      entryPoints: ['test/e2e/fixtures/generated-client-page.ts'],
      bundle: true,
      format: 'esm',
      splitting: true,
      platform: 'browser',
      minify: true,
      outdir: 'dist/.e2e',
      write: false,
      metafile: true,
      alias: { trackplan: './dist/browser/index.js', 'trackplan/client': './dist/browser/client.js' },
      logLevel: 'error',
    });
    expect(bundle.outputFiles.length).toBeGreaterThan(1); // the runtime is a chunk of its own
    for (const file of bundle.outputFiles) env.receiver.serve(`/${basename(file.path)}`, 'application/javascript', file.text);
    env.receiver.serve('/', 'text/html', `<!doctype html><html><head></head><body><script type="module" src="/generated-client-page.js"></script></body></html>`);
    const page = await env.browser.newPage();
    await page.goto(env.receiver.url);
    await page.waitForFunction(() => window.generatedClient !== undefined, null, { timeout: 15_000 });
    const done = (await page.evaluate(() => window.generatedClient))!;
    expect(done.queuedAtInit).toBe(1);
    expect(done.stats).toMatchObject({ tracked: 2, queued: 0, dropped: {} });

    await env.receiver.waitFor(() => env.receiver.webhookEvents().length >= 2, 10_000, 'the webhook events');
    expect(env.receiver.webhookEvents().map((e) => [e.event_name, e.uuid])).toEqual([
      ['checkout.start', '01930000-0000-7000-8000-0000000000a1'],
      ['order.paid', '01930000-0000-7000-8000-0000000000a2'],
    ]);
    const dataLayer = await page.evaluate(() => ((window as unknown as { dataLayer: IArguments[] }).dataLayer ?? []).map((entry) => Array.from(entry)));
    const ga4Events = dataLayer.filter((entry) => entry[0] === 'event');
    expect(ga4Events.map((entry) => entry[1])).toEqual(['checkout_start']);
    expect(ga4Events[0][2]).toMatchObject({ event_id: '01930000-0000-7000-8000-0000000000a1' });
    await page.close();
  });
});
