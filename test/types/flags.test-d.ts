/**
 * Compile-only type tests for flags, checked by `npm run typecheck` (tsc): every `@ts-expect-error`
 * line must be an error, and every `expectTypeOf` must hold.
 */
import { expectTypeOf } from 'vitest';
import * as z from 'zod';
import { defineCatalog, defineEvent, defineFlag, type FlagKeyOf, type FlagsBootstrap } from '../../src/index';
import { createTracker as createBrowserTracker } from '../../src/browser/index';
import { createTracker } from '../../src/node/index';
import { catalog } from '../fixtures/flags-catalog';

const tracker = createTracker(catalog, {});

async function node() {
  const flags = await tracker.flags.evaluate('user_1', { person: { plan: 'pro' }, groups: { team: { key: 't_1', properties: { seats: 3 } } } });
  expectTypeOf(flags.get('new-onboarding')).toEqualTypeOf<'control' | 'test'>();
  expectTypeOf(flags.get('beta-export')).toEqualTypeOf<boolean>();
  expectTypeOf(flags.isEnabled('new-onboarding')).toEqualTypeOf<boolean>();
  expectTypeOf(flags.payload('new-onboarding')).toEqualTypeOf<{ layout: 'compact' | 'wide'; contact?: string | undefined } | undefined>();
  expectTypeOf(flags.payload('beta-export')).toEqualTypeOf<undefined>();
  expectTypeOf(flags.bootstrap()).toEqualTypeOf<FlagsBootstrap>();
  expectTypeOf<FlagKeyOf<typeof catalog>>().toEqualTypeOf<'new-onboarding' | 'beta-export'>();
  if (flags.get('new-onboarding') === 'test') {
    // @ts-expect-error a variant the flag does not have
  } else if (flags.get('new-onboarding') === 'tset') {
  }
  // @ts-expect-error a flag key the catalog does not have
  flags.get('new-onboardng');
  // @ts-expect-error a flag key the catalog does not have
  flags.isEnabled('beta_export');
  // @ts-expect-error a person property the catalog does not declare
  await tracker.flags.evaluate('user_1', { person: { plna: 'pro' } });
  // @ts-expect-error a group type the catalog does not declare
  await tracker.flags.evaluate('user_1', { groups: { org: 'o_1' } });
  tracker.track('page_viewed', { path: '/' }, { flags });
}
void node;

function browser(bootstrap: FlagsBootstrap) {
  const web = createBrowserTracker(catalog, { flags: { bootstrap } });
  expectTypeOf(web.flags.get('new-onboarding')).toEqualTypeOf<'control' | 'test'>();
  expectTypeOf(web.flags.get('beta-export')).toEqualTypeOf<boolean>();
  expectTypeOf(web.flags.isEnabled('beta-export')).toEqualTypeOf<boolean>();
  expectTypeOf(web.flags.payload('new-onboarding')).toEqualTypeOf<{ layout: 'compact' | 'wide'; contact?: string | undefined } | undefined>();
  expectTypeOf(web.flags.subscribe(() => {})).toEqualTypeOf<() => void>();
  expectTypeOf(web.stats().flags.exposures).toEqualTypeOf<number>();
  // @ts-expect-error a flag key the catalog does not have
  web.flags.get('new-onboardng');
  // @ts-expect-error a flag key the catalog does not have
  web.flags.payload('beta_export');
  // @ts-expect-error a variant the flag does not have
  if (web.flags.get('new-onboarding') === 'tset') return;
  // @ts-expect-error the bootstrap is Node's flags.bootstrap() shape
  createBrowserTracker(catalog, { flags: { bootstrap: { 'new-onboarding': 'test' } } });
  // @ts-expect-error a catalog without flags has no flag keys
  createBrowserTracker(noFlags).flags.get('anything');
}
void browser;

// Declarations: the default must be one of the variants, payloads may only name variants.
defineFlag({ description: 'ok', variants: ['a', 'b'], default: 'a', payload: { b: z.object({ n: z.number() }) } });
defineFlag({ description: 'one schema for every variant', variants: ['a', 'b'], default: 'b', payload: z.object({ n: z.number() }) });
defineFlag({ description: 'boolean with a payload', default: true, payload: z.array(z.string()) });
// @ts-expect-error a default outside the variants
defineFlag({ description: 'bad default', variants: ['control', 'test'], default: 'off' });
// @ts-expect-error a boolean flag's default is a boolean
defineFlag({ description: 'bad default', default: 'on' });
// @ts-expect-error a multivariate flag's default is a variant, not a boolean
defineFlag({ description: 'bad default', variants: ['control', 'test'], default: false });
// @ts-expect-error a payload for a variant the flag does not have
defineFlag({ description: 'bad payload key', variants: ['control', 'test'], default: 'control', payload: { tset: z.object({}) } });
// @ts-expect-error the description is required
defineFlag({ variants: ['a'], default: 'a' });

const noFlags = defineCatalog({ name: 'plain', version: 1, events: { x_happened: defineEvent({ description: 'x' }) } });
async function plain() {
  const flags = await createTracker(noFlags, {}).flags.evaluate('u');
  // @ts-expect-error a catalog without flags has no flag keys
  flags.get('anything');
}
void plain;
