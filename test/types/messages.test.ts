import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * What tsc prints for the mistakes users make most: a wrong event name, flag key or group type, and
 * a missing property. Small files are compiled with the project's compiler options (one language
 * service, so the editor's completions are checked on the same program) and the printed
 * diagnostics are asserted on, as a user would read them.
 */
const ROOT = resolve('.tmp', 'type-messages');
const FIXTURE_HEADER = `import { createTracker } from '../../src/node/index';
import { createTracker as createBrowserTracker } from '../../src/browser/index';
import { catalog, paid } from '../../test/fixtures/storefront-catalog';
import { catalog as flagsCatalog } from '../../test/fixtures/flags-catalog';
import * as generated from '../../schema/clients/storefront/index';
export const tracker = createTracker(catalog, {});
export const browser = createBrowserTracker(catalog, {});
void generated; void paid; void flagsCatalog;
`;

/** One fixture per case: the file's body (after the header). `/*|*\/` marks a completion position. */
const FIXTURES = {
  nodeName: `tracker.track('order.payed', paid);`,
  nodeNameNoProps: `tracker.track('onboarding_complete');`,
  browserName: `browser.track('Order.Paid', paid);`,
  generatedName: `generated.track('checkout.started', { order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' });`,
  nodeFlag: `async function f() { const flags = await createTracker(flagsCatalog, {}).flags.evaluate('u'); return flags.get('new-onboardng'); }
void f;`,
  browserFlag: `createBrowserTracker(flagsCatalog, {}).flags.isEnabled('beta_export');`,
  noFlags: `createBrowserTracker(catalog, {}).flags.payload('beta-export');`,
  groupType: `tracker.group('team', 't_1', {});`,
  missingProperty: `tracker.track('order.paid', { order_id: 'o', amount: 1, currency: 'USD', tier: 't', skus: [], country: 'US' });`,
  missingPropertyGenerated: `generated.track('order.paid', { order_id: 'o', amount: 1, currency: 'USD', tier: 't', skus: [], country: 'US' });`,
  manyEvents: `import { defineCatalog, defineEvent } from '../../src/core/catalog';
const big = defineCatalog({ name: 'big', version: 1, events: { 'app_opened': defineEvent({ description: 'x' }), 'signup_page_viewed': defineEvent({ description: 'x' }), 'signup_completed': defineEvent({ description: 'x' }), 'checkout.start': defineEvent({ description: 'x' }), 'checkout.completed': defineEvent({ description: 'x' }), 'order.paid': defineEvent({ description: 'x' }), 'order.refunded': defineEvent({ description: 'x' }), 'order.shipped': defineEvent({ description: 'x' }), 'invoice.sent': defineEvent({ description: 'x' }), 'invoice.paid': defineEvent({ description: 'x' }), 'team.created': defineEvent({ description: 'x' }), 'team.deleted': defineEvent({ description: 'x' }) } });
createTracker(big, {}).track('order.payed');
createTracker(big, {}).track('zzz');
createTracker(big, {}).track('Order.Paid');`,
  // Correct calls, a user's own generic wrapper and type utilities: no diagnostics at all.
  correct: `import type { EventNameOf, TrackArgs } from '../../src/index';
type C = typeof catalog;
tracker.track('order.paid', paid);
tracker.track('signup_page_viewed');
browser.track('checkout.start', { order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' });
generated.track('checkout.start', { order_id: 'o', tier: 'pro', subtotal: 1, country: 'US' });
tracker.group('organization', 'o_1', { plan: 'pro' });
export function trackLater<N extends EventNameOf<C>>(name: N, ...args: TrackArgs<C, N>) { tracker.track(name, ...args); }
export function trackAny(name: EventNameOf<C>) { tracker.track(name); }
export type Args = Parameters<typeof tracker.track>;
async function f() { const flags = await createTracker(flagsCatalog, {}).flags.evaluate('u'); const v: 'control' | 'test' = flags.get('new-onboarding'); return v; }
void f;`,
  completeName: `tracker.track('/*|*/');`,
  completeProperty: `tracker.track('checkout.start', { /*|*/ });`,
  completeFlag: `createBrowserTracker(flagsCatalog, {}).flags.get('/*|*/');`,
} as const;
type Case = keyof typeof FIXTURES;

let service: ts.LanguageService;
const fileOf = (name: Case) => join(ROOT, `${name}.ts`);

