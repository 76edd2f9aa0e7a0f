import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { catalogJson } from '../../src/cli/json-schema-export';
import { defineCatalog, defineEvent } from '../../src/core/catalog';
import { compileJsonSchema, REFINEMENT_KEYWORD } from '../../src/core/json-schema';

const withProperties = (properties: z.ZodObject) => catalogJson(defineCatalog({ name: 'r', version: 1, events: { e: defineEvent({ description: 'An event.', properties }) } })).events.e.properties;

describe('what zod checks but JSON Schema cannot say is refused at generate time, not accepted by the generated client', () => {
  it('a .refine() on a property', () => {
    const schema = withProperties(z.object({ code: z.string().refine((v) => v.startsWith('A')).describe('Code') }));
    expect(() => compileJsonSchema(schema)).toThrow(`/properties/code/${REFINEMENT_KEYWORD}: ".refine()" is checked by the zod catalog`);
  });

  it('a z.date() nested in an object', () => {
    const schema = withProperties(z.object({ order: z.object({ at: z.date() }).describe('Order') }));
    expect(() => compileJsonSchema(schema)).toThrow(`/properties/order/properties/at/${REFINEMENT_KEYWORD}: "z.date()"`);
  });

  it('a refinement the schema states itself (marked in-schema) compiles and is checked through its keywords', () => {
    const schema = withProperties(
      z.object({
        filters: z
          .looseObject({})
          .refine((v) => Object.keys(v).length >= 1)
          .meta({ minProperties: 1, [REFINEMENT_KEYWORD]: 'in-schema' })
          .describe('Filters'),
      }),
    );
    const validate = compileJsonSchema(schema);
    expect(validate({ filters: { a: 1 } }).ok).toBe(true);
    expect(validate({ filters: {} }).ok).toBe(false);
  });

  it('leaves plain zod constraints alone (they are JSON Schema keywords)', () => {
    const schema = withProperties(z.object({ code: z.string().min(2).regex(/^A/).describe('Code'), n: z.int().positive().describe('N') }));
    expect(JSON.stringify(schema)).not.toContain(REFINEMENT_KEYWORD);
    expect(compileJsonSchema(schema)({ code: 'AB', n: 1 }).ok).toBe(true);
  });
});
