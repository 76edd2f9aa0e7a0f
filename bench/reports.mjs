// `node bench/reports.mjs [--pglite-only] [--no-10m]`: a 4-step funnel on generated events (not a test).
// 1,000,000 events (50,000 users × 20 over 60 days) on PostgreSQL and PGlite, then 10,000,000 on
// PostgreSQL (500,000 users). Data is generated inside the database (setseed, generate_series), so
// the load is bounded by the database, not by the client. PostgreSQL: TRACKPLAN_TEST_DATABASE_URL,
// else a throwaway cluster started here (as test/helpers/postgres.ts does; needs root and the server binaries).
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import { defineCatalog, defineEvent, defineFunnel } from '../dist/index.js';
import { createOutbox } from '../dist/outbox/index.js';
import { funnel } from '../dist/reports/index.js';

const log = (line) => process.stderr.write(`${line}\n`);
const args = new Set(process.argv.slice(2));
const NAMES = ['user_login_succeeded', 'inventory_item_created', 'recipe_created', 'batch_started', 'timer_started', 'stock_check_run'];
const catalog = defineCatalog({
  name: 'bench_reports',
  version: 1,
  events: Object.fromEntries(NAMES.map((name) => [name, defineEvent({ description: name, properties: z.object({ is_first_login: z.boolean().optional() }) })])),
  funnels: {
    first_value: defineFunnel({
      description: 'First login to first batch',
      steps: [{ event: 'user_login_succeeded', where: { is_first_login: true } }, 'inventory_item_created', 'recipe_created', 'batch_started'],
      window: '7d',
    }),
  },
});
const FROM = '2026-01-01T00:00:00Z';
const TO = '2026-03-02T00:00:00Z'; // 60 days

async function load(db, table, users, perUser) {
  const outbox = createOutbox(catalog, { db, table });
  await db.query(`DROP TABLE IF EXISTS "${table}"`);
  await outbox.migrate();
  // Indexes are built after the load (as a bulk import would do): drop the report ones, load, re-run migrate().
  const started = Date.now();
  await db.query(`SELECT setseed(0.42)`);
  await db.query(`INSERT INTO "${table}" (uuid, event_name, occurred_at, user_id, organization_id, schema_version, properties, catalog_name, catalog_version, is_processed)
    SELECT 'b-' || g, (ARRAY[${NAMES.map((n) => `'${n}'`).join(',')}])[1 + floor(random() * 6)::int],
           '${FROM}'::timestamptz + random() * interval '60 days', 'u' || (g % ${users}), 'o' || (g % ${users} % 500), 1,
           CASE WHEN random() < 0.5 THEN '{"is_first_login": true}'::jsonb ELSE '{}'::jsonb END, 'bench_reports', 1, true
    FROM generate_series(1, ${users * perUser}) g`);
  await outbox.migrate();
  await db.query(`ANALYZE "${table}"`);
  log(`  loaded ${users * perUser} events (${users} users) and built indexes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function timeFunnel(db, table, label) {
  const runs = [];
  let result;
  for (let i = 0; i < 3; i++) {
    const started = process.hrtime.bigint();
    result = await funnel(db, catalog.funnels.first_value, { from: FROM, to: TO, table });
    runs.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  const median = [...runs].sort((a, b) => a - b)[1];
  log(`  ${label}: funnel ${runs.map((r) => r.toFixed(3)).join(' / ')} s (median ${median.toFixed(3)} s); counts ${result.steps.map((s) => s.count).join(' → ')}; total median ${result.totalMedianSeconds?.toFixed(0)} s`);
  return median;
}

function startCluster() {
  if (process.env.TRACKPLAN_TEST_DATABASE_URL) return { url: process.env.TRACKPLAN_TEST_DATABASE_URL, stop() {} };
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort() : [];
  const bin = versions.length ? `/usr/lib/postgresql/${versions.at(-1)}/bin` : undefined;
  if (!bin || process.getuid?.() !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'trackplan-bench-pg-'));
  execSync(`chown postgres:postgres ${dir}`);
  const port = 56000 + Math.floor(Math.random() * 4000);
  const as = (command) => execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', command], { stdio: 'ignore' });
  as(`${bin}/initdb -D ${dir}/data -U postgres --auth=trust -E UTF8`);
  as(`${bin}/pg_ctl -D ${dir}/data -o "-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c shared_buffers=256MB -c max_wal_size=4GB" -l ${dir}/log -w start`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      as(`${bin}/pg_ctl -D ${dir}/data -m fast stop`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const figures = {};
if (!args.has('--pglite-only')) {
  const cluster = startCluster();
  if (!cluster) log('PostgreSQL: no server (set TRACKPLAN_TEST_DATABASE_URL); skipped');
  else {
    const pg = (await import('pg')).default;
    const pool = new pg.Pool({ connectionString: cluster.url, max: 2 });
    try {
      const { rows } = await pool.query('SELECT version()');
      log(`PostgreSQL: ${rows[0].version}`);
      await load(pool, 'bench_events_1m', 50_000, 20);
      figures.postgres1m = await timeFunnel(pool, 'bench_events_1m', '1,000,000 events');
      await pool.query('DROP TABLE bench_events_1m');
      if (!args.has('--no-10m')) {
        await load(pool, 'bench_events_10m', 500_000, 20);
        figures.postgres10m = await timeFunnel(pool, 'bench_events_10m', '10,000,000 events');
        await pool.query('DROP TABLE bench_events_10m');
      }
    } finally {
      await pool.end();
      cluster.stop();
    }
  }
}
{
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite();
  await db.waitReady;
  const { rows } = await db.query('SELECT version()');
  log(`PGlite: ${rows[0].version}`);
  await load(db, 'bench_events_1m', 50_000, 20);
  figures.pglite1m = await timeFunnel(db, 'bench_events_1m', '1,000,000 events');
  await db.close();
}
log(`targets: PostgreSQL 1M <= 0.6 s, PGlite 1M <= 1 s`);
process.stdout.write(`${JSON.stringify(figures)}\n`);
