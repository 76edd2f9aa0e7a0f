import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, hasChromium } from '../helpers/chromium';
import { startReceiver } from '../helpers/receiver';

const outDir = 'examples/browser/dist';

describe('examples/browser', () => {
  it('builds with Vite, carries no Node-only code, and waits for consent in a real page', async () => {
    await build({ root: 'examples/browser', logLevel: 'silent', build: { outDir: 'dist', emptyOutDir: true } });
    const assets = readdirSync(join(outDir, 'assets')).filter((f) => f.endsWith('.js'));
    const code = assets.map((f) => readFileSync(join(outDir, 'assets', f), 'utf8')).join('\n');
    // An import of a `node:` module, posthog-node or AsyncLocalStorage would mean Node code leaked in.
    for (const nodeOnly of [/["'`]node:[a-z_/]+["'`]/, /posthog-node/, /AsyncLocalStorage/]) expect(nodeOnly.test(code), String(nodeOnly)).toBe(false);
    if (!hasChromium) return;

    const receiver = await startReceiver();
    receiver.serve('/', 'text/html', readFileSync(join(outDir, 'index.html'), 'utf8'));
    for (const file of assets) receiver.serve(`/assets/${file}`, 'application/javascript', readFileSync(join(outDir, 'assets', file)));
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.goto(receiver.url);
      await page.click('#start');
      const gaEvents = () => page.evaluate(() => ((window as unknown as { dataLayer?: IArguments[] }).dataLayer ?? []).map((e) => Array.from(e)).filter((e) => e[0] === 'event').map((e) => e[1]));
      expect(await gaEvents()).toEqual([]);
      await page.click('#consent');
      await page.waitForFunction(() => ((window as unknown as { dataLayer?: IArguments[] }).dataLayer ?? []).some((e) => e[0] === 'event'), null, { timeout: 10_000 });
      expect(await gaEvents()).toEqual(['checkout_start']);
    } finally {
      await browser.close();
      await receiver.close();
    }
  });
});
