/**
 * examples/nextjs-app, built by `next build` against the package as users get it (`npm pack`),
 * started with `next start` on 127.0.0.1 and driven in Chromium against the inspector; then a
 * `next dev` run for hydration warnings, and a copy with one bad track call that must fail
 * `next build`. Hermetic: every request outside 127.0.0.1 is refused, telemetry is off.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { startInspector, type InspectedEvent, type Inspector } from '../../src/node/index';
import { CHROMIUM_ARGS, CHROMIUM_PATH, hasChromium } from '../helpers/chromium';

const root = resolve(__dirname, '../..');
const app = join(root, 'examples/nextjs-app');
const scratch = join(root, '.tmp/nextjs-app');
const typoApp = join(scratch, 'typo-app');
const nextBin = join(root, 'node_modules/next/dist/bin/next');
const EMAIL = 'jane@example.com';
const POSTHOG_KEY = 'phc_nextapp';
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', POSTHOG_KEY, NODE_OPTIONS: '' };

const children: ChildProcess[] = [];
let inspector: Inspector | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  for (const child of children) stop(child);
  await inspector?.close();
});

/** Runs `next <args>` in `cwd` to its end; its output for the assertion messages. */
function runNext(cwd: string, args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [nextBin, ...args], { cwd, env: { ...env, ...extraEnv, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.push(child);
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => done({ code, output }));
  });
}

/** Starts a long-running `next start`/`next dev` and waits until it answers `/`. */
async function serveNext(cwd: string, mode: 'start' | 'dev', extraEnv: Record<string, string>): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [nextBin, mode, '-H', '127.0.0.1', '-p', String(port)], {
    cwd,
    env: { ...env, ...extraEnv, NODE_ENV: mode === 'dev' ? 'development' : 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next ${mode} exited ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/about`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`next ${mode} did not answer within 120 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, child, output: () => output };
}

