/**
 * `trackplan check` on a wire-name catalog (`naming: { events: 'any' }`, as `trackplan import` writes):
 * what the plan already sends (a property with two types, what GA4 would rename or drop) warns, while
 * the same catalog with trackplan's own naming keeps those as errors.
 */
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { checkCatalog } from '../../../src/cli/check';
import { catalogJson } from '../../../src/cli/json-schema-export';
import { defineCatalog, defineEvent, IMPORTED_DESCRIPTION_PLACEHOLDER } from '../../../src/index';

const manyProperties = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`p${i}`, z.string().describe(`property ${i}`).optional()]));

function plan(naming: 'any' | 'snake-or-dotted') {
  return defineCatalog({
    name: 'shop',
    version: 1,
    naming: { events: naming },
    events: {
      product_added: defineEvent({ description: 'A product was added.', properties: z.object({ quantity: z.number().int().describe('How many') }) }),
      product_viewed: defineEvent({ description: 'A product was viewed.', properties: z.object({ quantity: z.number().describe('How many'), note: z.unknown().describe('Anything') }) }),
      product_clicked: defineEvent({ description: 'A product was clicked.', properties: z.object({ note: z.string().describe('A note') }) }),
      report_exported: defineEvent({ description: 'A report was exported.', properties: z.object(manyProperties) }),
      form_sent: defineEvent({ description: IMPORTED_DESCRIPTION_PLACEHOLDER, properties: z.object({ firebase_id: z.string().describe('Reserved prefix in GA4') }) }),
    },
  });
}

const bySeverity = (naming: 'any' | 'snake-or-dotted', severity: 'error' | 'warning') =>
  checkCatalog(catalogJson(plan(naming)))
    .filter((f) => f.severity === severity)
    .map((f) => `${f.rule} ${f.event}${f.property ? ` ${f.property}` : ''}`);

describe('check: wire-name catalogs warn about what the plan already sends', () => {
  it('a property with two types, too many properties for GA4, a GA4-reserved property name: warnings under naming any', () => {
    expect(bySeverity('any', 'error')).toEqual([]);
    const warnings = bySeverity('any', 'warning');
    expect(warnings).toContain('consistency/type product_viewed quantity');
    expect(warnings).toContain('ga4/too_many_params report_exported');
    expect(warnings.filter((w) => w.startsWith('ga4/reserved') && w.includes('form_sent'))).toHaveLength(1);
    expect(warnings).toContain('docs/placeholder form_sent');
  });

  it('the same findings stay errors under trackplan naming', () => {
    const errors = bySeverity('snake-or-dotted', 'error');
    expect(errors).toContain('consistency/type product_viewed quantity');
    expect(errors).toContain('ga4/too_many_params report_exported');
    expect(errors.filter((e) => e.startsWith('ga4/reserved') && e.includes('form_sent'))).toHaveLength(1);
  });

  it('a property that states no type (z.unknown()) conflicts with no other', () => {
    for (const naming of ['any', 'snake-or-dotted'] as const) {
      const all = [...bySeverity(naming, 'error'), ...bySeverity(naming, 'warning')];
      expect(all.filter((f) => f.startsWith('consistency/type') && f.includes(' note'))).toEqual([]);
    }
  });
});
