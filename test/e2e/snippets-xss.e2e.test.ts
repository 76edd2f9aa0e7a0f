import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { renderSnippets } from '../../src/core/snippets';
import { startReceiver } from '../helpers/receiver';
import { CHROMIUM_ARGS, hasChromium } from '../helpers/chromium';

describe.skipIf(!hasChromium)('snippets in a real Chromium', () => {
  it('hostile option values cannot run script in the page', async () => {
    const receiver = await startReceiver();
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const hostile = `</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2"><!--`;
      const html = renderSnippets({
        posthog: { apiKey: 'phc_xss', host: receiver.url, bootstrap: { distinctId: hostile }, options: { person_profiles: hostile, opt_out_useragent_filter: true, advanced_disable_flags: true } },
        ga4: { measurementId: 'G-XSS1', config: { page_title: hostile } },
      });
      receiver.serve('/', 'text/html', `<!doctype html><html><head>${html}</head><body>ok</body></html>`);
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(receiver.url);
      // posthog-js loaded from the local receiver and took the bootstrap id verbatim.
      await page.waitForFunction(() => typeof (window as unknown as { posthog?: { get_distinct_id?: () => string } }).posthog?.get_distinct_id === 'function' && !(window as unknown as { posthog: { __SV?: number; _i?: unknown } }).posthog._i, null, { timeout: 15_000 });
      expect(await page.evaluate(() => (window as unknown as { posthog: { get_distinct_id(): string } }).posthog.get_distinct_id())).toBe(hostile);
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
      expect(await page.locator('img').count()).toBe(0);
      expect(dialogs).toEqual([]);
    } finally {
      await browser.close();
      await receiver.close();
    }
  });
});
