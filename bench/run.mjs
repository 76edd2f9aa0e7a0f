// `npm run bench`: trackplan beside the SDKs people use today, in one run, on this machine.
// Writes bench/results/latest.md and latest.json. Peers are dev dependencies of the bench only.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { catalog, event, properties } from './catalog.mjs';
import { createTracker } from '../dist/node/index.js';

const quick = process.argv.includes('--quick');
const results = { date: new Date().toISOString(), node: process.version, quick };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const log = (line) => process.stderr.write(`${line}\n`);

// 1. Pipeline cost per event: envelope + validation + guards, no delivery (a disabled tracker routes nothing).
// The three are timed in alternating rounds, so a busy moment on the machine hits all of them alike.
function perEventSideBySide(fns, n) {
  const runs = Object.fromEntries(Object.keys(fns).map((name) => [name, []]));
  for (const fn of Object.values(fns)) for (let i = 0; i < 20_000; i++) fn(i); // warm-up
  for (let round = 0; round < 9; round++) {
    for (const [name, fn] of Object.entries(fns)) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) fn(i);
      runs[name].push(Number(process.hrtime.bigint() - start) / n);
    }
  }
  return Object.fromEntries(Object.entries(runs).map(([name, xs]) => [name, median(xs)]));
}
const sample = event(1);
const tracker = createTracker(catalog, { disabled: true });
const n = quick ? 50_000 : 200_000;
results.pipeline = perEventSideBySide(
  {
    trackplanNs: () => tracker.track('order_paid', sample, { distinctId: 'u_1' }),
    zodSafeParseNs: () => properties.safeParse(sample),
    jsonStringifyNs: () => JSON.stringify(sample),
    dateNowNs: () => Date.now(),
  },
  n,
);
results.pipeline.ratioToZod = results.pipeline.trackplanNs / results.pipeline.zodSafeParseNs;
log(`pipeline: ${JSON.stringify(results.pipeline)}`);

// 2. End to end against a sink in a separate process.
const sink = spawn(process.execPath, ['bench/sink.mjs'], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => sink.stdout.once('data', (d) => resolve(JSON.parse(String(d)).port)));
const sinkUrl = `http://127.0.0.1:${port}`;
// A fresh connection each time: a kept-alive one may have been closed by the sink meanwhile.
const resetSink = async () => {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(`${sinkUrl}/reset`, { method: 'POST', headers: { connection: 'close' } });
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
};
const scenarios = ['trackplan-posthog', 'trackplan-posthog-direct', 'trackplan-webhook', 'posthog-node', 'posthog-node (queue sized to the burst)', '@segment/analytics-node'];
results.endToEnd = [];
for (const burst of quick ? [20_000] : [20_000, 200_000]) {
  for (const name of scenarios) {
    await resetSink();
    const started = Date.now();
    try {
      const out = execFileSync(process.execPath, ['--max-old-space-size=8192', 'bench/scenario.mjs', name, String(burst), sinkUrl], { encoding: 'utf8', timeout: 200_000, stdio: ['ignore', 'pipe', 'ignore'] });
      const row = JSON.parse(out.trim().split('\n').at(-1));
      delete row.trackerStats;
      results.endToEnd.push(row);
      log(`${burst} ${name}: ${row.delivered} delivered, ${Math.round(row.eventsPerSecond)}/s, ${row.requests} requests, ${Math.round(row.peakRssMb)} MB`);
    } catch (error) {
      results.endToEnd.push({ name, burst, error: `did not finish within 200 s (${Math.round((Date.now() - started) / 1000)} s)` });
      log(`${burst} ${name}: failed ${error.message.split('\n')[0]}`);
    }
  }
}
sink.kill();

// 3. Receiver down for 1,000,000 events, then shutdown(5000).
const downCount = quick ? 200_000 : 1_000_000;
const down = JSON.parse(execFileSync(process.execPath, ['bench/receiver-down.mjs', String(downCount)], { encoding: 'utf8', timeout: 300_000 }).trim());
results.receiverDown = { events: downCount, ...down };
log(`receiver down: ${JSON.stringify(results.receiverDown)}`);

