import { basename } from 'node:path';
import { build } from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrackerStats } from '../../src/browser/index';
import { useBrowserAndReceiver } from '../helpers/browser-env';
import { hasChromium } from '../helpers/chromium';

const env = useBrowserAndReceiver();

/** Each scenario has its own webhook URL, so its own storage key and its own events at the receiver. */
const webhookUrl = (tag: string) => `${env.receiver.url}/webhook/${tag}`;
const storageKey = (tag: string) => `trackplan:webhook:${webhookUrl(tag)}`;
const referrers = (tag: string, count: number, from = 0) => Array.from({ length: count }, (_, i) => `${tag}-${from + i}`);
const arrived = (tag: string) => env.receiver.webhookEvents().map((e) => e.properties.referrer as string).filter((r) => r?.startsWith(`${tag}-`));

function expectBalancedBooks(stats: TrackerStats) {
  const webhook = stats.destinations.webhook;
  const dropped = Object.values(webhook.dropped).reduce((a, b) => (a ?? 0) + (b ?? 0), 0)!;
  expect(webhook.routed).toBe(webhook.delivered + dropped + webhook.pending);
}

/**
 * A browser context of its own (its own localStorage) whose beacon refuses, as Chromium's does once
 * its keepalive quota is used up: what is queued when the page hides is kept for the next page load.
 */
async function newContext(): Promise<BrowserContext> {
  const context = await env.browser.newContext();
  await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'sendBeacon', { configurable: true, value: () => false }));
  return context;
}

/** Loads the page (or the next page load in the same tab) and collects what it throws uncaught. */
async function load(page: Page, uncaught: string[]): Promise<Page> {
  if (!uncaught.length && !page.url().startsWith('http')) page.on('pageerror', (error) => uncaught.push(error.message));
  if (page.url().startsWith('http')) await page.reload();
  else await page.goto(`${env.receiver.url}/`);
  await page.waitForFunction(() => window.storagePage !== undefined, null, { timeout: 15_000 });
  return page;
}

const seed = (page: Page, key: string, value: string) => page.evaluate(([k, v]) => localStorage.setItem(k, v), [key, value]);
const stored = (page: Page, key: string) => page.evaluate((k) => localStorage.getItem(k), key);
const report = (page: Page) => page.evaluate(() => window.storagePage!.report());
/** Starts the tracker, tracks and hides in one task: the webhook's chunk cannot have arrived yet. */
const startAndHideBeforeTheChunkLoads = (page: Page, url: string, refs: string[]) =>
  page.evaluate(([u, r]) => {
    window.storagePage!.start(u, r);
    window.storagePage!.hide();
  }, [url, refs] as const);
const startAndFlush = (page: Page, url: string, refs: string[]) =>
  page.evaluate(async ([u, r]) => {
    window.storagePage!.start(u, r);
    await window.storagePage!.flush();
  }, [url, refs] as const);

