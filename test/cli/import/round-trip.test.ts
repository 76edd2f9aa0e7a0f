/** import -> export segment -> import gives the same catalog; the CLI's exit codes and report. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { segmentPlan } from '../../../src/cli/export/segment';
import { jsonSchemaDocument } from '../../../src/cli/export/jsonschema';
import { importPlan } from '../../../src/cli/import/index';
import { main } from '../../../src/cli/index';
import { loadImported, PLANS } from './plans';

const out = mkdtempSync(join(import.meta.dirname, '.out-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function run(...argv: string[]) {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = await main(argv, { out: (t) => lines.push(t), err: (t) => errors.push(t), cwd: process.cwd() });
  return { code, out: lines.join('\n'), err: errors.join('\n') };
}

/** The catalog module without its first line (which names the file it came from). */
const body = (source: string) => source.split('\n').slice(1).join('\n');

const SEGMENT_PLANS = [
  'typewriter/typewriter/91d33a807c/examples/local-tracking-plans/tracking-plan.json',
  'typewriter/typewriter/c3c9d515ac/examples/local-tracking-plans/tracking-plan-web.json',
  'typewriter/typewriter/88f269da31/src/analytics/plan.json',
  'typewriter/typewriter/d901a784b4/tests/fixtures/tracking-plan.json',
  'typewriter/typewriter/d8382953fd/src/__tests__/__data__/plan.json',
  'typewriter/typewriter/d8382953fd/src/telemetry/plan.json',
];

describe('round trip: import, export segment, import again', () => {
  it.each(SEGMENT_PLANS)('%s', async (plan) => {
    const first = importPlan({ input: join(PLANS, plan), display: plan, name: 'round-trip' });
    const file = join(out, `${plan.replace(/[^A-Za-z0-9]+/g, '_')}.ts`);
    writeFileSync(file, first.source);
    const exported = segmentPlan(await loadImported(file));
    const json = `${file}.segment.json`;
    writeFileSync(json, JSON.stringify(exported, null, 2));
    const second = importPlan({ input: json, display: plan, name: 'round-trip' });
    expect(second.format).toBe('segment');
    expect(body(second.source)).toBe(body(first.source));
    // The JSON Schema export names every event, with its open flag as additionalProperties.
    const schema = jsonSchemaDocument(await loadImported(file)) as { events: Record<string, { additionalProperties: boolean }> };
    expect(Object.keys(schema.events)).toEqual(first.events);
  });
});

describe('trackplan import / export on the command line', () => {
  it('writes the catalog, prints the report, exits 0 when faithful and 1 on a loss or refusal', async () => {
    const target = join(out, 'web.ts');
    const faithful = await run('import', join(PLANS, 'typewriter/typewriter/c3c9d515ac/examples/local-tracking-plans/tracking-plan-web.json'), '--out', target, '--name', 'web');
    expect(faithful.code, faithful.out + faithful.err).toBe(0);
    expect(faithful.out).toMatch(/\(segment\) -> /);
    expect(faithful.out).toMatch(/3 imported, 0 mapped with a loss, 0 refused/);
    expect(readFileSync(target, 'utf8')).toMatch(/"Feed Viewed": defineEvent\(\{/);

    const lossy = await run('import', join(PLANS, 'rudder-iac/rudder-iac/dfdfe26abc/cli/tests/testdata/project/create'), '--out', join(out, 'create.ts'));
    expect(lossy.code).toBe(1);
    expect(lossy.out).toMatch(/refused \(2\):/);
    expect(lossy.out).toMatch(/trackingplan\.yaml \[Login Event\] \/spec\/rules\/1: custom type "#\/custom-types\/login_elements\/email_type"/);
  });

  it('usage errors exit 2: no --out, an unknown format, an existing file without --force, a file that is no plan', async () => {
    const plan = join(PLANS, 'typewriter/typewriter/c3c9d515ac/examples/local-tracking-plans/tracking-plan-web.json');
    expect((await run('import', plan)).code).toBe(2);
    expect((await run('import', plan, '--out', join(out, 'x.ts'), '--format', 'avo')).err).toMatch(/--format must be one of rudderstack, iglu, mparticle, ampli, segment, jsonschema/);
    writeFileSync(join(out, 'exists.ts'), '');
    expect((await run('import', plan, '--out', join(out, 'exists.ts'))).code).toBe(2);
    const notPlan = join(out, 'not-a-plan.json');
    writeFileSync(notPlan, JSON.stringify([1, 2, 3]));
    const unknown = await run('import', notPlan, '--out', join(out, 'y.ts'));
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/the format is not recognised/);
    expect((await run('export', 'posthog', 'schema/storefront.ts')).code).toBe(2);
  });

  it('--format overrides detection: a Segment plan read as bare JSON Schema refuses nothing silently', async () => {
    const plan = join(PLANS, 'typewriter/typewriter/44b18f414c/tests/fixtures/schemas/unions.json');
    const result = importPlan({ input: plan, format: 'jsonschema' });
    expect(result.events).toEqual(['Union Types Fixture']);
  });
});

describe('what the importer refuses, by construct', () => {
  const refuse = (schema: unknown) => {
    const file = join(out, `refuse-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify({ title: 'E', type: 'object', ...(schema as object) }));
    return importPlan({ input: file, display: 'plan.json' }).report.entries.filter((e) => e.kind === 'refused');
  };
  it.each([
    [{ properties: { a: { not: { type: 'string' } } } }, '/properties/a/not', /keyword "not"/],
    [{ properties: { a: { $ref: 'https://example.com/x.json' } } }, '/properties/a/$ref', /outside the file/],
    [{ properties: { a: { $ref: '#/$defs/missing' } } }, '/properties/a/$ref', /does not resolve/],
    [{ $defs: { n: { type: 'object', properties: { child: { $ref: '#/$defs/n' } } } }, properties: { a: { $ref: '#/$defs/n' } } }, '/$defs/n/properties/child/$ref', /recursive/],
    [{ properties: { a: { type: 'array', items: [{ type: 'string' }] } } }, '/properties/a/items', /tuple/],
    [{ properties: { a: { if: { type: 'string' }, then: { minLength: 2 } } } }, '/properties/a/if', /if\/then/],
    [{ properties: { a: { patternProperties: { '^x': {} } } } }, '/properties/a/patternProperties', /patternProperties/],
  ])('%j is refused at %s', (schema, where, message) => {
    const [entry] = refuse(schema);
    expect(entry).toMatchObject({ file: 'plan.json', unit: 'E', where });
    expect(entry.message).toMatch(message);
  });
});
