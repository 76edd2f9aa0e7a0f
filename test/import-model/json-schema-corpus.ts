// Schemas for the compileJsonSchema/Ajv agreement test: each construct the validator supports, in the
// shapes the survey counted in real plans (../shared/plans/SURVEY.md), with one or more valid payloads.
// Roots say additionalProperties explicitly: that is what the catalog export writes.
import type { JsonSchema } from '../../src/core/json-schema';

export interface CorpusEntry {
  name: string;
  /** 2020-12 (Ajv2020) unless 'draft-07' (plain Ajv). */
  draft?: 'draft-07';
  schema: JsonSchema;
  valid: Record<string, unknown>[];
}

const closed = (properties: Record<string, JsonSchema>, required: string[] = [], more: JsonSchema = {}): JsonSchema => ({ type: 'object', properties, required, additionalProperties: false, ...more });

export const corpus: CorpusEntry[] = [
  {
    name: 'string lengths (code points) and patterns',
    schema: closed({ s: { type: 'string', minLength: 2, maxLength: 5 }, p: { type: 'string', pattern: '^[a-z]+$' }, emoji: { type: 'string', maxLength: 2 }, u: { type: 'string', pattern: '^\\p{L}+$' } }, ['s']),
    valid: [{ s: 'abc', p: 'xyz', emoji: '😀😀', u: 'Über' }],
  },
  {
    name: 'string formats',
    schema: closed({
      dt: { type: 'string', format: 'date-time' },
      d: { type: 'string', format: 'date' },
      t: { type: 'string', format: 'time' },
      e: { type: 'string', format: 'email' },
      u: { type: 'string', format: 'uri' },
      id: { type: 'string', format: 'uuid' },
      ip4: { type: 'string', format: 'ipv4' },
      ip6: { type: 'string', format: 'ipv6' },
      host: { type: 'string', format: 'hostname' },
    }),
    valid: [{ dt: '2026-11-22T10:00:00Z', d: '2024-02-29', t: '10:00:00+01:00', e: 'ada@example.com', u: 'https://example.com/a?b=c', id: '01937a6e-0000-7000-8000-000000000001', ip4: '10.0.0.1', ip6: '::1', host: 'api.example.com' }],
  },
  {
    name: 'numbers: ranges, exclusive bounds, multipleOf with a tolerance',
    schema: closed({
      price: { type: 'number', multipleOf: 0.01, minimum: 0 },
      qty: { type: 'integer', minimum: 1, maximum: 100 },
      ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      five: { type: 'integer', multipleOf: 5 },
    }, ['price']),
    valid: [{ price: 473.53, qty: 3, ratio: 0.5, five: 10 }, { price: 0.1 }, { price: 19.99 }],
  },
  {
    name: 'nullable and multi-type unions (type arrays)',
    schema: closed({ n: { type: ['string', 'null'] }, m: { type: ['number', 'string'] }, all: { type: ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'] }, one: { type: ['boolean'] } }, ['n']),
    valid: [{ n: null, m: 1, all: {}, one: true }, { n: 'x', m: 'y' }],
  },
  {
    name: 'enum (mixed, null, without type) and const',
    schema: closed({ e: { enum: ['Evil Morty', 1, true, null] }, typed: { type: 'string', enum: ['a', 'b'] }, c: { const: { deep: [1, 'x'] } }, flag: { type: 'boolean', const: true } }),
    valid: [{ e: 'Evil Morty', typed: 'a', c: { deep: [1, 'x'] }, flag: true }, { e: null }],
  },
  {
    name: 'nested objects: closed, open, with a schema for extra keys, required inside',
    schema: closed({
      strict: { type: 'object', properties: { a: { type: 'string' }, inner: { type: 'object', properties: { x: { type: 'integer' } }, required: ['x'], additionalProperties: false } }, required: ['a'], additionalProperties: false },
      loose: { type: 'object', properties: { b: { type: 'number' } }, additionalProperties: true },
      implicit: { type: 'object', properties: { c: { type: 'boolean' } } },
      counts: { type: 'object', additionalProperties: { type: 'integer' } },
    }, ['strict']),
    valid: [{ strict: { a: 'x', inner: { x: 1 } }, loose: { b: 1, other: 'kept' }, implicit: { c: true, more: 1 }, counts: { a: 1, b: 2 } }],
  },
  {
    name: 'arrays: items, bounds, uniqueItems, arrays of objects, tuples (prefixItems, as zod writes them)',
    schema: closed({
      tags: { type: 'array', items: { type: 'string', maxLength: 8 }, minItems: 1, maxItems: 3, uniqueItems: true },
      rows: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, n: { type: 'integer' } }, required: ['id'], additionalProperties: false } },
      any: { type: 'array' },
      pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }], items: false, minItems: 2, maxItems: 2 },
      notUnique: { type: 'array', uniqueItems: false },
    }),
    valid: [{ tags: ['a', 'b'], rows: [{ id: 'r1', n: 2 }], any: [1, 'x', null], pair: ['x', 1], notUnique: [1, 1] }],
  },
  {
    name: 'local $ref to definitions and $defs, with siblings, nested refs (Ampli plans, RudderStack custom types)',
    schema: {
      type: 'object',
      additionalProperties: false,
      definitions: { sku: { type: 'string', pattern: '^SKU-\\d+$' }, product: { type: 'object', properties: { sku: { $ref: '#/definitions/sku' }, price: { $ref: '#/$defs/money' } }, required: ['sku'], additionalProperties: false } },
      $defs: { money: { type: 'number', minimum: 0, multipleOf: 0.01 } },
      properties: { product: { $ref: '#/definitions/product' }, products: { type: 'array', items: { $ref: '#/definitions/product' } }, short: { $ref: '#/definitions/sku', maxLength: 6 } },
      required: ['product'],
    },
    valid: [{ product: { sku: 'SKU-1', price: 9.99 }, products: [{ sku: 'SKU-22' }], short: 'SKU-12' }],
  },
  {
    name: 'recursive $ref',
    schema: { type: 'object', additionalProperties: false, $defs: { node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } }, required: ['name'], additionalProperties: false } }, properties: { tree: { $ref: '#/$defs/node' } } },
    valid: [{ tree: { name: 'root', children: [{ name: 'leaf', children: [] }] } }],
  },
  {
    name: 'allOf (merged: every branch holds)',
    schema: closed({ merged: { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { type: 'object', properties: { b: { type: 'integer', minimum: 0 } } }] } }, ['merged']),
    valid: [{ merged: { a: 'x', b: 1 } }, { merged: { a: 'y' } }],
  },
  {
    name: 'anyOf and oneOf (oneOf exclusive)',
    schema: closed({
      any: { anyOf: [{ type: 'string', maxLength: 3 }, { type: 'integer' }] },
      one: { oneOf: [{ type: 'number' }, { type: 'integer' }] },
      shape: { oneOf: [{ type: 'object', properties: { kind: { const: 'card' }, last4: { type: 'string' } }, required: ['kind', 'last4'] }, { type: 'object', properties: { kind: { const: 'cash' } }, required: ['kind'] }] },
    }),
    valid: [{ any: 'abc', one: 1.5, shape: { kind: 'cash' } }, { any: 7, shape: { kind: 'card', last4: '4242' } }],
  },
  {
    name: 'not and if/then/else (RudderStack variants)',
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: { method: { type: 'string', enum: ['card', 'invoice'] }, card_brand: { type: 'string' }, po_number: { type: 'string' }, code: { type: 'string', not: { const: 'forbidden' } } },
      required: ['method'],
      if: { properties: { method: { const: 'card' } } },
      then: { required: ['card_brand'] },
      else: { required: ['po_number'] },
    },
    valid: [{ method: 'card', card_brand: 'visa', code: 'ok' }, { method: 'invoice', po_number: 'PO-1' }],
  },
  {
    name: 'object counts, dependentRequired, patternProperties, propertyNames',
    schema: closed({
      counted: { type: 'object', minProperties: 1, maxProperties: 2 },
      dep: { type: 'object', properties: { cost: { type: 'number' }, costModel: { type: 'string' } }, dependentRequired: { cost: ['costModel'] } },
      pattern: { type: 'object', patternProperties: { '^x_': { type: 'integer' } }, additionalProperties: false },
      names: { type: 'object', propertyNames: { pattern: '^[a-z]+$' } },
    }),
    valid: [{ counted: { a: 1 }, dep: { cost: 1, costModel: 'cpm' }, pattern: { x_a: 1 }, names: { abc: 1 } }, { dep: { costModel: 'cpm' } }],
  },
  {
    name: 'constraints on nodes without type (mParticle user attributes)',
    schema: { additionalProperties: false, properties: { name: { maxLength: 3 }, age: { minimum: 18 }, attrs: { properties: { zip: { type: 'string', pattern: '^\\d{5}$' } }, required: ['zip'] } } },
    valid: [{ name: 'Ada', age: 30, attrs: { zip: '12345' } }, { name: 7, age: 'x' }],
  },
  {
    name: 'an open root (additionalProperties true) and a root with a schema for extra keys (Snowplow site_search)',
    schema: { type: 'object', additionalProperties: true, properties: { terms: { type: 'array', items: { type: 'string' }, minItems: 1 }, filters: { type: 'object', additionalProperties: { type: ['string', 'boolean'] } } }, required: ['terms'] },
    valid: [{ terms: ['shoes'], filters: { color: 'red', sale: true }, extra: { anything: 1 } }],
  },
  {
    name: 'root extra keys by schema',
    schema: { type: 'object', additionalProperties: { type: 'string', maxLength: 4 }, properties: { id: { type: 'integer' } } },
    valid: [{ id: 1, note: 'ok' }],
  },
  {
    name: 'draft-07: dependencies (Snowplow ad_impression), items arrays with additionalItems, draft-04 style exclusive bounds as numbers',
    draft: 'draft-07',
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: { cost: { type: 'number', exclusiveMinimum: 0 }, costModel: { enum: ['cpa', 'cpc', 'cpm'] }, pair: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }], additionalItems: false }, open: { type: 'array', items: [{ type: 'string' }] } },
      dependencies: { cost: ['costModel'], pair: { required: ['open'] } },
    },
    valid: [{ cost: 1.5, costModel: 'cpm', pair: ['a', 1], open: ['x', 2, null] }, {}],
  },
];

