import { TrackplanConfigError } from '../core/errors';
import { compileJsonSchema, type JsonSchema } from '../core/json-schema';
import type { CatalogJson } from './load-catalog';
import { exportedObjectType, generatedNames, objectType, pascalCase, tsType } from './ts-types';

/** The runtime a generated client is typed for: its `init()` takes that runtime's `createTracker` options. */
export type ClientTarget = 'browser' | 'node';

/**
 * The generated app module: typed `track`, one function per event, identity helpers, and the
 * catalog in zod-free form (JSON Schema compiled when init() has the runtime), so a browser bundle has
 * no zod and a page loads only the typed functions and a call queue up front.
 */
export function generateClient(plan: CatalogJson, header: string, target: ClientTarget = 'browser'): string {
  const names = Object.keys(plan.events);
  assertCompiles(plan);
  // Wire names stay as they are; the identifiers are derived, collisions numbered in catalog order.
  const ids = generatedNames(names);
  const pascalCase = (name: string) => ids.get(name)!;
  // Only the queue of trackplan/client loads up front; the tracker and the compiled catalog load at init()
  // (in the browser with import(); on Node at once). Types come from trackplan and cost no bytes.
  // init() is typed with the options of the target runtime's createTracker, whatever the app's moduleResolution.
  const out: string[] = [
    header,
    `import { createGeneratedClient } from 'trackplan/client';`,
    `import type { CatalogCompiler, TrackCallOptions } from 'trackplan';`,
    `import type { createTracker } from 'trackplan/${target}';`,
    '',
  ];
  for (const name of names) {
    const event = plan.events[name];
    out.push(`/** Properties of \`${name}\`: ${escapeDoc(event.description)} */`);
    out.push(exportedObjectType(`${pascalCase(name)}Properties`, event.properties), '');
  }
  out.push(`/** Every event of the ${plan.name} catalog and its properties. */`);
  out.push(`export interface Events {\n${names.map((n) => `  ${JSON.stringify(n)}: ${pascalCase(n)}Properties;`).join('\n')}\n}`, '');
  out.push(`/** Person traits for identify(). */`);
  out.push(`export type Person = ${plan.person ? objectType(plan.person) : 'Record<string, never>'};`, '');
  out.push(`/** Group types and their properties for group(). */`);
  const groupTypes = Object.entries(plan.groups);
  out.push(`export interface Groups {\n${groupTypes.map(([type, schema]) => `  ${JSON.stringify(type)}: ${objectType(schema as never, '  ')};`).join('\n')}\n}`, '');

  const flags = Object.entries(plan.flags ?? {});
  if (flags.length) {
    out.push(`/** The feature flags of the ${plan.name} catalog: each flag's value and payload. */`);
    out.push(`export interface Flags {\n${flags.map(([key, flag]) => `  /** ${escapeDoc(flag.description)} */\n  ${JSON.stringify(key)}: { value: ${flagValueType(flag)}; payload: ${flagPayloadType(flag)} };`).join('\n')}\n}`, '');
  }

  const runtimeEvents = names.map((name) => {
    const e = plan.events[name];
    const spec = {
      name,
      description: '',
      version: e.version,
      ...(e.destinations ? { destinations: e.destinations } : {}),
      ...(e.revenue ? { revenue: e.revenue } : {}),
      piiAllow: e.piiAllow,
      ...(e.properties.additionalProperties === true ? { open: true } : {}),
    };
    return `      ${JSON.stringify(name)}: { ...${JSON.stringify(spec)}, validate: compileJsonSchema(${JSON.stringify(rulesOnly(e.properties))}) },`;
  });
  out.push(`/**`);
  out.push(` * The ${plan.name} catalog without zod: each event's properties are checked by a validator compiled`);
  out.push(` * from its JSON Schema, enforcing the same rules as the zod schema. init() calls this once the`);
  out.push(` * runtime is there; on its own: \`compileCatalog({ compileJsonSchema, defineCompiledCatalog })\` from 'trackplan'.`);
  out.push(` */`);
  const payloads = flags.some(([, flag]) => flag.payload && Object.keys(flag.payload).length);
  out.push(`export function compileCatalog({ compileJsonSchema, defineCompiledCatalog${payloads ? ', compileFlagPayload' : ''} }: CatalogCompiler) {`);
  out.push(`  return defineCompiledCatalog<Events, Person, Groups${flags.length ? ', Flags' : ''}>({`);
  out.push(`    name: ${JSON.stringify(plan.name)},`, `    version: ${plan.version},`);
  out.push(`    events: {\n${runtimeEvents.join('\n')}\n    },`);
  if (plan.person) out.push(`    person: compileJsonSchema(${JSON.stringify(rulesOnly(plan.person))}),`);
  out.push(`    groups: {${groupTypes.map(([type, schema]) => ` ${JSON.stringify(type)}: compileJsonSchema(${JSON.stringify(rulesOnly(schema))})`).join(',')} },`);
  if (flags.length) {
    const runtimeFlags = flags.map(([key, flag]) => {
      const { description: _description, payload, ...rest } = flag;
      const parsers = Object.entries(payload ?? {}).map(([value, schema]) => `${JSON.stringify(value)}: compileFlagPayload(${JSON.stringify(rulesOnly(schema))})`);
      const spec = JSON.stringify(rest).slice(0, -1) + (parsers.length ? `,"payload":{ ${parsers.join(', ')} }` : '') + '}';
      return `      ${JSON.stringify(key)}: ${spec},`;
    });
    out.push(`    flags: {\n${runtimeFlags.join('\n')}\n    },`);
  }
  out.push(`  });`, `}`, '');

  out.push(`type Catalog = ReturnType<typeof compileCatalog>;`);
  out.push(`type Options = NonNullable<Parameters<typeof createTracker<Catalog>>[1]>;`);
  out.push(`type Tracker = ReturnType<typeof createTracker<Catalog>>;`, '');
  out.push(`// One tracker, made by init(); calls made before it exists wait (at most 1000; the oldest beyond that`);
  out.push(`// are dropped and counted in stats() as client_queue_overflow) and run then.`);
  if (flags.length) {
    const defaults = Object.fromEntries(flags.map(([key, flag]) => [key, { default: flag.default, ...(flag.variants ? { variants: flag.variants } : {}) }]));
    out.push(`// Each flag's default and variants: the browser reads init()'s flags.bootstrap with them before the runtime loads.`);
    out.push(`const client = createGeneratedClient<Catalog, Tracker, Options>(compileCatalog, ${JSON.stringify(defaults)});`, '');
  } else out.push(`const client = createGeneratedClient<Catalog, Tracker, Options>(compileCatalog);`, '');
  out.push(`export const { init, track, identify, alias, group, reset, optOut, optIn, isOptedOut, flush, shutdown, stats${flags.length ? ', flags' : ''} } = client;`, '');
  for (const name of names) {
    const event = plan.events[name];
    const params = Object.entries(event.properties.properties ?? {}).map(([key, child]) => ` * @param props.${key} ${escapeDoc((child as { description?: string }).description ?? '')}`);
    out.push(['/**', ` * ${escapeDoc(event.description)}`, ' *', ` * Version ${event.version}; destinations: ${event.destinations?.join(', ') ?? 'all configured'}.`, ...params, ' */'].join('\n'));
    const optional = !(event.properties.required ?? []).length;
    out.push(`export function track${pascalCase(name)}(props: ${pascalCase(name)}Properties${optional ? ' = {} as ' + pascalCase(name) + 'Properties' : ''}, options?: TrackCallOptions): void {`, `  track(${JSON.stringify(name)}, props, options);`, `}`, '');
  }
  return out.join('\n');
}

