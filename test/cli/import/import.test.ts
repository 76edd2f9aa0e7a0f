/**
 * `trackplan import` over the whole shared corpus (108 real plan files, read in place from
 * /work/shared/plans): every file is imported or refused naming the construct, and every imported
 * event accepts and rejects exactly what the source schema does, with Ajv as the referee.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { generateClient } from '../../../src/cli/client-codegen';
import { segmentPlan } from '../../../src/cli/export/segment';
import { importPlan } from '../../../src/cli/import/index';
import { catalogJson } from '../../../src/cli/json-schema-export';
import { compileJsonSchema, defineCompiledCatalog } from '../../../src/index';
import { parseVersion } from '../../../src/cli/import/catalog-source';
import type { ImportedUnit } from '../../../src/cli/import/types';
import { candidates } from './payloads';
import { loadGeneratedClient, loadImported, planInputs } from './plans';

// Inside the checkout, so the written catalogs resolve zod (and `trackplan`, for the CLI) like a user's project.
const out = mkdtempSync(join(import.meta.dirname, '.out-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The plan document as Ajv takes it: `$schema`/`$id` dropped (drafts 04 to 2019-09 mixed, vendor ids). */
function forAjv(node: unknown, names = false): unknown {
  if (Array.isArray(node)) return node.map((v) => forAjv(v));
  if (typeof node !== 'object' || node === null) return node;
  // Property names are kept as they are; schema ids (draft-04 "id" too) go.
  const entries = Object.entries(node).filter(([k, v]) => names || !(k === '$schema' || k === '$id' || (k === 'id' && typeof v === 'string')));
  return Object.fromEntries(entries.map(([k, v]) => [k, forAjv(v, !names && (k === 'properties' || k === '$defs' || k === 'definitions'))]));
}