/** What zod's `z.toJSONSchema` writes for a catalog's properties uses these same constructs; see the zod test. */
export const STRING_PROBES = [
  '', 'x', 'abc', 'ABC', 'Über', '😀😀😀', 'SKU-1', 'SKU-12345', 'forbidden',
  '2026-11-22', '2026-02-30', '2024-02-29', '2026-11-22T10:00:00Z', '2026-11-22T10:00:00', '2026-11-22t10:00:00.5+02:00', '10:00:00Z', '10:00:00', '23:59:60Z', '25:00:00Z',
  'a@b.co', 'ada@example.com', 'a@@b', 'https://example.com/x', 'example.com', 'mailto:a@b.co', 'http://', '01937a6e-0000-7000-8000-000000000001', 'urn:uuid:01937a6e-0000-7000-8000-000000000001', '01937a6e00007000800000000000001',
  '127.0.0.1', '256.1.1.1', '::1', '2001:db8::1', 'host-name.example', '-bad-', 'x_a', 'cpm', 'card', 'cash', 'invoice',
];
export const NUMBER_PROBES = [0, -1, 1, 1.5, 2, 5, 7, 10, 18, 100, 101, 473.53, 473.535, 0.1, 0.3, 19.99, 1e21, -0.5, 0.99999, 2 ** 53];
