import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index';
import { createOutbox, toSqlDatabase } from '../../src/outbox/index';
import { uuidOf } from '../helpers/outbox-drivers';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { catalog } from '../fixtures/storefront-catalog';

const ENV_KEYS = ['ANALYTICS_WEBHOOK_URL', 'DOMAIN_EVENT_WEBHOOK_URL', 'POSTHOG_API_KEY', 'POSTHOG_PROJECT_API_KEY'] as const;

describe('trackplan dispatch', () => {
  let receiver: Receiver;
  let dir: string;
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    receiver = await startReceiver();
    dir = mkdtempSync(join(tmpdir(), 'trackplan-dispatch-'));
    for (const key of ENV_KEYS) {
      saved[key] = process.env[key];
      delete process.env[key];
    }
    process.env.ANALYTICS_WEBHOOK_URL = `${receiver.url}/webhook`;
  });
  afterAll(async () => {
    for (const key of ENV_KEYS) if (saved[key] === undefined) delete process.env[key]; else process.env[key] = saved[key];
    await receiver?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // A new PGlite data folder runs initdb: seconds on an idle machine, far more on a loaded one.
  it('--once: one pass delivers the pending rows and prints the result, the row counts and the books; violations go to stderr', { timeout: 120_000 }, async () => {
    const db = new PGlite(dir);
    const outbox = createOutbox(catalog, { db, source: 'cli-test' });
    await outbox.migrate();
    const sql = toSqlDatabase(db);
    const good = uuidOf(await outbox.record(sql, 'signup_page_viewed', { referrer: 'ad' }));
    const retyped = uuidOf(await outbox.record(sql, 'checkout.start', { order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' }));
    await sql.query(`UPDATE ${outbox.table} SET properties = properties || '{"subtotal":"1"}'::jsonb WHERE uuid = $1`, [retyped]);
    await db.close();

    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['dispatch', '--catalog', 'test/fixtures/storefront-catalog.ts', '--db', dir, '--once'], { out: (t) => out.push(t), err: (t) => err.push(t), cwd: process.cwd() });

    expect({ code, err }).toEqual({ code: 0, err: [expect.stringMatching(/^\[trackplan\] \[outbox\] violation \[checkout\.start\] row \d+ invalid_properties at subtotal: .* \(delivered\)$/)] });
    expect(JSON.parse(out.join(''))).toEqual({
      claimed: 2, delivered: 2, failed: 0, parked: 0,
      pending: 0, processed: 2, oldestPendingAgeMs: 0,
      stats: { tracked: 2, dropped: {}, violations: 1, redactions: 0, destinations: { webhook: { routed: 2, delivered: 2, dropped: {}, pending: 0 } } },
    });
    expect(receiver.webhookEvents().map((e) => e.uuid).sort()).toEqual([good, retyped].sort());
  });

  it('--db names the database as the dashboard does; without it, exit 2 saying so', async () => {
    const err: string[] = [];
    const code = await main(['dispatch', '--catalog', 'test/fixtures/storefront-catalog.ts', '--once'], { out: () => {}, err: (t) => err.push(t), cwd: process.cwd() });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/dispatch needs --catalog and --db <postgres url \| pglite dir>/);
  });
});