/**
 * Every schema the client will compile, compiled now: a construct the validator cannot check is refused
 * at generate time, naming the event and the JSON pointer, not when the app starts.
 */
function assertCompiles(plan: CatalogJson): void {
  const schemas: [string, unknown][] = [
    ...Object.entries(plan.events).map(([name, event]) => [`event ${JSON.stringify(name)}`, event.properties] as [string, unknown]),
    ...(plan.person ? [['person', plan.person] as [string, unknown]] : []),
    ...Object.entries(plan.groups).map(([type, schema]) => [`group ${JSON.stringify(type)}`, schema] as [string, unknown]),
  ];
  for (const [where, schema] of schemas) {
    try {
      compileJsonSchema(schema as JsonSchema);
    } catch (error) {
      throw new TrackplanConfigError(`catalog "${plan.name}", ${where}: ${(error as Error).message}`);
    }
  }
}

/** Maps of schemas by name, whose keys are names, not keywords. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependencies']);
/** Values that are data, kept exactly. */
const DATA = new Set(['const', 'enum', 'default', 'examples', 'required', 'dependentRequired']);

type FlagJson = NonNullable<CatalogJson['flags']>[string];

/** A flag's value type: its variants, or boolean. */
function flagValueType(flag: FlagJson): string {
  return flag.variants ? flag.variants.map((v) => JSON.stringify(v)).join(' | ') : 'boolean';
}

/** A flag's payload type: the union of its payload schemas' types (`never` without payloads). */
function flagPayloadType(flag: FlagJson): string {
  const schemas = Object.values(flag.payload ?? {});
  return schemas.length ? schemas.map((schema) => tsType(schema as never, '  ')).join(' | ') : 'never';
}

/** The schema without what only people read (descriptions): the browser bundle carries rules only. */
function rulesOnly(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rulesOnly);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description' || key === '$schema' || key === 'title' || key === 'examples') continue;
    out[key] = DATA.has(key) ? value : SCHEMA_MAPS.has(key) && value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rulesOnly(v)])) : rulesOnly(value);
  }
  return out;
}

function escapeDoc(text: string): string {
  return text.replace(/\*\//g, '* /').replace(/\n/g, ' ');
}
