import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Apps compiled as their build tools compile them, against the built package (its `exports` and
 * `.d.ts` files, found by the package's own name): a Vite or Next.js app (`moduleResolution:
 * bundler`, which does not apply the `browser` condition) and Node services (`node16`, `nodenext`).
 * Nothing is cast: a wrong runtime's options must be a compile error, the right ones must pass.
 */
const ROOT = join(process.cwd(), '.tmp', 'app-types');

/** The same small catalog in both apps. */
const CATALOG = `const catalog = defineCatalog({
  name: 'app',
  version: 1,
  events: {
    'checkout.start': defineEvent({ description: 'Checkout opened', properties: z.object({ order_id: z.string() }) }),
    app_opened: defineEvent({ description: 'App opened', properties: z.object({}) }),
  },
});
`;

const browserApp = `
import * as z from 'zod';
import { createTracker, defineCatalog, defineEvent, type BrowserTracker } from 'trackplan/browser';
import { renderSnippets, TrackplanConfigError } from 'trackplan';
import * as analytics from './browser-client/index.js';

${CATALOG}
declare const posthog: Parameters<typeof createTracker>[1] extends infer O ? O extends { posthog?: infer P } ? Extract<P, { client: unknown }>['client'] : never : never;
const tracker: BrowserTracker<typeof catalog> = createTracker(catalog, { posthog: { client: posthog }, ga4: { measurementId: 'G-TEST1' }, consent: 'pending' });
tracker.track('checkout.start', { order_id: 'o' });
tracker.track('app_opened');
// @ts-expect-error a required property is missing
tracker.track('checkout.start', {});
tracker.setConsent('granted');
tracker.optOut();
void analytics.init({ posthog: { client: posthog }, consent: 'pending', maxHeld: 10 }).then((t) => t.setConsent('granted'));
analytics.trackCheckoutStart({ order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' });
// @ts-expect-error the browser tracker has no Node-only withContext
tracker.withContext({}, () => 1);
// @ts-expect-error the root entry has no tracker: trackers come from trackplan/node or trackplan/browser
import('trackplan').then((m) => m.createTracker);
void renderSnippets; void TrackplanConfigError;
`;

const nodeApp = `
import * as z from 'zod';
import { createTracker, defineCatalog, defineEvent } from 'trackplan/node';
import * as analytics from './node-client/index.js';

${CATALOG}
const tracker = createTracker(catalog, { posthog: { apiKey: 'phc_x', host: 'http://127.0.0.1:1' }, distinctId: 'system' });
tracker.withContext({ distinctId: 'u1' }, () => tracker.track('checkout.start', { order_id: 'o' }));
void analytics.init({ posthog: { apiKey: 'phc_x' } }).then((t) => t.withContext({ distinctId: 'u' }, () => 1));
// @ts-expect-error consent is a browser option: a Node client's init() does not take it
void analytics.init({ consent: 'pending' });
`;

function compile(mode: 'bundler' | 'node16' | 'nodenext'): { status: number | null; output: string } {
  const dir = join(ROOT, mode);
  const module = mode === 'bundler' ? 'ESNext' : mode === 'node16' ? 'Node16' : 'NodeNext';
  writeFileSync(join(dir, 'browser-app.ts'), browserApp);
  writeFileSync(join(dir, 'node-app.ts'), nodeApp);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module, moduleResolution: mode, strict: true, noEmit: true, skipLibCheck: true, lib: ['ES2022', 'DOM'], types: ['node'] },
      files: ['browser-app.ts', 'node-app.ts'],
    }),
  );
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('types in apps, as their build tools compile them', () => {
  for (const mode of ['bundler', 'node16', 'nodenext'] as const) {
    it(`moduleResolution ${mode}: browser and Node apps and their generated clients compile with no cast`, () => {
      const dir = join(ROOT, mode);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      for (const target of ['browser', 'node'])
        execFileSync(process.execPath, ['dist/cli/index.js', 'generate', 'schema/storefront.ts', '--target', target, '--out', join(dir, `${target}-client`), '--schema-out', join(dir, 'json'), '--docs-out', join(dir, 'docs')]);
      const { status, output } = compile(mode);
      expect(output).toBe('');
      expect(status).toBe(0);
    }, 60_000);
  }
});
