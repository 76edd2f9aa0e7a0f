import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { build, type Metafile, type OutputFile } from 'esbuild';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderSnippets, type SnippetOptions } from '../../src/core/snippets';
import { useBrowserAndReceiver } from '../helpers/browser-env';
import { hasChromium } from '../helpers/chromium';

const env = useBrowserAndReceiver();
const PII_URL = '/?email=jane.doe%40example.com&utm_source=ads';
const uuid = (tail: string) => `01930000-0000-7000-8000-0000000000${tail}`;

type PostHogInPage = { __loaded?: boolean; opt_out_capturing(): void; has_opted_out_capturing(): boolean; setPersonProperties(set: Record<string, unknown>): void };
const posthogIn = (page: Page) => ({
  loaded: () => page.waitForFunction(() => (window as unknown as { posthog?: PostHogInPage }).posthog?.__loaded === true, null, { timeout: 15_000 }),
  optedOut: () => page.evaluate(() => (window as unknown as { posthog: PostHogInPage }).posthog.has_opted_out_capturing()),
});

let chunks: { entry: OutputFile; upFront: OutputFile[]; lazy: OutputFile[] };

/** Serves the page: the snippet in the head, the generated client's entry as a module; lazy chunks wait for `gate`. */
function servePage(apiKey: string, posthog: Partial<NonNullable<SnippetOptions['posthog']>> = {}, gate?: () => Promise<unknown>) {
  const snippets = renderSnippets({
    posthog: {
      apiKey,
      host: env.receiver.url,
      options: { opt_out_useragent_filter: true, request_batching: false, disable_session_recording: true, advanced_disable_flags: true },
      ...posthog,
    },
    nonce: 'bm9uY2U',
  });
  for (const file of [chunks.entry, ...chunks.upFront]) env.receiver.serve(`/${basename(file.path)}`, 'application/javascript', file.text);
  for (const file of chunks.lazy) env.receiver.serve(`/${basename(file.path)}`, 'application/javascript', file.text, gate);
  env.receiver.serve(
    '/',
    'text/html',
    `<!doctype html><html><head>${snippets}</head><body><button id="buy">Buy</button><script type="module" src="/${basename(chunks.entry.path)}"></script></body></html>`,
  );
}

const eventsOf = (apiKey: string) => env.receiver.events.filter((e) => e.properties?.token === apiKey);
const has = (apiKey: string, name: string) => () => eventsOf(apiKey).some((e) => e.event === name || e.uuid === name);

