// compileJsonSchema (what generated clients run) against Ajv, the reference JSON Schema validator, on
// valid payloads and on every single-place mutation of them: both must accept and reject the same.
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { catalogs } from '../../schema/index';
import { catalogJson } from '../../src/cli/json-schema-export';
import { sampleObject } from '../../src/cli/samples';
import { defineCatalog, defineEvent } from '../../src/core/catalog';
import { compileJsonSchema, type JsonSchema } from '../../src/core/json-schema';
import { corpus, NUMBER_PROBES, STRING_PROBES } from './json-schema-corpus';

// multipleOfPrecision 9: the tolerance the clarifications ask for (473.53 is a multiple of 0.01).
const options = { strict: false, allErrors: true, multipleOfPrecision: 9 } as const;
const ajv2020 = addFormats(new Ajv2020(options));
const ajv07 = addFormats(new Ajv(options));

type Path = (string | number)[];

/** Every place in a value: the root, each key, each array slot. */
function pathsOf(value: unknown, path: Path = []): Path[] {
  const out: Path[] = [path];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...pathsOf(item, [...path, i])));
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) out.push(...pathsOf(item, [...path, key]));
  return out;
}

function setAt(root: unknown, path: Path, replace: (current: unknown) => unknown | typeof REMOVE): unknown {
  if (path.length === 0) return replace(root);
  const copy: any = Array.isArray(root) ? [...root] : { ...(root as object) };
  const [head, ...rest] = path;
  const next = setAt(copy[head], rest, replace);
  if (next === REMOVE) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head];
  } else copy[head] = next;
  return copy;
}
const REMOVE = Symbol('remove');

const SCALARS: unknown[] = [null, true, false, {}, [], [1, 1], ['a', 'a'], { a: 1 }, ...STRING_PROBES, ...NUMBER_PROBES];

/** Single-place mutations of a valid payload: each place replaced by each probe, removed, or given an extra key. */
function mutationsOf(valid: Record<string, unknown>): unknown[] {
  const out: unknown[] = [];
  for (const path of pathsOf(valid)) {
    if (path.length) {
      out.push(setAt(valid, path, () => REMOVE));
      for (const probe of SCALARS) out.push(setAt(valid, path, () => probe));
    }
    out.push(
      setAt(valid, path, (current) => (current && typeof current === 'object' && !Array.isArray(current) ? { ...current, zz_extra: 1, x_b: 'str' } : Array.isArray(current) ? [...current, current[0] ?? 1] : current)),
    );
  }
  return out;
}

/** A trackplan validator accepts when it reports nothing: an undeclared key removed and reported counts as a rejection. */
function compiledAccepts(validate: ReturnType<typeof compileJsonSchema>, value: unknown): boolean {
  const result = validate(value);
  return result.ok && result.unknownKeys.length === 0;
}

function disagreements(schema: JsonSchema, payloads: unknown[], draft?: 'draft-07') {
  const reference = (draft === 'draft-07' ? ajv07 : ajv2020).compile(schema);
  const compiled = compileJsonSchema(schema);
  const wrong: string[] = [];
  let accepted = 0;
  for (const payload of payloads) {
    const expected = reference(payload) as boolean;
    if (expected) accepted++;
    if (compiledAccepts(compiled, payload) !== expected) wrong.push(`${expected ? 'Ajv accepts' : 'Ajv rejects'} ${JSON.stringify(payload)}`);
  }
  return { wrong, accepted, rejected: payloads.length - accepted };
}

