import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { checkCatalog } from '../../src/cli/check';
import { catalogJson } from '../../src/cli/json-schema-export';
import { defineCatalog, defineEvent, type EventNaming } from '../../src/core/catalog';

const event = (description: string) => defineEvent({ description, properties: z.object({ order_id: z.string().describe('Order id') }) });

function namingErrors(names: string[], events?: EventNaming): string[] {
  const catalog = defineCatalog({
    name: 'naming',
    version: 1,
    ...(events ? { naming: { events } } : {}),
    events: Object.fromEntries(names.map((name) => [name, event(`The ${name} event happened`)])),
  });
  return checkCatalog(catalogJson(catalog))
    .filter((finding) => finding.rule === 'naming/convention')
    .map((finding) => finding.event!);
}

describe('trackplan check: the naming rule is the catalog\'s (naming: { events })', () => {
  it('by default accepts snake_case and dotted lowercase names side by side (signup_page_viewed with checkout.start)', () => {
    expect(namingErrors(['signup_page_viewed', 'checkout.start', 'order.paid'])).toEqual([]);
  });

  it('by default refuses names that are neither (capitals, spaces), already in defineCatalog, saying how to keep them', () => {
    expect(() => namingErrors(['Order Completed', 'checkout.start'])).toThrow(/naming: \{ events: 'any' \}/);
  });

  it("'snake' refuses dotted names and 'dotted' refuses snake_case ones", () => {
    expect(namingErrors(['signup_page_viewed', 'checkout.start'], 'snake')).toEqual(['checkout.start']);
    expect(namingErrors(['signup_page_viewed', 'checkout.start'], 'dotted')).toEqual(['signup_page_viewed']);
  });

  it("'any' keeps imported wire names as they are", () => {
    expect(namingErrors(['Order Completed', 'Product Viewed'], 'any')).toEqual([]);
  });
});
