import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCatalog } from '../../src/cli/check';
import { main } from '../../src/cli/index';
import { catalogJson } from '../../src/cli/json-schema-export';
import { generatedNames } from '../../src/cli/ts-types';
import { compileJsonSchema } from '../../src/core/json-schema';
import { TrackplanConfigError } from '../../src/core/errors';
import { memoryDestination } from '../../src/testing/index';
import { catalog } from '../fixtures/wire-names/catalog';
import * as client from '../fixtures/wire-names/client/index';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), cwd: process.cwd() });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const fixture = ['test/fixtures/wire-names/catalog.ts', '--out', 'test/fixtures/wire-names/client', '--schema-out', 'test/fixtures/wire-names/json', '--docs-out', 'test/fixtures/wire-names/docs'];

describe('wire names: kept as catalog keys, identifiers derived', () => {
  it('check warns about the naming style of wire names and placeholders, and reports no error', () => {
    const findings = checkCatalog(catalogJson(catalog));
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    const warned = (rule: string) => findings.filter((f) => f.rule === rule).map((f) => f.property ?? f.event);
    expect(warned('naming/style')).toEqual(['Order Completed', 'Event Collided', 'Empty Event', '42_--terrible=="event\'++name~!3', '/cart']);
    expect(warned('naming/generated-collision')).toEqual(['event_collided']);
    expect(warned('docs/placeholder')).toEqual(['Empty Event', 'regex property']);
  });

  it('names functions in catalog order, numbering collisions; appending an event renames none', () => {
    const names = ['Event Collided', 'event_collided', 'EventCollided2', '42 x', '/', 'Order Completed'];
    expect([...generatedNames(names).values()]).toEqual(['EventCollided', 'EventCollided2', 'EventCollided22', 'Event42X', 'Event', 'OrderCompleted']);
    expect([...generatedNames([...names, 'order completed']).values()].slice(0, names.length)).toEqual([...generatedNames(names).values()]);
    expect(generatedNames([...names, 'order completed']).get('order completed')).toBe('OrderCompleted2');
  });

  it('the committed generated client is up to date (and type-checked by npm run typecheck)', async () => {
    const result = await run('generate', ...fixture, '--check');
    expect(result.code, result.out + result.err).toBe(0);
  });

  it('JSON Schema files get safe, distinct names; a wire name never becomes a path', () => {
    expect(readdirSync('test/fixtures/wire-names/json').sort()).toEqual(['42_--terrible_event_name_3.json', 'Empty_Event.json', 'Event_Collided.json', 'Order_Completed.json', 'cart.json', 'catalog.json', 'event_collided-2.json']);
  });

  it('the generated functions send the wire names, and open events keep their extra properties', async () => {
    const destination = memoryDestination();
    await client.init({ destinations: [destination] });
    client.trackOrderCompleted({ order_id: 'o_1', total: 473.53, coupon: 'SUMMER' });
    client.trackEventCollided({ n: 1 });
    client.trackEventCollided2({ s: 'x' });
    client.trackEmptyEvent({ anything: true });
    client.trackEvent42TerribleEventName3({ 'regex property': 'aaa' });
    client.trackCart({ items: [{ sku: 'S1', size: 'L' }] });
    await client.flush();
    const sent = destination.messages.map((m: any) => [m.envelope.event, m.envelope.properties]);
    expect(sent).toEqual([
      ['Order Completed', { order_id: 'o_1', total: 473.53, coupon: 'SUMMER' }],
      ['Event Collided', { n: 1 }],
      ['event_collided', { s: 'x' }],
      ['Empty Event', { anything: true }],
      ['42_--terrible=="event\'++name~!3', { 'regex property': 'aaa' }],
      ['/cart', { items: [{ sku: 'S1', size: 'L' }] }],
    ]);
    expect(client.stats().violations).toBe(0);
    await client.shutdown(500);
  });
});

describe('generate refuses what the generated validator cannot check, naming the event and the JSON pointer', () => {
  it('an unknown format, through the CLI: exit 1, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trackplan-refused-'));
    const result = await run('generate', 'test/fixtures/cli/unsupported-schema-catalog.ts', '--out', join(dir, 'client'), '--schema-out', join(dir, 'json'), '--docs-out', join(dir, 'docs'));
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/event "card_added".*\/properties\/card\/properties\/number\/format: "format" "credit-card" is not a format trackplan checks/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    [{ type: 'object', additionalProperties: false, properties: { a: { unevaluatedProperties: false } } }, '/properties/a/unevaluatedProperties', 'unevaluatedProperties'],
    [{ type: 'object', additionalProperties: false, properties: { a: { $ref: 'https://example.com/s.json' } } }, '/properties/a/$ref', '$ref'],
    [{ type: 'object', additionalProperties: false, properties: { a: { $ref: '#/$defs/missing' } } }, '/properties/a/$ref', '$ref'],
    [{ type: 'object', additionalProperties: false, properties: { a: { type: 'string', format: 'idn-email' } } }, '/properties/a/format', 'format'],
    [{ type: 'object', additionalProperties: false, properties: { 'a/b': { type: 'array', minContains: 1 } } }, '/properties/a~1b/minContains', 'minContains'],
    [{ type: 'object', additionalProperties: false, labels: { team: 'x' }, properties: {} }, '/labels', 'labels'],
    [{ type: 'object', additionalProperties: false, properties: { a: { type: 'text' } } }, '/properties/a/type', 'type'],
    [{ type: 'object', additionalProperties: false, properties: { a: { type: 'string', pattern: '(' } } }, '/properties/a/pattern', 'pattern'],
    [{ type: 'object', allOf: [{ properties: { a: { type: 'string' } } }] }, '/allOf', 'allOf'],
  ])('refuses %j at %s', (schema, pointer, keyword) => {
    let error: unknown;
    try {
      compileJsonSchema(schema as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TrackplanConfigError);
    expect((error as Error).message).toContain(`${pointer}: "${keyword}"`);
  });
});