function stop(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  try {
    process.kill(-child.pid, 'SIGTERM'); // its own process group: next and its workers
  } catch {
    // already gone
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function until<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)?.slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The packed package, unpacked where the app (and its copy) resolve `trackplan`. */
function installPackedTrackplan(into: string[]): void {
  mkdirSync(scratch, { recursive: true });
  const packed = spawnSync('npm', ['pack', '--pack-destination', scratch, '--json'], { cwd: root, encoding: 'utf8' });
  if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
  const tarball = join(scratch, (JSON.parse(packed.stdout) as { filename: string }[])[0].filename);
  for (const dir of into) {
    const target = join(dir, 'node_modules/trackplan');
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    const untar = spawnSync('tar', ['xzf', tarball, '-C', target, '--strip-components=1']);
    if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  }
}

/** A copy of the app with one bad track call (a value the catalog's enum does not have). */
function writeTypoApp(): void {
  rmSync(typoApp, { recursive: true, force: true });
  cpSync(app, typoApp, { recursive: true, filter: (source) => !/[/\\](node_modules|\.next|\.trackplan)$/.test(source) });
  const file = join(typoApp, 'app/checkout.tsx');
  const source = readFileSync(file, 'utf8');
  const bad = source.replace("track('cta.clicked', { button: 'signup'", "track('cta.clicked', { button: 'singup'");
  expect(bad).not.toBe(source);
  writeFileSync(file, bad);
}

interface PageWatch {
  cspViolations: string[];
  hydration: string[];
  consoleErrors: string[];
  outbound: string[];
}

/** Collects CSP violations, hydration warnings and errors; refuses every request outside 127.0.0.1. */
async function watch(page: Page): Promise<PageWatch> {
  const seen: PageWatch = { cspViolations: [], hydration: [], consoleErrors: [], outbound: [] };
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false }));
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1') return route.continue();
    seen.outbound.push(url.href);
    return route.abort();
  });
  await page.exposeFunction('__cspViolation', (text: string) => seen.cspViolations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { __cspViolation(t: string): void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI}`));
  });
  page.on('console', (message) => {
    const text = message.text();
    if (/hydrat|did not match|server rendered html/i.test(text)) seen.hydration.push(text);
    if (/content security policy/i.test(text)) seen.cspViolations.push(text);
    if (message.type() === 'error') seen.consoleErrors.push(text);
  });
  page.on('pageerror', (error) => seen.consoleErrors.push(String(error)));
  return seen;
}

// posthog-js drops events from a browser that looks like a bot (HeadlessChrome, navigator.webdriver): browse as a desktop Chrome.
const USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

const posthogLoaded = (page: Page) =>
  page.waitForFunction(() => typeof (window as unknown as { posthog?: { get_distinct_id?: unknown; __loaded?: boolean } }).posthog?.get_distinct_id === 'function' && (window as unknown as { posthog: { __loaded?: boolean } }).posthog.__loaded === true, null, { timeout: 60_000 });

describe.skipIf(!hasChromium)('examples/nextjs-app (Next.js 16 App Router)', () => {
  it('builds with next build, runs under the nonce CSP, one $pageview per navigation, one distinct id on both sides, no e-mail out; no hydration warning in next dev; a type mistake fails next build', async () => {
    const started = Date.now();
    const timings: Record<string, number> = {};
    const lap = (name: string, since: number) => (timings[name] = Math.round((Date.now() - since) / 1000));

    installPackedTrackplan([app]);
    // The committed client is what `trackplan generate` writes from the catalog today (JSON Schema and
    // docs are not committed in the example: they go to a scratch folder).
    const fresh = join(scratch, 'generated');
    rmSync(fresh, { recursive: true, force: true });
    const generated = spawnSync(process.execPath, ['node_modules/trackplan/dist/cli/index.js', 'generate', 'analytics/catalog.ts', '--out', join(fresh, 'client'), '--schema-out', join(fresh, 'schema'), '--docs-out', join(fresh, 'docs')], { cwd: app, encoding: 'utf8' });
    expect(generated.status, generated.stdout + generated.stderr).toBe(0);
    expect(readFileSync(join(fresh, 'client/index.ts'), 'utf8'), 'examples/nextjs-app/analytics/client/index.ts is stale: regenerate it').toBe(readFileSync(join(app, 'analytics/client/index.ts'), 'utf8'));
    writeTypoApp();
    installPackedTrackplan([typoApp]);

    const { catalog } = await import('../../examples/nextjs-app/analytics/catalog');
    inspector = await startInspector({ catalogs: [catalog], port: 0, flags: { 'new-checkout': 'test' } });
    const serverEnv = { POSTHOG_HOST: inspector.url };

    let since = Date.now();
    const built = await runNext(app, ['build'], serverEnv);
    lap('next build', since);
    expect(built.code, built.output).toBe(0);

    const server = await serveNext(app, 'start', serverEnv);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    since = Date.now();
    const page = await browser.newPage({ userAgent: USER_AGENT });
    const seen = await watch(page);
    const response = await page.goto(`${server.url}/?email=${encodeURIComponent(EMAIL)}`);
    const csp = response!.headers()['content-security-policy'];
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).toContain(`connect-src 'self' ${inspector.url}`);
    expect(response!.headers()['x-example-proxy']).toBe('/'); // the app's own proxy ran too
    await posthogLoaded(page);
    const browserId = await page.evaluate(() => (window as unknown as { posthog: { get_distinct_id(): string } }).posthog.get_distinct_id());

    // The flag: the server's value in the server-rendered HTML and in the client component's first render.
    expect(await page.locator('#flag-server').innerText()).toBe('test');
    expect(await page.locator('#flag-browser').innerText()).toBe('test');

    await page.fill('#note', `call me at ${EMAIL}`);
    await page.click('#signup');
    await page.click('#pay-action');
    await until(() => page.locator('#result').innerText(), (text) => text.startsWith('action:'), 30_000, 'the server action');
    expect(await page.locator('#result').innerText()).toBe(`action:${browserId}`);
    await page.click('#pay-route');
    await until(() => page.locator('#result').innerText(), (text) => text.startsWith('route:'), 30_000, 'the route handler');
    expect(await page.locator('#result').innerText()).toBe(`route:${browserId}`);

    // Client-side navigations: /about, back to /, then / with a search parameter.
    await page.click('#to-about');
    await page.waitForURL(`${server.url}/about`);
    await page.click('#to-home');
    await page.waitForURL(`${server.url}/`);
    await page.click('#to-search');
    await page.waitForURL(`${server.url}/?q=shirts`);
    await page.locator('#flag-browser').waitFor();
    const state = await page.evaluate(() => {
      const w = window as unknown as { posthog: { __loaded?: boolean; config?: { api_host?: string } }; __trackplan_posthog?: { held: unknown[]; guard: unknown; dropped: number } };
      return { loaded: w.posthog.__loaded, host: w.posthog.config?.api_host, held: w.__trackplan_posthog?.held.length, guard: Boolean(w.__trackplan_posthog?.guard), dropped: w.__trackplan_posthog?.dropped };
    });
    const arrived = (all: InspectedEvent[]) => all.filter((e) => e.event === '$pageview').length >= 4 && all.some((e) => e.event === 'cta.clicked') && all.filter((e) => e.event === 'order.paid').length === 2;
    await until(() => inspector!.events(), arrived, 30_000, 'the page views, the click and both server events').catch((error: Error) => {
      throw new Error(`${error.message.slice(0, 200)}\nreceived: ${inspector!.events().map((e) => e.event).join(', ')}\npage: ${JSON.stringify(seen)}\nstate: ${JSON.stringify(state)}\ntimings: ${JSON.stringify(timings)}`);
    });
    // A barrier: posthog-js sends in order, so once a second click arrives, a late duplicate $pageview would have too.
    await page.click('#signup');
    const events = await until(() => inspector!.events(), (all) => all.filter((e) => e.event === 'cta.clicked').length === 2, 30_000, 'the second click');
    await page.close();
    lap('browser run', since);

    const pageviews = events.filter((e) => e.event === '$pageview');
    const urls = pageviews.map((e) => (e.payload as { properties: { $current_url: string } }).properties.$current_url.replace(server.url, ''));
    // The e-mail in the first URL's query was redacted by trackplan's guard before posthog-js sent it.
    expect(urls).toEqual(['/?email=%5Bredacted%3Asensitive_key%5D', '/about', '/', '/?q=shirts']);
    const byName = (name: string) => events.filter((e) => e.event === name);
    expect(byName('signup_page_viewed')).toHaveLength(2); // the checkout mounted on / twice (first load, back from /about)
    expect(byName('cta.clicked')).toHaveLength(2);
    expect(byName('cta.clicked')[0]).toMatchObject({ status: 'valid' });
    // One person: the browser's events and the server's carry posthog-js's distinct id.
    const ids = new Set(events.filter((e) => e.event !== '$feature_flag_called').map((e) => e.distinctId));
    expect([...ids]).toEqual([browserId]);
    expect(byName('order.paid').map((e) => (e.payload as { properties: { via: string } }).properties.via).sort()).toEqual(['action', 'route']);
    expect(JSON.stringify(events)).not.toContain(EMAIL);
    expect(JSON.stringify(events)).not.toContain(encodeURIComponent(EMAIL));
    expect(seen.cspViolations).toEqual([]);
    expect(seen.hydration).toEqual([]);
    expect(seen.outbound).toEqual([]);
    stop(server.child);

    // next dev: React reports hydration mismatches in development only.
    since = Date.now();
    const dev = await serveNext(app, 'dev', serverEnv);
    const devPage = await browser.newPage({ userAgent: USER_AGENT });
    const devSeen = await watch(devPage);
    await devPage.goto(`${dev.url}/`);
    await posthogLoaded(devPage);
    await devPage.locator('#flag-browser').waitFor();
    await devPage.click('#to-about');
    await devPage.waitForURL(`${dev.url}/about`);
    await devPage.click('#to-home');
    await devPage.waitForURL(`${dev.url}/`);
    // next dev renders under React StrictMode (effects run twice): still one $pageview per navigation.
    const devViews = () => inspector!.events().filter((e) => e.event === '$pageview' && JSON.stringify(e.payload).includes(dev.url));
    await until(() => devViews().length, (n) => n >= 3, 60_000, 'the page views in next dev');
    const devClicks = () => inspector!.events().filter((e) => e.event === 'cta.clicked').length;
    const before = devClicks();
    await devPage.click('#signup'); // the barrier: a late duplicate would arrive before it
    await until(devClicks, (n) => n > before, 60_000, 'the click in next dev');
    expect(devViews().map((e) => (e.payload as { properties: { $current_url: string } }).properties.$current_url.replace(dev.url, ''))).toEqual(['/', '/about', '/']);
    // The example's own mount event is guarded too: one per mount (two mounts of /), not two.
    expect(inspector!.events().filter((e) => e.event === 'signup_page_viewed' && JSON.stringify(e.payload).includes(dev.url))).toHaveLength(2);
    await devPage.close();
    lap('next dev run', since);
    stop(dev.child);
    expect(devSeen.hydration).toEqual([]);
    expect(devSeen.cspViolations).toEqual([]);

    // A type mistake fails next build, naming the file.
    since = Date.now();
    const typo = await runNext(typoApp, ['build'], serverEnv);
    lap('next build (type mistake)', since);
    expect(typo.code).not.toBe(0);
    expect(typo.output).toMatch(/checkout\.tsx[\s\S]*singup/);

    lap('total', started);
    console.log(`[nextjs-app] seconds: ${JSON.stringify(timings)}`);
  }, 600_000);
});
