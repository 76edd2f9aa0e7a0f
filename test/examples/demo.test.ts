import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('npm run demo', () => {
  it('runs the five plans against the inspector and prints the summary table', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['node_modules/jiti/lib/jiti-cli.mjs', 'examples/demo/run.ts'], { timeout: 120_000 });
    for (const plan of ['storefront', 'omoi', 'BatchTrack', 'Tformance', 'eSIM']) expect(stdout).toMatch(new RegExp(`\\| ${plan}`));
    expect(stdout).toContain('rolled back (never delivered): 1');
    expect(stdout).toContain('error_occurred rate-limited (counted, not sent): 5');
    expect(stdout).toContain('no e-mail, phone or card number reached the inspector: true');
    // The flag branch: guided onboarding from the inspector's /flags, its payload steps, one exposure per flag read.
    expect(stdout).toMatch(/Tformance flag branch: onboarding-flow = guided \(github -> slack\), ai-insights-panel = false; exposures: 2; 2 exposures and 2 events with flag values reached the inspector/);
    expect(stdout).toMatch(/inspector: http:\/\/127\.0\.0\.1:\d+/);
  }, 150_000);
});
