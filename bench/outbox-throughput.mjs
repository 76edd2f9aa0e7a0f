// Dispatch throughput of the outbox: N recorded rows forwarded to a local webhook sink, on PGlite and
// (when TRACKPLAN_TEST_DATABASE_URL is set) on PostgreSQL. node bench/outbox-throughput.mjs [rows]
import { createServer } from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { catalog, event } from './catalog.mjs';
import { createDispatcher, createOutbox, toSqlDatabase } from '../dist/outbox/index.js';

const rows = Number(process.argv[2] ?? 20_000);
let received = 0;
const sink = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    received += JSON.parse(Buffer.concat(chunks).toString()).events.length;
    res.end('{}');
  });
});
await new Promise((resolve) => sink.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${sink.address().port}/webhook`;

async function measure(name, db) {
  const table = `tp_bench_${Date.now()}`;
  const outbox = createOutbox(catalog, { db, table });
  await outbox.migrate();
  const sql = toSqlDatabase(db);
  const recordStart = performance.now();
  for (let chunk = 0; chunk < rows / 1000; chunk++)
    await sql.transaction(async (tx) => {
      for (let i = 0; i < 1000; i++) await outbox.record(tx, 'order_paid', event(chunk * 1000 + i), { distinctId: 'u' });
    });
  const recordSeconds = (performance.now() - recordStart) / 1000;
  received = 0;
  const dispatcher = createDispatcher(outbox, { webhook: { url }, batchSize: 1000 });
  const start = performance.now();
  while ((await outbox.rowStats()).pending > 0) await dispatcher.runOnce();
  const seconds = (performance.now() - start) / 1000;
  await dispatcher.shutdown();
  return { driver: name, rows, recordPerSecond: Math.round(rows / recordSeconds), dispatchPerSecond: Math.round(rows / seconds), delivered: received };
}

const results = [];
const lite = new PGlite();
results.push(await measure('PGlite (in-process)', lite));
await lite.close();
if (process.env.TRACKPLAN_TEST_DATABASE_URL) {
  const pool = new pg.Pool({ connectionString: process.env.TRACKPLAN_TEST_DATABASE_URL, max: 4 });
  results.push(await measure('PostgreSQL 15 (127.0.0.1)', pool));
  await pool.end();
}
sink.close();
console.log(JSON.stringify(results, null, 2));
