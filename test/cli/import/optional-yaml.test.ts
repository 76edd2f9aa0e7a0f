/**
 * yaml is an optional peer of the CLI (only rudder-iac YAML projects need it): the built CLI runs every
 * command, and imports JSON plans, in an app that never installed it. Needs `npm run build` first.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// The built CLI in a folder whose node_modules has zod and neither yaml nor jiti.
const dir = mkdtempSync(join(tmpdir(), 'trackplan-noyaml-'));
mkdirSync(join(dir, 'node_modules'));
symlinkSync(join(process.cwd(), 'node_modules', 'zod'), join(dir, 'node_modules', 'zod'));
writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
cpSync('dist', join(dir, 'dist'), { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...argv: string[]) => promisify(execFile)(process.execPath, [join(dir, 'dist', 'cli', 'index.js'), ...argv], { cwd: dir }).then((r) => ({ code: 0, ...r }), (error) => error as { code: number; stdout: string; stderr: string });

describe('trackplan import without the yaml package', () => {
  it('imports a JSON plan', async () => {
    writeFileSync(join(dir, 'plan.json'), JSON.stringify({ name: 'Plan', rules: { events: [{ name: 'Order Completed', description: 'An order was completed.', rules: { type: 'object', properties: { properties: { type: 'object', properties: { total: { type: 'number', description: 'Total' } } } } } }] } }));
    const result = await cli('import', 'plan.json', '--out', 'catalog.ts');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/1 imported/);
  });

  it('a YAML plan: exit 2, saying to install yaml', async () => {
    mkdirSync(join(dir, 'project'));
    writeFileSync(join(dir, 'project', 'events.yaml'), 'version: rudder/v0.1\n');
    const result = await cli('import', 'project', '--out', 'yaml-catalog.ts');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs yaml.*npm i -D yaml/);
  });
});