/** Every diagnostic tsc reports for one fixture, flattened as tsc prints it (elaborations included). */
function errors(name: Case): string[] {
  return service.getSemanticDiagnostics(fileOf(name)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

function completions(name: Case): string[] {
  const text = FIXTURE_HEADER + FIXTURES[name];
  const at = text.indexOf('/*|*/');
  return (service.getCompletionsAtPosition(fileOf(name), at, {})?.entries ?? []).map((e) => e.name);
}

beforeAll(() => {
  rmSync(ROOT, { recursive: true, force: true });
  mkdirSync(ROOT, { recursive: true });
  for (const [name, body] of Object.entries(FIXTURES)) writeFileSync(join(ROOT, `${name}.ts`), FIXTURE_HEADER + body);
  const config = ts.getParsedCommandLineOfConfigFile(resolve('tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error('tsconfig.json could not be read');
  const files = Object.keys(FIXTURES).map((name) => fileOf(name as Case));
  service = ts.createLanguageService(
    {
      getScriptFileNames: () => files,
      getScriptVersion: () => '1',
      getScriptSnapshot: (file) => (ts.sys.fileExists(file) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(file)!) : undefined),
      getCurrentDirectory: () => process.cwd(),
      getCompilationSettings: () => config.options,
      getDefaultLibFileName: ts.getDefaultLibFilePath,
      fileExists: ts.sys.fileExists,
      readFile: ts.sys.readFile,
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
    },
    ts.createDocumentRegistry(),
  );
}, 120_000);

afterAll(() => {
  service?.dispose();
  rmSync(ROOT, { recursive: true, force: true });
});

const STOREFRONT = "Valid events: 'checkout.start', 'order.paid', 'support.contacted', 'signup_page_viewed', 'onboarding_completed'.";

describe('type errors name the mistake and the valid names', { timeout: 120_000 }, () => {
  it('a wrong event name on the Node tracker, with or without props', () => {
    expect(errors('nodeName')).toEqual([expect.stringContaining(`Unknown event 'order.payed'. ${STOREFRONT}`)]);
    expect(errors('nodeNameNoProps')).toEqual([expect.stringContaining(`Unknown event 'onboarding_complete'. ${STOREFRONT}`)]);
  });

  it('a wrong event name on the browser tracker', () => {
    expect(errors('browserName')).toEqual([expect.stringContaining(`Unknown event 'Order.Paid'. ${STOREFRONT}`)]);
  });

  it('a wrong event name on a generated client', () => {
    const [error, ...rest] = errors('generatedName');
    expect(rest).toEqual([]);
    expect(error).toContain("Unknown event 'checkout.started'. Valid events: 'checkout.start', 'order.paid'");
  });

  it('past ten names, the closest ones: the same but for case, else the same stem, else the same first letter', () => {
    const [payed, zzz, upper, ...rest] = errors('manyEvents');
    expect(rest).toEqual([]);
    expect(payed).toContain("Unknown event 'order.payed'. Closest valid events: 'order.paid', 'order.refunded', 'order.shipped'.");
    expect(payed).not.toContain('signup_page_viewed');
    expect(upper).toContain("Unknown event 'Order.Paid'. Closest valid events: 'order.paid'.");
    expect(zzz).toMatch(/Unknown event 'zzz'\. Closest valid events: ('[a-z_.]+', ){9}'[a-z_.]+', …/);
  });

  it('a wrong flag key, Node snapshot and browser flags; a catalog without flags says so', () => {
    expect(errors('nodeFlag')).toEqual([expect.stringContaining("Unknown flag 'new-onboardng'. Valid flags: 'new-onboarding', 'beta-export'.")]);
    expect(errors('browserFlag')).toEqual([expect.stringContaining("Unknown flag 'beta_export'. Valid flags: 'new-onboarding', 'beta-export'.")]);
    expect(errors('noFlags')).toEqual([expect.stringContaining("Unknown flag 'beta-export': the catalog declares no flags.")]);
  });

  it('a wrong group type', () => {
    expect(errors('groupType')).toEqual([expect.stringContaining("Unknown group type 'team'. Valid group types: 'organization'.")]);
  });

  it('a missing property names the property and the event (tracker and generated client)', () => {
    expect(errors('missingProperty')).toEqual([expect.stringMatching(/Property 'item_count' is missing in type .* but required in type 'EventProperties<"order\.paid", /)]);
    expect(errors('missingPropertyGenerated')).toEqual([expect.stringMatching(/Property 'item_count' is missing in type .* but required in type 'EventProperties<"order\.paid", OrderPaidProperties>'/)]);
  });

  it('correct calls, generic wrappers and Parameters<> compile with no error', () => {
    expect(errors('correct')).toEqual([]);
  });

  it('the editor still completes event names, properties and flag keys', () => {
    expect(completions('completeName')).toEqual(expect.arrayContaining(['checkout.start', 'order.paid', 'support.contacted', 'signup_page_viewed', 'onboarding_completed']));
    expect(completions('completeProperty')).toEqual(expect.arrayContaining(['order_id', 'tier', 'subtotal', 'country']));
    expect(completions('completeFlag')).toEqual(expect.arrayContaining(['new-onboarding', 'beta-export']));
  });
});
