import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/index';
import { createTracker } from '../../src/node/index';
import { catalog as tformance } from '../../schema/tformance';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: process.cwd() });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

describe('trackplan check: flags', () => {
  it('finds key naming and payloads that are not JSON, and leaves good flags alone', async () => {
    const result = await run('check', 'test/fixtures/cli/bad-flags-catalog.ts', '--json');
    expect(result.code).toBe(1);
    const findings = JSON.parse(result.out).findings.filter((f: { rule: string }) => f.rule.startsWith('flags/'));
    expect(findings.map((f: { rule: string; event: string; property?: string; severity: string }) => [f.severity, f.rule, f.event, f.property])).toEqual([
      ['error', 'flags/naming', 'NewCheckout', undefined],
      ['error', 'flags/payload-json', 'promo-banner', undefined],
      ['error', 'flags/payload-json', 'pricing-test', 'b'],
      ['warning', 'flags/naming', 'fine_but_snake', undefined],
    ]);
    expect(findings[0].fix).toMatch(/"new-checkout"/);
    // The reference catalog's flags (a boolean, and a multivariate flag with a payload) are clean.
    expect((await run('check', 'schema/tformance.ts')).code).toBe(0);
  });

  it('a default outside the variants is refused with the flag named and the fix', async () => {
    const result = await run('check', 'test/fixtures/cli/bad-flag-default-catalog.ts');
    expect(result.code).not.toBe(0);
    expect(result.err).toMatch(/flag "new-onboarding": default "off" is not one of its variants \("control", "test"\); make it one of them/);
  });
});

describe('trackplan generate: flags.json', () => {
  it('writes an OpenFeature CLI manifest next to the JSON Schema, and will not overwrite a hand-written one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trackplan-flags-'));
    const args = ['generate', 'schema/tformance.ts', '--out', join(dir, 'client'), '--schema-out', join(dir, 'json'), '--docs-out', join(dir, 'docs')];
    expect((await run(...args)).code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'json', 'flags.json'), 'utf8'));
    expect(manifest.$schema).toBe('https://raw.githubusercontent.com/open-feature/cli/main/schema/v0/flag-manifest.json');
    expect(manifest.flags).toEqual({
      'ai-insights-panel': { flagType: 'boolean', defaultValue: false, description: 'The AI adoption insights panel on the team dashboard' },
      'onboarding-flow': { flagType: 'string', defaultValue: 'control', description: expect.stringMatching(/guided flow/) },
    });
    expect((await run(...args, '--check')).code).toBe(0);
    writeFileSync(join(dir, 'json', 'flags.json'), '{"flags":{}}\n');
    expect((await run(...args, '--check')).code).toBe(1);
    const refused = await run(...args);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/flags\.json/);
  });
});

describe('trackplan inspect --flag', () => {
  it('serves the overridden variant to the real posthog-node', async () => {
    const child = spawn(process.execPath, ['dist/cli/index.js', 'inspect', '--catalog', 'schema/tformance.ts', '--port', '0', '--flag', 'onboarding-flow=guided', '--flag=ai-insights-panel=true'], { stdio: ['ignore', 'ignore', 'pipe'] });
    stops.push(() => child.kill());
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 15_000;
    while (!/on http:\/\/127\.0\.0\.1:\d+/.test(stderr)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the inspector did not start: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)![1];
    const tracker = createTracker(tformance, { posthog: { apiKey: 'phc_test', host: url } });
    const flags = await tracker.flags.evaluate('user_1');
    expect(flags.get('onboarding-flow')).toBe('guided');
    expect(flags.get('ai-insights-panel')).toBe(true);
    await tracker.shutdown(1000);
  });

  it.each([
    [['--flag', 'onboarding-flow=sideways'], /"sideways" is not one of its variants \(control, guided\)/],
    [['--flag', 'ai-insights-panel=yes'], /a boolean flag is true, false or null/],
    [['--flag', 'no-such-flag=true'], /no catalog declares the flag "no-such-flag"/],
    [['--flag', 'onboarding-flow'], /--flag takes <key>=<value>/],
  ])('%j exits 2', async (flags, message) => {
    const result = await run('inspect', '--catalog', 'schema/tformance.ts', '--port', '0', ...flags);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });
});