describe.skipIf(!hasChromium)('browser webhook in a real Chromium: what it reads back from localStorage', () => {
  beforeAll(async () => {
    // As an app's bundler builds it: ESM with code splitting, the webhook module a chunk of its own.
    const bundle = await build({
      entryPoints: ['test/e2e/fixtures/webhook-storage-page.ts'],
      bundle: true,
      format: 'esm',
      splitting: true,
      platform: 'browser',
      minify: true,
      outdir: 'dist/.e2e-storage',
      write: false,
      logLevel: 'error',
    });
    for (const file of bundle.outputFiles) env.receiver.serve(`/${basename(file.path)}`, 'application/javascript', file.text);
    env.receiver.serve('/', 'text/html', `<!doctype html><html><head></head><body><script type="module" src="/webhook-storage-page.js"></script></body></html>`);
  });

  it.each([
    { tag: 'strings', value: JSON.stringify(['not json', '{"events":[']), corrupt: 2 },
    { tag: 'object', value: '{"a":1}', corrupt: 1 },
    { tag: 'string', value: '"abc"', corrupt: 1 },
    { tag: 'unparsable', value: '["unterminated', corrupt: 1 },
  ])('restored at load ($tag): discarded, counted as storage_corrupt, reported once; the 5 new events arrive', async ({ tag, value, corrupt }) => {
    const context = await newContext();
    const uncaught: string[] = [];
    const page = await load(await context.newPage(), uncaught);
    await seed(page, storageKey(tag), value);
    await load(page, uncaught);

    await startAndFlush(page, webhookUrl(tag), referrers(tag, 5));
    expect(arrived(tag)).toEqual(referrers(tag, 5));
    const { stats, errors } = await report(page);
    expect(stats.destinations.webhook).toMatchObject({ delivered: 5, pending: 0, dropped: { storage_corrupt: corrupt } });
    expect(Object.keys(stats.destinations.webhook.dropped)).toEqual(['storage_corrupt']);
    expectBalancedBooks(stats);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/\[trackplan\] \[webhook\].*localStorage/);
    expect(await stored(page, storageKey(tag))).toBeNull();
    expect(uncaught).toEqual([]);
    await context.close();
  });

  it.each([
    { tag: 'hide-object', value: '{"a":1}', corrupt: 1 },
    { tag: 'hide-string', value: '"abc"', corrupt: 1 },
    { tag: 'hide-strings', value: JSON.stringify(['not json', 'x']), corrupt: 2 },
  ])('found when the page hides before the webhook chunk loads ($tag): counted, nothing thrown, the 3 events kept and sent by the next page', async ({ tag, value, corrupt }) => {
    const context = await newContext();
    const uncaught: string[] = [];
    const page = await load(await context.newPage(), uncaught);
    await seed(page, storageKey(tag), value);
    await load(page, uncaught);

    await startAndHideBeforeTheChunkLoads(page, webhookUrl(tag), referrers(tag, 3));
    const hidden = await report(page);
    expect(uncaught).toEqual([]);
    expect(hidden.stats.destinations.webhook).toMatchObject({ routed: 3 + corrupt, delivered: 0, pending: 0, dropped: { storage_corrupt: corrupt, handed_to_next_page: 3 } });
    expectBalancedBooks(hidden.stats);
    expect(hidden.errors).toHaveLength(1);
    expect(hidden.errors[0]).toMatch(/\[trackplan\] \[webhook\].*localStorage/);
    // Only the 3 envelopes are kept: "abc" is not split into three "events".
    const kept = JSON.parse((await stored(page, storageKey(tag)))!) as string[];
    expect(kept.map((entry) => JSON.parse(entry).properties.referrer)).toEqual(referrers(tag, 3));

    await load(page, uncaught);
    await startAndFlush(page, webhookUrl(tag), []);
    expect(arrived(tag)).toEqual(referrers(tag, 3));
    const next = await report(page);
    expect(next.stats.destinations.webhook).toMatchObject({ routed: 3, delivered: 3, pending: 0, dropped: {} });
    expect(next.errors).toEqual([]);
    expect(uncaught).toEqual([]);
    await context.close();
  });

  it('checks each entry: the valid events stored beside corrupt ones are delivered with the new ones, only the corrupt ones counted', async () => {
    const tag = 'mixed';
    const context = await newContext();
    const uncaught: string[] = [];
    const page = await load(await context.newPage(), uncaught);
    await startAndHideBeforeTheChunkLoads(page, webhookUrl(tag), referrers(tag, 2));
    const valid = JSON.parse((await stored(page, storageKey(tag)))!) as string[];
    expect(valid).toHaveLength(2);
    // Entries that are not an event envelope's JSON, around and between the valid ones.
    const corrupt = ['not json', '{"a":1}', '"abc"', '[]', 'null', 42, { uuid: 'x' }, JSON.stringify({ uuid: 'u', event_name: 'e', occurred_at: 't', properties: [] })];
    await seed(page, storageKey(tag), JSON.stringify([corrupt[0], valid[0], ...corrupt.slice(1, 4), valid[1], ...corrupt.slice(4)]));

    await load(page, uncaught);
    await startAndFlush(page, webhookUrl(tag), referrers(tag, 2, 2));
    expect(arrived(tag)).toEqual(referrers(tag, 4));
    const { stats, errors } = await report(page);
    expect(stats.destinations.webhook).toMatchObject({ delivered: 4, pending: 0, dropped: { storage_corrupt: corrupt.length } });
    expectBalancedBooks(stats);
    expect(errors).toHaveLength(1);
    expect(uncaught).toEqual([]);
    await context.close();
  });

  it('leaves a valid handoff alone: stored, added to by a page that hides before its chunk loads, then all delivered, nothing counted as corrupt', async () => {
    const tag = 'valid';
    const context = await newContext();
    const uncaught: string[] = [];
    const page = await load(await context.newPage(), uncaught);

    await startAndHideBeforeTheChunkLoads(page, webhookUrl(tag), referrers(tag, 2));
    expect((await report(page)).stats.destinations.webhook.dropped).toEqual({ handed_to_next_page: 2 });

    // The next page hides before its chunk loads too: what is stored stays, its own event joins it.
    await load(page, uncaught);
    await startAndHideBeforeTheChunkLoads(page, webhookUrl(tag), referrers(tag, 1, 2));
    const second = await report(page);
    expect(second.stats.destinations.webhook).toMatchObject({ routed: 1, dropped: { handed_to_next_page: 1 } });
    expect(second.errors).toEqual([]);
    expect(JSON.parse((await stored(page, storageKey(tag)))!)).toHaveLength(3);

    await load(page, uncaught);
    await startAndFlush(page, webhookUrl(tag), referrers(tag, 1, 3));
    expect(arrived(tag)).toEqual(referrers(tag, 4));
    const third = await report(page);
    expect(third.stats.destinations.webhook).toMatchObject({ routed: 4, delivered: 4, pending: 0, dropped: {} });
    expect(third.errors).toEqual([]);
    expect(uncaught).toEqual([]);
    await context.close();
  });
});
