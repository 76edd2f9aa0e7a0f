import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createDispatcher, createOutbox } from '../../src/outbox/index';
import { postgresUrl } from '../helpers/postgres';
import { startReceiver } from '../helpers/receiver';
import { catalog } from '../fixtures/storefront-catalog';

const url = postgresUrl();
const pools: pg.Pool[] = [];
afterAll(async () => void (await Promise.all(pools.map((p) => p.end()))));

describe.skipIf(!url)('outbox crash on a real PostgreSQL', () => {
  it('a writer killed with SIGKILL mid-stream: after a restart every committed event is delivered', async () => {
    const table = `crash_${process.pid}_${Date.now()}`;
    const child = spawn(process.execPath, ['node_modules/jiti/lib/jiti-cli.mjs', 'test/outbox/fixtures/crash-writer.ts', url!, table], { stdio: ['ignore', 'pipe', 'inherit'] });
    const reported: string[] = [];
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) if (line.startsWith('committed ')) reported.push(line.slice(10));
        if (reported.length >= 200 && child.exitCode === null) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited early: ${code}`))));
    });
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode ? resolve(null) : child.on('exit', resolve)));

    // "Restart": a new process's view of the table, a fresh dispatcher.
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pools.push(pool);
    const outbox = createOutbox(catalog, { db: pool, table });
    const { rows } = await pool.query<{ uuid: string }>(`SELECT uuid FROM "${table}"`);
    const committed = new Set(rows.map((r) => r.uuid));
    for (const uuid of reported) expect(committed.has(uuid)).toBe(true);

    const receiver = await startReceiver();
    try {
      const dispatcher = createDispatcher(outbox, { webhook: { url: `${receiver.url}/webhook` } });
      while ((await outbox.rowStats()).pending > 0) await dispatcher.runOnce();
      await dispatcher.shutdown();
      const delivered = receiver.webhookEvents().map((e) => e.uuid as string);
      expect(new Set(delivered)).toEqual(committed);
      expect(delivered).toHaveLength(committed.size);
    } finally {
      await receiver.close();
    }
  });
});
