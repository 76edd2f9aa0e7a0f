import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index';

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: process.cwd() });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('trackplan dashboard (usage)', () => {
  it('is listed, has help, and says what it needs', async () => {
    expect((await run(['--help'])).out).toMatch(/dashboard --catalog <file> --db/);
    expect((await run(['dashboard', '--help'])).out).toMatch(/--db is a PostgreSQL URL \(postgres:\/\/ or postgresql:\/\/\) or a PGlite data directory/);
    const missing = await run(['dashboard', '--catalog', 'schema/esim.ts']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/dashboard needs --catalog <file> and --db <postgres url \| pglite dir>/);
    const port = await run(['dashboard', '--catalog', 'schema/esim.ts', '--db', './x', '--port', '70000']);
    expect(port.code).toBe(2);
    expect(port.err).toMatch(/--port must be a whole number from 0 to 65535/);
  });
});
