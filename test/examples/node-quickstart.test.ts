import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('examples/node-quickstart', () => {
  it('runs against the built package and prints what arrived, with the e-mail redacted', async () => {
    expect(existsSync('dist/node/index.js'), 'run `npm run build` first (npm test does it)').toBe(true);
    const { stdout } = await run(process.execPath, ['node_modules/jiti/lib/jiti-cli.mjs', 'examples/node-quickstart/index.ts'], { timeout: 60_000 });
    for (const event of ['checkout.start', 'order.paid', 'payment_succeeded', 'user_signed_in', '$identify']) expect(stdout).toContain(event);
    expect(stdout).toMatch(/webhook\s+user_signed_in.*\[redacted:email\]/);
    expect(stdout).not.toContain('jane@example.com');
    expect(stdout).toContain('webhook signatures that failed verification: 0');
  });
});