describe('compileJsonSchema agrees with Ajv (2020-12 and draft-07, ajv-formats, multipleOfPrecision 9)', () => {
  for (const entry of corpus) {
    it(entry.name, () => {
      const payloads = entry.valid.flatMap((valid) => [valid, ...mutationsOf(valid)]);
      const { wrong, accepted, rejected } = disagreements(entry.schema, payloads, entry.draft);
      expect(wrong.slice(0, 10)).toEqual([]);
      // Both ways: the corpus holds payloads each side accepts and rejects.
      expect(accepted).toBeGreaterThan(entry.valid.length - 1);
      expect(rejected).toBeGreaterThan(0);
      for (const valid of entry.valid) expect(compiledAccepts(compileJsonSchema(entry.schema), valid), JSON.stringify(valid)).toBe(true);
    });
  }

  it('and on arbitrary JSON values put anywhere in the payloads (fast-check)', () => {
    for (const entry of corpus) {
      const reference = (entry.draft === 'draft-07' ? ajv07 : ajv2020).compile(entry.schema);
      const compiled = compileJsonSchema(entry.schema);
      // Not the root itself: event properties are an object by definition (trackplan refuses anything else before the schema).
      const paths = entry.valid.flatMap((valid) => pathsOf(valid).filter((path) => path.length > 0).map((path) => [valid, path] as const));
      fc.assert(
        fc.property(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 2 }), ([valid, path], value) => {
          const payload = setAt(valid, path, () => value);
          expect(compiledAccepts(compiled, payload), `${entry.name}: ${JSON.stringify(payload)}`).toBe(reference(payload));
        }),
        { numRuns: 150, seed: 15 },
      );
    }
  });
});

describe('what zod writes for catalogs compiles, and agrees with Ajv', () => {
  const everything = defineCatalog({
    name: 'zod-constructs',
    version: 1,
    events: {
      everything: defineEvent({
        description: 'Every construct zod emits for event properties.',
        properties: z.object({
          text: z.string().min(1).max(10).describe('Text'),
          nested: z.object({ b: z.number() }),
          loose: z.looseObject({ c: z.string() }),
          strict: z.strictObject({ d: z.string() }),
          email: z.email().optional(),
          url: z.url().optional(),
          id: z.uuid().optional(),
          at: z.iso.datetime().optional(),
          day: z.iso.date().optional(),
          clock: z.iso.time().optional(),
          ip: z.ipv4().optional(),
          maybe: z.string().nullable(),
          price: z.number().multipleOf(0.01),
          count: z.int().nonnegative(),
          literal: z.literal('x'),
          choice: z.enum(['a', 'b']),
          pair: z.tuple([z.string(), z.number()]).optional(),
          scores: z.record(z.string(), z.number()).optional(),
          either: z.union([z.string(), z.number()]),
          list: z.array(z.string()).min(1).max(3),
          kind: z.discriminatedUnion('type', [z.object({ type: z.literal('a'), a: z.string() }), z.object({ type: z.literal('b'), b: z.number() })]).optional(),
          defaulted: z.string().default('q'),
        }),
      }),
    },
  });
  const valid = {
    text: 'hello', nested: { b: 1 }, loose: { c: 'x', more: 1 }, strict: { d: 'y' }, email: 'ada@example.com', url: 'https://example.com', id: '01937a6e-0000-7000-8000-000000000001',
    at: '2026-11-22T10:00:00Z', day: '2026-11-22', clock: '10:00:00', ip: '10.0.0.1', maybe: null, price: 473.53, count: 3, literal: 'x', choice: 'a', pair: ['x', 1], scores: { a: 1 },
    either: 'e', list: ['a'], kind: { type: 'b', b: 2 }, defaulted: 'z',
  };

  it('a catalog using every construct zod emits: compiled, and agreeing with Ajv on its mutations', () => {
    const schema = catalogJson(everything).events.everything.properties as JsonSchema;
    const payloads = [valid, ...mutationsOf(valid)];
    const { wrong, accepted, rejected } = disagreements(schema, payloads);
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(accepted).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });

  for (const catalog of catalogs) {
    it(`the ${catalog.name} catalog`, () => {
      for (const [name, event] of Object.entries(catalogJson(catalog).events)) {
        const sample = sampleObject(event.properties);
        const { wrong } = disagreements(event.properties as JsonSchema, [sample, ...mutationsOf(sample)]);
        expect(wrong.slice(0, 5), name).toEqual([]);
      }
    });
  }
});