describe.skipIf(!hasChromium)('snippet + generated client with a lazy runtime, real posthog-js in Chromium', () => {
  beforeAll(async () => {
    // As a page's bundler builds it: ESM with code splitting; the tracker runtime is a dynamic import().
    const bundle = await build({
      entryPoints: ['test/e2e/fixtures/lazy-client-posthog-page.ts'],
      bundle: true,
      format: 'esm',
      splitting: true,
      platform: 'browser',
      minify: true,
      outdir: 'dist/.e2e-lazy',
      write: false,
      metafile: true,
      alias: { trackplan: './dist/browser/index.js', 'trackplan/client': './dist/browser/client.js' },
      logLevel: 'error',
    });
    const outputs = bundle.metafile.outputs as Metafile['outputs'];
    const byName = (path: string) => bundle.outputFiles.find((file) => file.path.endsWith(basename(path)))!;
    const entryPath = Object.keys(outputs).find((path) => outputs[path].entryPoint)!;
    const upFront = outputs[entryPath].imports.filter((i) => i.kind === 'import-statement').map((i) => byName(i.path));
    const entry = byName(entryPath);
    const lazy = bundle.outputFiles.filter((file) => file !== entry && !upFront.includes(file) && file.path.endsWith('.js'));
    expect(lazy.length).toBeGreaterThan(0);
    chunks = { entry, upFront, lazy };
  });

  it('nothing posthog-js captures leaves the page before the PII guard runs on it, however late the runtime arrives', async () => {
    const apiKey = 'phc_lazy_hold';
    let runtimeRequested = false;
    let releaseRuntime!: () => void;
    const runtimeArrives = new Promise<void>((resolve) => (releaseRuntime = resolve));
    servePage(apiKey, {}, () => ((runtimeRequested = true), runtimeArrives));
    const firstRequest = env.receiver.requests.length;
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${env.receiver.url}${PII_URL}`);
    // posthog-js is up (its $pageview is due); the app clicks and sets a person property; then it hydrates.
    await posthogIn(page).loaded();
    await page.click('#buy');
    await page.evaluate(() => (window as unknown as { posthog: PostHogInPage }).posthog.setPersonProperties({ email: 'jane.doe@example.com' }));
    void page.evaluate(() => window.startApp!());
    await env.receiver.waitFor(() => runtimeRequested, 10_000, 'the page to ask for the runtime chunk');
    const runtimeReleasedAt = Date.now();
    releaseRuntime();
    await page.waitForFunction(() => window.app !== undefined, null, { timeout: 15_000 });
    await page.evaluate(() => window.app!.track('01930000-0000-7000-8000-0000000000c1'));
    for (const name of ['$pageview', '$autocapture', '$set', uuid('c1')]) await env.receiver.waitFor(has(apiKey, name), 15_000, name);

    const sentEarly = env.receiver.requests.slice(firstRequest).filter((request) => request.at < runtimeReleasedAt);
    expect(sentEarly.map((request) => request.path)).toEqual([]);
    const events = eventsOf(apiKey);
    expect(JSON.stringify(events)).not.toContain('jane');
    const pageview = events.find((e) => e.event === '$pageview')!;
    expect(pageview.properties.$current_url).toContain('email=%5Bredacted%3Asensitive_key%5D');
    expect(pageview.properties.$current_url).toContain('utm_source=ads'); // what is not personal stays
    expect(pageview.properties.$session_entry_url).toContain('email=%5Bredacted%3Asensitive_key%5D');
    expect(events.find((e) => e.event === '$set')!.properties.$set).toMatchObject({ email: '[redacted:sensitive_key]' });
    // One $pageview, sent once, with its own uuid; trackplan's event keeps its own.
    expect(events.filter((e) => e.event === '$pageview')).toHaveLength(1);
    expect(events.find((e) => e.uuid === uuid('c1'))).toMatchObject({ event: 'checkout.start', properties: { order_id: 'ord_lazy' } });
    const violations = await page.evaluate(() => window.app!.violations);
    expect(violations).toEqual(expect.arrayContaining(['pii:$current_url', 'pii:$set.email']));
    await context.close();
  });

  it('init() with the snippet\'s stub before array.js loads: events tracked after posthog-js arrives still reach PostHog', async () => {
    const apiKey = 'phc_lazy_stub';
    let releaseArrayJs!: () => void;
    const arrayJsArrives = new Promise<void>((resolve) => (releaseArrayJs = resolve));
    servePage(apiKey);
    env.receiver.serve('/static/array.js', 'application/javascript', readFileSync(createRequire(import.meta.url).resolve('posthog-js/dist/array.js')), () => arrayJsArrives);
    const context = await env.browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${env.receiver.url}/`, { waitUntil: 'domcontentloaded' });
      // The app hydrates while window.posthog is still the snippet's queueing stub.
      await page.evaluate(() => window.startApp!());
      await page.evaluate(() => window.app!.track('01930000-0000-7000-8000-0000000000d1'));
      releaseArrayJs();
      await posthogIn(page).loaded();
      await page.evaluate(() => window.app!.track('01930000-0000-7000-8000-0000000000d2'));
      for (const id of [uuid('d1'), uuid('d2')]) await env.receiver.waitFor(has(apiKey, id), 15_000, id);
      expect(eventsOf(apiKey).filter((e) => e.event === 'checkout.start').map((e) => e.uuid).sort()).toEqual([uuid('d1'), uuid('d2')]);
    } finally {
      env.receiver.serve('/static/array.js', 'application/javascript', readFileSync(createRequire(import.meta.url).resolve('posthog-js/dist/array.js')));
      await context.close();
    }
  }, 60_000);

  it('the hold is bounded: events beyond 100 are dropped and reported through onError when the tracker attaches', async () => {
    const apiKey = 'phc_lazy_bounded';
    servePage(apiKey, { options: { opt_out_useragent_filter: true, request_batching: false, disable_session_recording: true, advanced_disable_flags: true, autocapture: false, rate_limiting: { events_per_second: 1000, events_burst_limit: 1000 } } });
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${env.receiver.url}/`);
    await posthogIn(page).loaded();
    await page.waitForFunction(() => (window as unknown as { __trackplan_posthog: { held: unknown[] } }).__trackplan_posthog.held.length > 0, null, { timeout: 15_000 }); // the $pageview
    await page.evaluate(() => {
      for (let i = 0; i < 104; i++) (window as unknown as { posthog: { capture(name: string, props: object): void } }).posthog.capture('filler', { i });
    });
    await page.evaluate(() => window.startApp!());
    await env.receiver.waitFor(() => eventsOf(apiKey).length >= 100, 15_000, 'the 100 held events');
    expect(eventsOf(apiKey).filter((e) => e.event === '$pageview')).toHaveLength(1);
    // Sent one request each: they arrive in any order.
    expect(eventsOf(apiKey).filter((e) => e.event === 'filler').map((e) => e.properties.i).sort((a, b) => a - b)).toEqual([...Array(99).keys()]);
    expect(await page.evaluate(() => window.app!.errors)).toEqual([expect.stringMatching(/\[trackplan\] \[posthog\] 5 event\(s\) posthog-js captured before trackplan's guard attached were dropped/)]);
    await context.close();
  });

  it('without trackplan, the snippet sends what it held after guardTimeoutMs, query strings removed', async () => {
    const apiKey = 'phc_lazy_alone';
    servePage(apiKey, { guardTimeoutMs: 500 });
    const firstRequest = env.receiver.requests.length;
    const context = await env.browser.newContext();
    const page = await context.newPage();
    const loadedAt = Date.now();
    await page.goto(`${env.receiver.url}${PII_URL}`); // startApp() is never called
    await env.receiver.waitFor(has(apiKey, '$pageview'), 15_000, 'the $pageview');
    expect(env.receiver.requests.slice(firstRequest).filter((request) => request.at < loadedAt + 500)).toEqual([]);
    const pageview = eventsOf(apiKey).find((e) => e.event === '$pageview')!;
    expect(pageview.properties.$current_url).toBe(`${env.receiver.url}/`);
    expect(JSON.stringify(eventsOf(apiKey))).not.toContain('jane');
    // What is not in a URL stays: posthog-js keeps the campaign parameters in their own properties.
    expect(pageview.properties).toMatchObject({ utm_source: 'ads', $pathname: '/' });
    await context.close();
  });

  it('without trackplan, the page hiding sends what the snippet held, query strings removed', async () => {
    const apiKey = 'phc_lazy_hides';
    servePage(apiKey, { guardTimeoutMs: 600_000 });
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${env.receiver.url}${PII_URL}`);
    // The snippet's contract with the tracker: what it holds waits on window.__trackplan_posthog.
    await page.waitForFunction(() => (window as unknown as { __trackplan_posthog: { held: unknown[] } }).__trackplan_posthog.held.length > 0, null, { timeout: 15_000 });
    expect(eventsOf(apiKey)).toEqual([]);
    await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false })));
    for (const name of ['$pageview', '$pageleave']) await env.receiver.waitFor(has(apiKey, name), 15_000, name);
    for (const e of eventsOf(apiKey)) expect(e.properties.$current_url).toBe(`${env.receiver.url}/`);
    expect(JSON.stringify(eventsOf(apiKey))).not.toContain('jane');
    await context.close();
  });

  it('default consent leaves PostHog’s consent alone: no $opt_in on either of two page loads', async () => {
    const apiKey = 'phc_consent_default';
    servePage(apiKey);
    const context = await env.browser.newContext();
    const page = await context.newPage();
    for (const tail of ['d1', 'd2']) {
      await page.goto(env.receiver.url);
      await page.evaluate(() => window.startApp!());
      await page.evaluate((id) => window.app!.track(id), uuid(tail));
      await env.receiver.waitFor(has(apiKey, uuid(tail)), 15_000, `the event of load ${tail}`);
      await env.receiver.waitFor(has(apiKey, '$pageview'), 15_000, 'the $pageview');
    }
    expect(eventsOf(apiKey).filter((e) => e.event === '$opt_in')).toEqual([]);
    await context.close();
  });

  it('an opt-out stored by posthog-js persists on the next page load until the application opts in', async () => {
    const apiKey = 'phc_consent_optout';
    servePage(apiKey);
    const context = await env.browser.newContext();
    const page = await context.newPage();
    // Load 1: the visitor opts out through posthog-js (its own consent banner, say).
    await page.goto(env.receiver.url);
    await page.evaluate(() => window.startApp!());
    await page.evaluate(() => (window as unknown as { posthog: PostHogInPage }).posthog.opt_out_capturing());
    // Load 2: trackplan starts with its default consent and must not opt the visitor back in.
    await page.goto(env.receiver.url);
    await posthogIn(page).loaded();
    await page.evaluate(() => window.startApp!());
    await page.evaluate(async (id) => {
      window.app!.track(id);
      await window.app!.flush();
    }, uuid('f2'));
    expect(await posthogIn(page).optedOut()).toBe(true);
    // The application says so: now trackplan opts in, and what follows is sent.
    await page.evaluate((id) => {
      window.app!.setConsent('granted');
      window.app!.track(id);
    }, uuid('f3'));
    await env.receiver.waitFor(has(apiKey, uuid('f3')), 15_000, 'the event tracked after setConsent');
    expect(await posthogIn(page).optedOut()).toBe(false);
    expect(eventsOf(apiKey).some((e) => e.uuid === uuid('f2'))).toBe(false);
    expect(eventsOf(apiKey).filter((e) => e.event === '$opt_in')).toHaveLength(1);
    await context.close();
  });
});
