// The JavaScript examples/nextjs-app's page loads, with and without trackplan, measured in
// Chromium as users get it: `next build` + `next start` (gzip on), bytes on the wire per script.
// Up front: scripts the HTML loads (parser-initiated) until the page is idle; after init(): scripts
// requested by other scripts (the tracker runtime's import() chunk). posthog-js's array.js, which
// the snippet loads from PostHog's host, is listed apart. Run after `npm run build`:
//   node bench/nextjs-bytes.mjs     (needs examples/nextjs-app/node_modules/trackplan: run its test once)
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startInspector } from '../dist/node/index.js';

const root = resolve(import.meta.dirname, '..');
const app = join(root, 'examples/nextjs-app');
const bare = join(root, '.tmp/nextjs-app-bare');
const nextBin = join(root, 'node_modules/next/dist/bin/next');
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', POSTHOG_KEY: 'phc_bytes' };

/** The same app without trackplan: no snippets, no provider, no tracking calls, no flags. */
function writeBareApp() {
  rmSync(bare, { recursive: true, force: true });
  cpSync(app, bare, { recursive: true, filter: (source) => !/[/\\](\.next|\.trackplan)$/.test(source) });
  writeFileSync(join(bare, 'proxy.ts'), "export function proxy() {}\n");
  writeFileSync(join(bare, 'app/layout.tsx'), "import type { ReactNode } from 'react';\nexport default function RootLayout({ children }: { children: ReactNode }) {\n  return (<html lang=\"en\"><head /><body>{children}</body></html>);\n}\n");
  writeFileSync(join(bare, 'app/page.tsx'), "import Link from 'next/link';\nimport { Checkout } from './checkout';\nexport const dynamic = 'force-dynamic';\nexport default function Home() {\n  return (<main><h1>Shop</h1><p>Checkout variant (server): <span id=\"flag-server\">control</span></p><Checkout /><nav><Link id=\"to-about\" href=\"/about\">About</Link></nav></main>);\n}\n");
  writeFileSync(join(bare, 'app/checkout.tsx'), "'use client';\nimport { useState } from 'react';\nexport function Checkout() {\n  const [result, setResult] = useState('');\n  return (<section><p>Checkout variant (browser): <span id=\"flag-browser\">control</span></p><button id=\"signup\" onClick={() => setResult('clicked')}>Sign up</button><output id=\"result\">{result}</output></section>);\n}\n");
  rmSync(join(bare, 'app/actions.ts'));
  rmSync(join(bare, 'app/analytics-provider.tsx'));
  rmSync(join(bare, 'app/api'), { recursive: true });
  rmSync(join(bare, 'trackplan.d.ts'));
  rmSync(join(bare, 'analytics'), { recursive: true });
}

async function measure(dir, browser, inspectorUrl) {
  const built = spawnSync(process.execPath, [nextBin, 'build'], { cwd: dir, env: { ...env, NODE_ENV: 'production' }, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(built.stdout + built.stderr);
  const port = 40000 + Math.floor(Math.random() * 20000);
  const server = spawn(process.execPath, [nextBin, 'start', '-H', '127.0.0.1', '-p', String(port)], { cwd: dir, env: { ...env, NODE_ENV: 'production', POSTHOG_HOST: inspectorUrl }, stdio: 'ignore', detached: true });
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/about`)).ok) break;
      } catch {}
      if (i > 600) throw new Error('next start did not answer');
      await new Promise((r) => setTimeout(r, 100));
    }
    const page = await browser.newPage({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36' });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    const requests = new Map();
    cdp.on('Network.requestWillBeSent', (e) => requests.set(e.requestId, { url: e.request.url, initiator: e.initiator.type, type: e.type }));
    cdp.on('Network.responseReceived', (e) => {
      const r = requests.get(e.requestId);
      if (r) r.type = e.type;
    });
    cdp.on('Network.loadingFinished', (e) => {
      const r = requests.get(e.requestId);
      if (r) r.bytes = e.encodedDataLength;
    });
    await page.goto(url + '/', { waitUntil: 'networkidle' });
    await page.waitForTimeout(1500); // settle: late chunks after init()
    const scripts = [...requests.values()].filter((r) => r.type === 'Script' && r.bytes !== undefined);
    const own = scripts.filter((r) => r.url.startsWith(url));
    const sum = (list) => list.reduce((n, r) => n + r.bytes, 0);
    const upFront = own.filter((r) => r.initiator === 'parser');
    const later = own.filter((r) => r.initiator !== 'parser');
    const posthog = scripts.filter((r) => !r.url.startsWith(url));
    await page.close();
    return { upFront: sum(upFront), afterInit: sum(later), later: later.map((r) => `${r.url.replace(url, '')} ${r.bytes}`), posthogHost: sum(posthog), posthogScripts: posthog.map((r) => `${new URL(r.url).pathname} ${r.bytes}`) };
  } finally {
    process.kill(-server.pid, 'SIGTERM');
  }
}

writeBareApp();
const inspector = await startInspector({ catalogs: [], port: 0 });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  const without = await measure(bare, browser, inspector.url);
  const withTrackplan = await measure(app, browser, inspector.url);
  console.log(JSON.stringify({ without, with: withTrackplan, addedUpFront: withTrackplan.upFront - without.upFront, addedAfterInit: withTrackplan.afterInit - without.afterInit }, null, 2));
} finally {
  await browser.close();
  await inspector.close();
}