function ajvValidator(unit: ImportedUnit): (value: unknown) => boolean {
  if (!unit.schema) return (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
  const ajv = new Ajv2019({ strict: false, validateSchema: false, allErrors: false });
  addFormats(ajv);
  ajv.addSchema(forAjv(unit.schema.root) as object, 'plan');
  return ajv.compile({ $ref: `plan#${unit.schema.pointer}` });
}

/** The units an event was written from: the newest version, every definition of it. */
function keptUnits(units: ImportedUnit[], name: string): ImportedUnit[] {
  const all = units.filter((u) => u.kind === 'event' && u.name === name);
  const orders = all.map((u) => JSON.stringify(parseVersion(u.sourceVersion)?.order ?? null));
  const newest = all.reduce<ImportedUnit | undefined>((best, u) => {
    const a = parseVersion(u.sourceVersion)?.order ?? [];
    const b = best ? (parseVersion(best.sourceVersion)?.order ?? []) : undefined;
    return !b || a.some((x, i) => x !== (b[i] ?? 0)) && a.find((x, i) => x !== (b[i] ?? 0))! > (b[a.findIndex((x, i) => x !== (b[i] ?? 0))] ?? 0) ? u : best;
  }, undefined);
  return all.filter((_, i) => orders[i] === JSON.stringify(parseVersion(newest?.sourceVersion)?.order ?? null));
}


/**
 * Loads the imported catalog and the client `trackplan generate` writes for it, and lists every payload
 * (valid and mutated) on which the zod catalog or the generated client's compiled validator disagrees with Ajv.
 */
async function disagreementsWithAjv(result: ReturnType<typeof importPlan>, display: string, extra: Record<string, unknown[]> = {}): Promise<string[]> {
  const file = join(out, `${display.replace(/[^A-Za-z0-9]+/g, '_')}.ts`);
  writeFileSync(file, result.source);
  const catalog = await loadImported(file);
  // Wire names preserved: the catalog's keys are the source's names, unchanged.
  expect(Object.keys(catalog.events).sort()).toEqual([...result.events].sort());
  // The generated client's validators, compiled from the catalog's JSON Schema as the client compiles them.
  writeFileSync(`${file}.client.ts`, generateClient(catalogJson(catalog), '', 'node'));
  const compiled = (await loadGeneratedClient(`${file}.client.ts`)).compileCatalog({ compileJsonSchema, defineCompiledCatalog });

  const disagreements: string[] = [];
  for (const name of result.events) {
    const units = keptUnits(result.units, name);
    const oracles = units.map(ajvValidator);
    const payloads = [...units.flatMap((u) => (u.schema ? candidates(`#${u.schema.pointer}` && { $ref: `#${u.schema.pointer}` }, u.schema.root) : [{}, { any: 1 }])), ...(extra[name] ?? [])];
    for (const payload of payloads) {
      counts.payloads++;
      const expected = oracles.some((validate) => validate(payload));
      for (const [validator, events] of [['catalog', catalog.events], ['generated client', compiled.events]] as const) {
        const verdict = events[name].validate(payload);
        const accepted = verdict.ok && verdict.unknownKeys.length === 0;
        if (accepted !== expected) disagreements.push(`[${name}] ${JSON.stringify(payload)}: Ajv ${expected ? 'accepts' : 'rejects'}, ${validator} ${accepted ? 'accepts' : `rejects (${verdict.issues.map((i: { path: unknown[]; message: string }) => `${i.path.join('.')}: ${i.message}`).join('; ')}${verdict.unknownKeys.length ? ` unknown: ${verdict.unknownKeys.join(', ')}` : ''})`}`);
      }
    }
  }
  return disagreements;
}

const inputs = planInputs();
const counts = { files: 0, importedFiles: 0, refusedFiles: 0, events: 0, refusedEvents: 0, payloads: 0 };

describe('trackplan import: the shared corpus', () => {
  it.each(inputs.map((i) => [i.display, i] as const))('%s is imported, or refused naming the construct, and agrees with Ajv', async (_label, { input, display, files }) => {
    const result = importPlan({ input, display });
    counts.files += files;
    const refused = result.report.entries.filter((e) => e.kind === 'refused');
    for (const entry of refused) {
      expect(entry.file).not.toBe('');
      // The construct: a JSON pointer, a keyword, or the rule's place in the file.
      expect(entry.where ?? '').not.toBe('');
      expect(entry.message.length).toBeGreaterThan(10);
    }
    expect(result.events.length + refused.length).toBeGreaterThan(0);
    if (result.events.length) counts.importedFiles += files;
    else counts.refusedFiles += files;
    counts.events += result.events.length;
    counts.refusedEvents += refused.filter((e) => e.unit).length;

    expect(await disagreementsWithAjv(result, display)).toEqual([]);
  });

  afterAll(() => {
    // The figures the README and the closing note quote.
    console.log(`[import corpus] ${counts.files} files: ${counts.importedFiles} imported, ${counts.refusedFiles} refused; ${counts.events} events imported, ${counts.refusedEvents} refused; ${counts.payloads} payloads agreed with Ajv (zod catalog and generated client alike)`);
  });
});

/**
 * What zod checks with a refinement and JSON Schema says with a keyword (uniqueItems, min/maxProperties,
 * dependencies, RudderStack-style variants, an event defined twice): the catalog states the keyword
 * beside the refinement, so the generated client's compiled validator agrees with Ajv as well.
 */
describe('trackplan import: refinements reach the generated client', () => {
  it('agrees with Ajv, zod catalog and generated client alike, on constructs the corpus payloads do not reach', async () => {
    const dir = join(out, 'constructs');
    mkdirSync(dir);
    const write = (file: string, schema: object) => writeFileSync(join(dir, file), JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...schema }));
    write('tagged.json', {
      title: 'Tagged',
      type: 'object',
      properties: { tags: { type: 'array', items: { type: 'string' }, uniqueItems: true }, a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string' } },
      minProperties: 1,
      maxProperties: 3,
      dependencies: { a: ['b'] },
      additionalProperties: false,
    });
    write('variant.json', {
      title: 'Variant',
      type: 'object',
      properties: { kind: { type: 'string' }, size: { type: 'number' }, label: { type: 'string' } },
      required: ['kind'],
      allOf: [
        { if: { properties: { kind: { const: 'box' } }, required: ['kind'] }, then: { properties: { size: { type: 'number', minimum: 1 } }, required: ['size'] } },
        { if: { properties: { kind: { not: { enum: ['box'] } } }, required: ['kind'] }, then: { required: ['label'] } },
      ],
      additionalProperties: false,
    });
    write('twice-1.json', { title: 'Twice', type: 'object', properties: { n: { type: 'number' } }, required: ['n'], additionalProperties: false });
    write('twice-2.json', { title: 'Twice', type: 'object', properties: { s: { type: 'string' } }, required: ['s'], additionalProperties: false });
    const result = importPlan({ input: dir, display: 'constructs', format: 'jsonschema' });
    expect(result.events.sort()).toEqual(['Tagged', 'Twice', 'Variant']);
    const extra = {
      Tagged: [{}, { tags: ['x', 'y'] }, { tags: ['x', 'x'] }, { a: 'x' }, { a: 'x', b: 'y' }, { tags: [], a: 'x', b: 'y', c: 'z' }, { a: 'x', b: 'y', c: 'z' }],
      Variant: [{ kind: 'box', size: 2 }, { kind: 'box', size: 0 }, { kind: 'box' }, { kind: 'box', label: 'l' }, { kind: 'bag', label: 'l' }, { kind: 'bag' }, { kind: 'bag', size: 0, label: 'l' }, { kind: 3, label: 'l' }],
      Twice: [{ n: 1 }, { s: 'x' }, { n: 1, s: 'x' }, { n: 'x' }, {}],
    };
    expect(await disagreementsWithAjv(result, 'constructs', extra)).toEqual([]);
    // Exported plans state the rules, without trackplan's marker.
    const exported = JSON.stringify(segmentPlan(await loadImported(join(out, 'constructs.ts'))));
    expect(exported).toContain('"uniqueItems":true');
    expect(exported).not.toContain('x-trackplan-refinement');
  });
});
