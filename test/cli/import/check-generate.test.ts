/**
 * What the issue asks of every imported catalog: `trackplan check` reports no errors on it, and
 * `trackplan generate` on it writes a client that type-checks. Run over the whole shared corpus
 * (/work/shared/plans, read in place) through the CLI itself; the clients are type-checked together,
 * as one tsc program.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPlan } from '../../../src/cli/import/index';
import { main } from '../../../src/cli/index';
import { planInputs } from './plans';

const root = new URL('../../../', import.meta.url).pathname;
// Inside the checkout, so the catalogs and clients resolve zod and trackplan's types like a user's project.
const out = mkdtempSync(join(import.meta.dirname, '.out-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const lines: string[] = [];
  const code = await main(argv, { out: (t) => lines.push(t), err: (t) => lines.push(t), cwd: out });
  return { code, out: lines.join('\n') };
}

interface Imported {
  display: string;
  dir: string;
  events: number;
}

const inputs = planInputs();
const imported: Imported[] = [];

beforeAll(() => {
  for (const { input, display } of inputs) {
    const result = importPlan({ input, display, name: 'imported' });
    if (!result.events.length) continue;
    const dir = join(out, display.replace(/[^A-Za-z0-9]+/g, '_'));
    mkdirSync(dir, { recursive: true });
    // The CLI loads the catalog as an app would; `trackplan` is this checkout's sources (no build needed).
    writeFileSync(join(dir, 'catalog.ts'), result.source.replace("from 'trackplan';", `from ${JSON.stringify(join(root, 'src/index.ts'))};`));
    imported.push({ display, dir, events: result.events.length });
  }
});

describe('imported catalogs: trackplan check and trackplan generate', () => {
  it('every imported catalog passes `trackplan check` (warnings only) and `trackplan generate` writes its client', { timeout: 120_000 }, async () => {
    expect(imported.length).toBeGreaterThan(90);
    const failures: string[] = [];
    const warnings = new Map<string, number>();
    for (const { display, dir } of imported) {
      const check = await run('check', join(dir, 'catalog.ts'), '--json');
      const { findings } = JSON.parse(check.out) as { findings: { severity: string; rule: string; event?: string; property?: string; message: string }[] };
      for (const f of findings) {
        if (f.severity === 'error') failures.push(`${display}: check: ${f.rule} [${f.event ?? ''}] ${f.property ?? ''}: ${f.message}`);
        else warnings.set(f.rule, (warnings.get(f.rule) ?? 0) + 1);
      }
      if (check.code !== (findings.some((f) => f.severity === 'error') ? 1 : 0)) failures.push(`${display}: check exited ${check.code}`);
      const generated = await run('generate', join(dir, 'catalog.ts'), '--out', join(dir, 'client'), '--schema-out', join(dir, 'json'), '--docs-out', join(dir, 'docs'));
      if (generated.code !== 0) failures.push(`${display}: generate exited ${generated.code}: ${generated.out}`);
    }
    expect(failures).toEqual([]);
    // What check does say about imported plans: warnings, by rule (quoted in the report).
    console.log(`[import check] ${imported.length} catalogs: 0 errors; warnings by rule: ${[...warnings].sort().map(([rule, n]) => `${rule} ${n}`).join(', ')}`);
  });

  it('the generated clients type-check (one tsc program over all of them)', { timeout: 120_000 }, () => {
    const config = ts.parseJsonConfigFileContent(JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')), ts.sys, root);
    const clients = imported.map(({ dir }) => join(dir, 'client', 'index.ts'));
    const program = ts.createProgram(clients, { ...config.options, noEmit: true });
    // Only the clients' own diagnostics: trackplan's sources are type-checked by the project's tsc run.
    const files = clients.map((file) => program.getSourceFile(file)!);
    const found = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...files.flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)])];
    const diagnostics = found.map((d) => {
      const where = d.file ? `${d.file.fileName.replace(out, '')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
      return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    });
    expect(diagnostics).toEqual([]);
    // The client is the one `generate` wrote for this catalog, for every imported event.
    for (const { dir, events } of imported) expect(readFileSync(join(dir, 'client', 'index.ts'), 'utf8').match(/^export function track\w+\(/gm)?.length ?? 0).toBe(events);
  });
});