// 4. Browser bundle bytes: esbuild, minified, browser, ESM with code splitting. Up front = the entry
// chunk plus the chunks it imports statically. After init() = also the chunks the entry imports with
// import() (a generated client's tracker runtime) and their static imports; total = every chunk,
// those only some configurations load (the webhook's code, posthog-js by apiKey) included.
async function pageBytes(contents, externals = []) {
  const alias = { 'trackplan/browser': './dist/browser/index.js', 'trackplan/client': './dist/browser/client.js', trackplan: './dist/index.js' };
  const result = await build({ stdin: { contents, resolveDir: process.cwd(), loader: 'ts' }, bundle: true, minify: true, format: 'esm', splitting: true, platform: 'browser', outdir: 'bench/.out', write: false, metafile: true, external: externals, alias, logLevel: 'silent' });
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((file) => outputs[file].entryPoint);
  const closure = (roots) => {
    const set = new Set(roots);
    for (const file of set) for (const imported of outputs[file].imports) if (imported.kind === 'import-statement' && !imported.external) set.add(imported.path);
    return set;
  };
  const upFront = closure([entry]);
  const afterInit = closure([entry, ...outputs[entry].imports.filter((i) => i.kind === 'dynamic-import' && !i.external).map((i) => i.path)]);
  const textOf = (files) => result.outputFiles.filter((f) => [...files].some((p) => f.path.endsWith(p.replace(/^bench\/\.out\//, '')))).map((f) => f.text).join('\n');
  const code = textOf(upFront);
  const init = textOf(afterInit);
  const all = result.outputFiles.map((f) => f.text).join('\n');
  return {
    minified: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code).length,
    afterInit: { minified: init.length, gzip: gzipSync(init, { level: 9 }).length },
    total: { chunks: result.outputFiles.length, minified: all.length, gzip: gzipSync(all, { level: 9 }).length, brotli: brotliCompressSync(all).length },
    zod: /ZodError|\$ZodType/.test(all),
  };
}
results.bundles = {
  'trackplan generated client (storefront, PostHog via snippet + GA4)': await pageBytes(
    `import { init, trackCheckoutStart } from './schema/clients/storefront/index'; init({ posthog: { client: window.posthog }, ga4: { measurementId: 'G-TEST1234' } }); trackCheckoutStart({ order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' });`,
    ['posthog-js'],
  ),
  'trackplan createTracker(catalog) with zod (storefront)': await pageBytes(
    `import { createTracker } from 'trackplan/browser'; import { catalog } from './schema/storefront'; const t = createTracker(catalog, { posthog: { client: window.posthog }, ga4: { measurementId: 'G-TEST1234' } }); t.track('checkout.start', { order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' });`,
    ['posthog-js'],
  ),
  'posthog-js (full, import + init + one capture)': await pageBytes(`import posthog from 'posthog-js'; posthog.init('phc_x', { api_host: 'https://us.i.posthog.com' }); posthog.capture('x');`),
  "zod: import { z } from 'zod'": await pageBytes(`import { z } from 'zod'; console.log(z.object({ a: z.string() }).safeParse({ a: 'x' }));`),
  "zod: import * as z from 'zod'": await pageBytes(`import * as z from 'zod'; console.log(z.object({ a: z.string() }).safeParse({ a: 'x' }));`),
};
log(`bundles: ${JSON.stringify(results.bundles)}`);

// 5. Type-check time of generated catalogs: 500 events with 1,000 call sites beside 50 events with 100.
function typecheckSeconds(events, calls) {
  // Inside the repository, so zod and @types/node resolve from its node_modules.
  mkdirSync('bench/.out', { recursive: true });
  const dir = mkdtempSync(join(process.cwd(), 'bench/.out/tc-'));
  const lines = [`import * as z from 'zod';`, `import { defineCatalog, defineEvent, createTracker } from '${process.cwd()}/src/node/index';`, `export const catalog = defineCatalog({ name: 'big', version: 1, events: {`];
  for (let i = 0; i < events; i++) lines.push(`  event_${i}_happened: defineEvent({ description: 'Event ${i}', properties: z.object({ id_${i}: z.string(), count: z.number().int(), tier: z.enum(['a', 'b']), note: z.string().optional() }) }),`);
  lines.push(`}});`, `const t = createTracker(catalog, {});`);
  lines[1] = lines[1].replace(`'${process.cwd()}/src/node/index'`, `'../../../src/node/index'`);
  for (let i = 0; i < calls; i++) lines.push(`t.track('event_${i % events}_happened', { id_${i % events}: 'x', count: ${i}, tier: 'a' });`);
  writeFileSync(join(dir, 'catalog.ts'), lines.join('\n'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, module: 'ESNext', moduleResolution: 'Bundler', target: 'ES2022', types: ['node'] }, files: ['catalog.ts'] }));
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, [`${process.cwd()}/node_modules/typescript/bin/tsc`, '-p', join(dir, 'tsconfig.json')], { stdio: 'inherit' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(dir, { recursive: true, force: true });
  return seconds;
}
const small = typecheckSeconds(50, 100);
const large = typecheckSeconds(500, 1000);
results.typecheck = { '50 events, 100 calls': small, '500 events, 1,000 calls': large, growth: large / small };
log(`typecheck: ${JSON.stringify(results.typecheck)}`);

mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', `${JSON.stringify(results, null, 2)}\n`);
writeFileSync('bench/results/latest.md', markdown(results));
process.stdout.write(markdown(results));
rmSync('bench/.out', { recursive: true, force: true });

function markdown(r) {
  const f = (x, d = 0) => (typeof x === 'number' ? x.toLocaleString('en-US', { maximumFractionDigits: d }) : String(x));
  const out = [`# trackplan benchmark (${r.date}, Node ${r.node}${r.quick ? ', quick' : ''})`, ''];
  out.push('## Pipeline cost per event (8 properties, 4 strings; envelope + validation + guards, no delivery)', '', '| what | ns/event |', '| --- | --- |');
  out.push(`| trackplan track() | ${f(r.pipeline.trackplanNs)} |`, `| zod safeParse alone | ${f(r.pipeline.zodSafeParseNs)} |`, `| JSON.stringify alone | ${f(r.pipeline.jsonStringifyNs)} |`, `| Date.now() alone (one per event; the clock of this VM) | ${f(r.pipeline.dateNowNs)} |`, `| ratio to zod | ${f(r.pipeline.ratioToZod, 2)}x |`, '');
  out.push('## End to end against a local sink in another process', '', '| burst | client | call ns/event | events/s end to end | delivered | requests | bytes on the wire | peak RSS MB |', '| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of r.endToEnd) out.push(row.error ? `| ${f(row.burst)} | ${row.name} | ${row.error} | | | | | |` : `| ${f(row.burst)} | ${row.name} | ${f(row.callNsPerEvent)} | ${f(row.eventsPerSecond)} | ${f(row.delivered)} | ${f(row.requests)} | ${f(row.bytes)} | ${f(row.peakRssMb)} |`);
  out.push('', `## Receiver down: ${f(r.receiverDown.events)} events, then shutdown(5000)`, '', '| peak RSS MB | track() loop s | shutdown s | delivered | dropped | every event accounted |', '| --- | --- | --- | --- | --- | --- |');
  out.push(`| ${f(r.receiverDown.peakRssMb)} | ${f(r.receiverDown.trackSeconds, 2)} | ${f(r.receiverDown.shutdownSeconds, 2)} | ${f(r.receiverDown.delivered)} | ${Object.entries(r.receiverDown.dropped).map(([k, v]) => `${k}: ${f(v)}`).join(', ')} | ${r.receiverDown.everyEventAccounted} |`, '');
  out.push('## Browser bundle (esbuild, minified, ESM with code splitting)', '', 'Up front: the entry chunk and the chunks it imports statically. After init(): also the chunks the entry loads with `import()` and their static imports (for a generated client, its tracker runtime; for the createTracker page, the webhook\'s code, which loads only when a webhook is configured). All chunks: every chunk of the page.', '', '| page | up front minified | up front gzip -9 | up front brotli | after init() minified | after init() gzip -9 | all chunks | all minified | all gzip -9 | contains zod |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, b] of Object.entries(r.bundles)) out.push(`| ${name} | ${f(b.minified)} | ${f(b.gzip)} | ${f(b.brotli)} | ${f(b.afterInit.minified)} | ${f(b.afterInit.gzip)} | ${f(b.total.chunks)} | ${f(b.total.minified)} | ${f(b.total.gzip)} | ${b.zod ? 'yes' : 'no'} |`);
  out.push('', '## Type-check time (tsc --noEmit)', '', '| catalog | seconds |', '| --- | --- |');
  for (const [name, s] of Object.entries(r.typecheck)) out.push(`| ${name} | ${f(s, 2)}${name === 'growth' ? 'x' : ''} |`);
  return `${out.join('\n')}\n`;
}
