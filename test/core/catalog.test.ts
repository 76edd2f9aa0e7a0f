import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineCatalog, defineEvent } from '../../src/node/index';
import { VERSION } from '../../src/core/version';
import pkg from '../../package.json' with { type: 'json' };
import { catalog, paid } from '../fixtures/storefront-catalog';

describe('defineCatalog', () => {
  it('builds the zod-free runtime form with versions, destinations, revenue and pii allow lists', () => {
    const event = catalog.events['order.paid'];
    expect(event).toMatchObject({ name: 'order.paid', version: 2, destinations: ['posthog', 'webhook'], revenue: { amount: 'amount', currency: 'currency' }, piiAllow: [] });
    expect(catalog.events['checkout.start'].version).toBe(1);
    expect(catalog.events['checkout.start'].destinations).toBeUndefined();
    expect(catalog.definition.events['order.paid'].properties).toBeDefined();
  });

  it('validates with zod and lists unknown keys separately', () => {
    const validate = catalog.events['order.paid'].validate;
    expect(validate(paid)).toEqual({ ok: true, value: paid, issues: [], unknownKeys: [] });
    const bad = validate({ ...paid, amount: 'x', extra: 1 });
    expect(bad.ok).toBe(false);
    expect(bad.unknownKeys).toEqual(['extra']);
    expect(bad.value).not.toHaveProperty('extra');
    expect(bad.issues.map((i) => i.path)).toEqual([['amount']]);
    expect(validate('nope').issues[0].message).toMatch(/expected an object/);
  });

  it('an event without properties accepts nothing and reports what it was given', () => {
    const validate = catalog.events.onboarding_completed.validate;
    expect(validate(undefined)).toMatchObject({ ok: true, unknownKeys: [] });
    expect(validate({ a: 1 })).toMatchObject({ ok: true, value: {}, unknownKeys: ['a'] });
  });

  it.each([
    [{ name: 'bad name', version: 1, events: {} }, /name must be a slug/],
    [{ name: 'x', version: 0, events: {} }, /version must be a positive integer/],
    [{ name: 'x', version: 1, events: { 'Order Paid': defineEvent({ description: 'd' }) } }, /snake_case or dotted/],
    [{ name: 'x', version: 1, events: { paid: { description: '' } } }, /add a description/],
    [{ name: 'x', version: 1, events: { paid: defineEvent({ description: 'd', properties: z.string() as never }) } }, /z\.object/],
    [{ name: 'x', version: 1, events: { paid: { description: 'd', revenue: { amount: 'amt' }, properties: z.object({ amount: z.number() }) } } }, /revenue names property "amt"/],
  ])('refuses a malformed catalog with a message that says what to fix (%#)', (definition, message) => {
    expect(() => defineCatalog(definition as never)).toThrowError(message);
  });

  it('keeps the library version equal to package.json', () => {
    expect(VERSION).toBe(pkg.version);
  });
});
