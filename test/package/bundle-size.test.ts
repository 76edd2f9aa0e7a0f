import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * What a page loads up front (CLARIFICATIONS, Performance): esbuild, minified, browser, ESM with code
 * splitting; the entry chunk plus the chunks it imports statically; posthog-js loaded by the snippet.
 * Code behind a dynamic import() (the tracker runtime a generated client loads at init()) is not
 * up front; `total` counts every chunk, so what the page loads in all is visible too.
 */
const BUDGET_BYTES = 8 * 1024;
const NODE_ONLY = [/["'`]node:[a-z_/]+["'`]/, /posthog-node/, /AsyncLocalStorage/];
const ZOD = /ZodError|zod\/v4|\$ZodType/;

export interface PageBytes {
  /** gzip -9 of the entry chunk and the chunks it imports statically. */
  gzip: number;
  raw: number;
  code: string;
  /** Every chunk of the page, the lazy ones included (concatenated, then gzip -9). */
  total: { gzip: number; raw: number; code: string };
  /** What esbuild warned about while bundling (e.g. an import it dropped). */
  warnings: string[];
}

export async function pageBytes(source: string): Promise<PageBytes> {
  const result = await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    splitting: true,
    platform: 'browser',
    outdir: 'dist/.size',
    write: false,
    external: ['posthog-js'],
    // The browser build, as a bundler picks it through the package's `browser` export conditions.
    alias: { 'trackplan/browser': './dist/browser/index.js', 'trackplan/client': './dist/browser/client.js', trackplan: './dist/index.js' },
    metafile: true,
    logLevel: 'error',
  });
  const outputs = result.metafile!.outputs;
  const entry = Object.keys(outputs).find((file) => outputs[file].entryPoint)!;
  const upFront = new Set([entry]);
  for (const file of upFront) for (const imported of outputs[file].imports) if (imported.kind === 'import-statement' && !imported.external) upFront.add(imported.path);
  const isUpFront = (path: string) => [...upFront].some((out) => path.endsWith(out.replace(/^.*dist\/\.size\//, '')));
  const code = result.outputFiles.filter((f) => isUpFront(f.path)).map((f) => f.text).join('\n');
  const all = result.outputFiles.map((f) => f.text).join('\n');
  // esbuild's code splitting adds bare imports of the chunks a chunk's modules need; the package marks
  // those chunks side-effect free, so the app's bundler drops the bare import and says so. Not a defect.
  const warnings = result.warnings
    .map((w) => `${w.location?.file ?? ''}: ${w.text}`)
    .filter((w) => !/Ignoring this import because "dist\/chunk-[\w-]+\.js" was marked as having no side effects/.test(w));
  return { gzip: gzipSync(code, { level: 9 }).length, raw: code.length, code, total: { gzip: gzipSync(all, { level: 9 }).length, raw: all.length, code: all }, warnings };
}

describe('browser bundle', () => {
  it('the generated storefront client with PostHog and GA4 loads at most 8 KB up front and carries no zod', async () => {
    const page = `import { init, trackCheckoutStart } from './schema/clients/storefront/index';
      init({ posthog: { client: window.posthog }, ga4: { measurementId: 'G-TEST1234' } });
      trackCheckoutStart({ order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' });`;
    const { gzip, code, total } = await pageBytes(page);
    console.info(`[size] generated-client page: ${gzip} bytes gzip -9 up front (budget ${BUDGET_BYTES}); ${total.gzip} bytes gzip -9 with every chunk (those loaded by import() included)`);
    expect(gzip).toBeLessThanOrEqual(BUDGET_BYTES);
    // The tracker runtime is behind import(), not up front; zod and Node-only code are nowhere.
    expect(code).not.toMatch(/maxEventBytes/);
    expect(total.code).toMatch(/maxEventBytes/);
    for (const pattern of [ZOD, ...NODE_ONLY]) expect(pattern.test(total.code), String(pattern)).toBe(false);
  });

  it('bundles without a warning, so an app built with esbuild or Vite sees none from trackplan', async () => {
    // The code-split browser build imports its shared chunks bare: with the package marked free of
    // side effects, esbuild would drop those imports and warn in every app's build.
    const tracker = await pageBytes(`import { createTracker, defineCatalog } from 'trackplan/browser';
      createTracker(defineCatalog({ name: 'x', version: 1, events: {} }), { webhook: { url: '/analytics' } });`);
    expect(tracker.warnings).toEqual([]);
    const client = await pageBytes(`import { init } from './schema/clients/storefront/index'; init({});`);
    expect(client.warnings).toEqual([]);
  });

  it('the root entry is isomorphic: a page bundling it gets no Node-only code and no tracker', async () => {
    const root = await pageBytes(`import { defineCatalog, renderSnippets, TrackplanConfigError } from 'trackplan'; console.log(defineCatalog, renderSnippets, TrackplanConfigError);`);
    for (const pattern of NODE_ONLY) expect(pattern.test(root.total.code), String(pattern)).toBe(false);
    expect(root.total.code).not.toMatch(/maxEventBytes/); // the tracker's option checks: no tracker came along
    expect(root.warnings).toEqual([]);
  });

  it('no Node-only names anywhere in the browser build', () => {
    const files = readdirSync('dist/browser').filter((f) => /\.c?js$/.test(f)).map((f) => join('dist/browser', f));
    for (const entry of ['index.js', 'index.cjs', 'client.js', 'client.cjs']) expect(files).toContain(join('dist/browser', entry));
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      for (const pattern of NODE_ONLY) expect(pattern.test(code), `${file}: ${pattern}`).toBe(false);
    }
  });
});
