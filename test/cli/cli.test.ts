import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { main } from '../../src/cli/index';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: process.cwd() });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** TypeScript's syntax errors in a file (a full type check of generated clients is `npm run typecheck`'s job). */
function syntaxErrors(file: string): string[] {
  const { diagnostics = [] } = ts.transpileModule(readFileSync(file, 'utf8'), { fileName: file, reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  return diagnostics.map((d) => `${file}:${d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

describe('trackplan CLI', () => {
  it('--help on every command; usage errors exit 2', async () => {
    for (const command of ['generate', 'check', 'diff', 'dispatch']) expect((await run(command, '--help')).code).toBe(0);
    expect((await run()).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('check')).code).toBe(2);
    const bad = await run('generate', 'schema/storefront.ts', '--nope');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown option --nope/);
  });

  it.each(['storefront', 'omoi', 'batchtrack', 'tformance', 'esim'])('every reference catalog passes check: %s', async (name) => {
    const result = await run('check', `schema/${name}.ts`);
    expect(result.code, result.out).toBe(0);
  });

  it('check finds each mistake, naming the file, event and property, with a fix', async () => {
    const result = await run('check', 'test/fixtures/cli/bad-catalog.ts', '--json');
    expect(result.code).toBe(1);
    const { findings } = JSON.parse(result.out) as { findings: { rule: string; event?: string; property?: string; fix: string }[] };
    const rules = findings.map((f) => `${f.rule} ${f.event ?? ''} ${f.property ?? ''}`.trim());
    expect(rules).toEqual(
      expect.arrayContaining([
        'privacy/pii signup_completed customer_email',
        'posthog/reserved signup_completed $plan',
        'posthog/envelope signup_completed source',
        'naming/convention order.placed',
        'consistency/type order.placed plan',
        'ga4/reserved_prefix ga_session_started',
        'docs/description ga_session_started note',
        'naming/duplicate order_placed',
      ]),
    );
    for (const finding of findings) expect(finding.fix.length).toBeGreaterThan(5);
    const text = await run('check', 'test/fixtures/cli/bad-catalog.ts');
    expect(text.out).toMatch(/test\/fixtures\/cli\/bad-catalog\.ts: error privacy\/pii \[signup_completed\] customer_email/);
  });

  it('a module that does not export a catalog: exit 2, saying what was expected and what it exports', async () => {
    const expected = 'expected the default export (or an export named `catalog`) to be defineCatalog(...)';
    for (const command of ['check', 'generate']) {
      const result = await run(command, 'test/fixtures/cli/not-a-catalog.ts', ...(command === 'generate' ? ['--out', join(tmpdir(), 'trackplan-never-written')] : []));
      expect(result.code).toBe(2);
      expect(result.err).toContain(`trackplan ${command}: test/fixtures/cli/not-a-catalog.ts: ${expected}; its default export is an object with keys name, events, definition.`);
      expect(result.err).not.toMatch(/not iterable/);
    }
    const definition = await run('check', 'test/fixtures/cli/catalog-definition-only.ts');
    expect(definition.code).toBe(2);
    expect(definition.err).toMatch(/its default export is an object with keys name, version, events: wrap that object in defineCatalog\(\{ \.\.\. \}\)/);
    // A real catalog, default or named, still loads.
    expect((await run('check', 'schema/esim.ts')).code).toBe(0);
    expect((await run('check', 'test/fixtures/cli/bad-catalog.ts')).code).toBe(1);
  });

  it('generate --check passes on the committed files and fails, naming them, when one is stale', async () => {
    expect((await run('generate', 'schema/storefront.ts', '--out', 'schema/clients/storefront', '--check')).code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'trackplan-gen-'));
    const args = ['generate', 'schema/storefront.ts', '--out', join(dir, 'client'), '--schema-out', join(dir, 'json'), '--docs-out', join(dir, 'docs')];
    expect((await run(...args)).code).toBe(0);
    expect((await run(...args, '--check')).code).toBe(0);
    writeFileSync(join(dir, 'docs', 'storefront-events.md'), 'edited by hand');
    const stale = await run(...args, '--check');
    expect(stale.code).toBe(1);
    expect(stale.err).toMatch(/storefront-events\.md/);
    const client = readFileSync(join(dir, 'client', 'index.ts'), 'utf8');
    expect(client).toMatch(/^\/\/ Generated by trackplan from schema\/storefront\.ts/);
    expect(client).not.toMatch(/from 'zod'/);
    expect(client).toContain('export function trackOrderPaid(');
    const schema = JSON.parse(readFileSync(join(dir, 'json', 'order.paid.json'), 'utf8'));
    expect(schema).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'order.paid', 'x-trackplan-version': 2, type: 'object' });
    expect(schema.required).toEqual(expect.arrayContaining(['order_id', 'amount', 'currency']));
  });

  it('generate writes valid TypeScript for events without properties', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trackplan-empty-'));
    const generated = await run('generate', 'test/fixtures/cli/no-properties-catalog.ts', '--out', join(dir, 'client'), '--schema-out', join(dir, 'json'), '--docs-out', join(dir, 'docs'));
    expect(generated.code, generated.err).toBe(0);
    const client = join(dir, 'client', 'index.ts');
    expect(syntaxErrors(client)).toEqual([]);
    const source = readFileSync(client, 'utf8');
    // z.object({}) and an omitted `properties` both give an alias, not `interface X Record<…>`.
    expect(source).toContain('export type AppOpenedProperties = Record<string, never>;');
    expect(source).toContain('export type SignupPageViewedProperties = Record<string, never>;');
    expect(source).toMatch(/export interface SignupCompletedProperties \{\n {2}\/\*\* Signup method \*\/\n {2}method: "email" \| "github";\n\}/);
    expect(source).toContain('export function trackAppOpened(props: AppOpenedProperties = {} as AppOpenedProperties');
  });

  it('generate overwrites only files it wrote; a hand-written one needs --force, and nothing is written until then', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trackplan-own-'));
    const args = ['generate', 'schema/esim.ts', '--out', join(dir, 'client'), '--schema-out', join(dir, 'json'), '--docs-out', join(dir, 'docs')];
    const mine = "// our own analytics wrapper\nexport const track = () => {};\n";
    mkdirSync(join(dir, 'client'));
    writeFileSync(join(dir, 'client', 'index.ts'), mine);
    mkdirSync(join(dir, 'json'));
    writeFileSync(join(dir, 'json', 'catalog.json'), '{ "name": "our own plan" }\n');

    const refused = await run(...args);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`refusing to overwrite files trackplan did not write (no "Generated by trackplan" header):\n  ${join(dir, 'client', 'index.ts')}\n  ${join(dir, 'json', 'catalog.json')}\n`);
    expect(refused.err).toMatch(/--force overwrites them\.\nNothing was written\.$/);
    expect(readFileSync(join(dir, 'client', 'index.ts'), 'utf8')).toBe(mine);
    expect(existsSync(join(dir, 'docs'))).toBe(false);

    const forced = await run(...args, '--force');
    expect(forced.code, forced.err).toBe(0);
    expect(readFileSync(join(dir, 'client', 'index.ts'), 'utf8')).toMatch(/^\/\/ Generated by trackplan from schema\/esim\.ts/);
    expect(JSON.parse(readFileSync(join(dir, 'json', 'catalog.json'), 'utf8')).name).toBe('esim');

    // Its own files, even edited by hand, are replaced without --force (TS and Markdown header, JSON $comment).
    writeFileSync(join(dir, 'client', 'index.ts'), `${readFileSync(join(dir, 'client', 'index.ts'), 'utf8')}\nexport const extra = 1;\n`);
    const event = JSON.parse(readFileSync(join(dir, 'json', 'app_opened.json'), 'utf8'));
    writeFileSync(join(dir, 'json', 'app_opened.json'), JSON.stringify({ ...event, description: 'edited' }));
    writeFileSync(join(dir, 'docs', 'esim-events.md'), `${readFileSync(join(dir, 'docs', 'esim-events.md'), 'utf8')}\nedited\n`);
    const again = await run(...args);
    expect(again.code, again.err).toBe(0);
    expect(again.out.split('\n').slice(1).map((line) => line.trim()).sort()).toEqual([join(dir, 'client', 'index.ts'), join(dir, 'docs', 'esim-events.md'), join(dir, 'json', 'app_opened.json')]);
    expect((await run(...args, '--check')).code).toBe(0);
  });

  it('generate never writes through a symbolic link, not even with --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trackplan-link-'));
    const outside = mkdtempSync(join(tmpdir(), 'trackplan-outside-'));
    const args = ['generate', 'schema/esim.ts', '--out', join(dir, 'client'), '--schema-out', join(dir, 'json'), '--docs-out', join(dir, 'docs')];
    expect((await run(...args)).code).toBe(0);
    // A link to a file outside the output folder; its content even carries the header.
    const target = join(outside, 'index.ts');
    writeFileSync(target, '// Generated by trackplan from elsewhere\n');
    const link = join(dir, 'client', 'index.ts');
    rmSync(link);
    symlinkSync(target, link);
    // And a dangling link: following it would create a file outside.
    const dangling = join(dir, 'docs', 'esim-events.md');
    rmSync(dangling);
    symlinkSync(join(outside, 'created.md'), dangling);

    for (const extra of [[], ['--force']]) {
      const refused = await run(...args, ...extra);
      expect(refused.code).toBe(1);
      expect(refused.err).toContain(`refusing to write through a symbolic link, even with --force (it can lead out of the output folder):\n  ${link} -> ${target}\n  ${dangling} -> ${join(outside, 'created.md')}\n`);
      expect(readFileSync(target, 'utf8')).toBe('// Generated by trackplan from elsewhere\n');
      expect(existsSync(join(outside, 'created.md'))).toBe(false);
    }
  });

  it('diff classifies changes and fails on a breaking change without a version bump', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trackplan-diff-'));
    const before = JSON.parse(readFileSync('schema/json/storefront/catalog.json', 'utf8'));
    const write = (name: string, plan: unknown) => (writeFileSync(join(dir, name), JSON.stringify(plan)), join(dir, name));
    const oldFile = write('old.json', before);

    const additive = structuredClone(before);
    additive.events['checkout.start'].properties.properties.coupon = { type: 'string', description: 'Coupon code' };
    additive.events['design.rejected'] = { ...additive.events['design.started'], description: 'new' };
    const ok = await run('diff', oldFile, write('additive.json', additive), '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out).changes).toEqual([
      { kind: 'additive', event: 'checkout.start', property: 'coupon', message: 'new optional property' },
      { kind: 'additive', event: 'design.rejected', message: 'new event' },
    ]);

    const breaking = structuredClone(before);
    const props = breaking.events['order.paid'].properties;
    props.properties.amount = { type: 'string' };
    props.properties.region = { type: 'string' };
    props.required.push('region');
    props.properties.currency.minLength = 4;
    delete breaking.events['design.approved'];
    const failed = await run('diff', oldFile, write('breaking.json', breaking));
    expect(failed.code).toBe(1);
    expect(failed.out).toMatch(/breaking order\.paid\.amount: type changed/);
    expect(failed.out).toMatch(/breaking order\.paid\.region: new required property/);
    expect(failed.out).toMatch(/breaking order\.paid\.currency: minLength tightened/);
    expect(failed.out).toMatch(/breaking design\.approved: event removed/);
    expect(failed.err).toMatch(/without a version bump/);

    breaking.events['order.paid'].version = 3;
    breaking.version = 4;
    expect((await run('diff', oldFile, write('bumped.json', breaking))).code).toBe(0);

    const renamed = structuredClone(before);
    renamed.events['checkout.start'].properties.properties.order_ref = renamed.events['checkout.start'].properties.properties.order_id;
    delete renamed.events['checkout.start'].properties.properties.order_id;
    renamed.events['checkout.start'].properties.required = renamed.events['checkout.start'].properties.required.map((r: string) => (r === 'order_id' ? 'order_ref' : r));
    expect((await run('diff', oldFile, write('renamed.json', renamed))).out).toMatch(/breaking checkout\.start\.order_id: renamed to "order_ref"/);
    expect((await run('diff', oldFile, 'schema/storefront.ts')).code).toBe(0);
  });

  it('runs as the package bin', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['dist/cli/index.js', 'check', 'schema/storefront.ts']);
    expect(stdout).toMatch(/0 error\(s\)/);
  });
});

describe('jiti is an optional peer: only TypeScript catalogs need it', () => {
  // The built CLI in a folder whose node_modules has zod and no jiti, as in an app that never installed it.
  function cliWithoutJiti(): string {
    const dir = mkdtempSync(join(tmpdir(), 'trackplan-nojiti-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(join(process.cwd(), 'node_modules', 'zod'), join(dir, 'node_modules', 'zod'));
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    cpSync('dist', join(dir, 'dist'), { recursive: true }); // the CLI and the chunks it shares
    return dir;
  }

  it('a .ts catalog without jiti: exit 2, saying to install jiti or use a compiled catalog', async () => {
    const dir = cliWithoutJiti();
    writeFileSync(join(dir, 'catalog.ts'), 'export default {};');
    const result = await promisify(execFile)(process.execPath, [join(dir, 'dist', 'cli', 'index.js'), 'check', 'catalog.ts'], { cwd: dir }).catch((error) => error);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs jiti.*npm i -D jiti.*compiled \.js catalog/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('yaml is an optional peer too: JSON plans import without it, a YAML plan says to install it', async () => {
    const dir = cliWithoutJiti();
    const cli = join(dir, 'dist', 'cli', 'index.js');
    writeFileSync(join(dir, 'plan.json'), JSON.stringify({ name: 'shop', rules: { events: [{ name: 'Order Completed', description: 'An order was paid.', rules: { type: 'object', properties: { properties: { type: 'object', properties: {} } } } }] } }));
    const json = await promisify(execFile)(process.execPath, [cli, 'import', 'plan.json', '--out', 'catalog.ts'], { cwd: dir }).catch((error) => error);
    expect(json.stderr ?? '').not.toMatch(/yaml/);
    expect(existsSync(join(dir, 'catalog.ts'))).toBe(true);
    writeFileSync(join(dir, 'plan.yaml'), 'version: rudder/v1\n');
    const yaml = await promisify(execFile)(process.execPath, [cli, 'import', 'plan.yaml', '--out', 'other.ts'], { cwd: dir }).catch((error) => error);
    expect(yaml.code).toBe(2);
    expect(yaml.stderr).toMatch(/needs yaml.*npm i -D yaml/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a .js catalog loads without jiti', async () => {
    const dir = cliWithoutJiti();
    writeFileSync(join(dir, 'catalog.mjs'), 'export default { name: "x" };');
    const result = await promisify(execFile)(process.execPath, [join(dir, 'dist', 'cli', 'index.js'), 'check', 'catalog.mjs'], { cwd: dir }).catch((error) => error);
    // Loaded and read: the message is about what it exports, not about loading it.
    expect(result.stderr).toMatch(/expected the default export/);
    rmSync(dir, { recursive: true, force: true });
  });
});
