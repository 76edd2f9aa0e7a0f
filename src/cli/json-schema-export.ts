import * as z from 'zod';
import { descriptionOf, shapeOf } from '../core/catalog';
import { REFINEMENT_KEYWORD, type JsonSchema } from '../core/json-schema';
import { flagsJson } from './flags-export';
import type { CatalogJson, LoadedCatalog } from './load-catalog';

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

/**
 * An object schema's JSON Schema (input side: what callers pass), with descriptions kept. The root says
 * whether undeclared properties are kept (`open`, `additionalProperties: true`) or removed and reported
 * (`false`), as the catalog's validators do, whatever zod's own object mode.
 */
export function objectJsonSchema(schema: unknown, open = false): JsonSchema {
  if (!schema) return { type: 'object', properties: {}, additionalProperties: open };
  const json = z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any', override: markUnchecked }) as JsonSchema;
  delete json.$schema;
  json.additionalProperties = open;
  // zod keeps descriptions of wrapped (optional) properties on the inner schema: copy them up.
  const shape = shapeOf(schema) ?? {};
  for (const [key, child] of Object.entries(json.properties ?? {})) {
    const description = descriptionOf(shape[key]);
    if (description && !child.description) child.description = description;
  }
  return json;
}

/** zod types JSON Schema has no words for: zod writes `{}` (anything) for them. */
const UNREPRESENTABLE = new Set(['bigint', 'date', 'symbol', 'map', 'set', 'custom', 'function', 'promise', 'nan']);

/**
 * Marks what zod checks but cannot write as JSON Schema (a `.refine()`/`.superRefine()`, a `z.date()`),
 * so `compileJsonSchema` refuses it at generate time, naming its pointer, instead of a generated client
 * accepting what the zod catalog rejects. A refinement whose rule the schema also states (say
 * `.meta({ minProperties: 1 })` beside it) is declared with `.meta({ [REFINEMENT_KEYWORD]: 'in-schema' })`.
 */
function markUnchecked(ctx: { zodSchema: unknown; jsonSchema: Record<string, unknown> }): void {
  const def = (ctx.zodSchema as { _zod?: { def?: { type?: string; checks?: { _zod?: { def?: { check?: string } } }[] } } })._zod?.def;
  if (!def || ctx.jsonSchema[REFINEMENT_KEYWORD] !== undefined) return;
  if (def.type && UNREPRESENTABLE.has(def.type)) ctx.jsonSchema[REFINEMENT_KEYWORD] = `unchecked: z.${def.type}()`;
  else if (def.checks?.some((check) => check._zod?.def?.check === 'custom')) ctx.jsonSchema[REFINEMENT_KEYWORD] = 'unchecked: .refine()';
}

/** The whole plan as JSON: the input of `trackplan diff` and of non-TypeScript consumers. */
export function catalogJson(catalog: LoadedCatalog): CatalogJson {
  const events: CatalogJson['events'] = {};
  for (const [name, event] of Object.entries(catalog.events)) {
    events[name] = {
      description: event.description,
      version: event.version,
      ...(event.destinations ? { destinations: [...event.destinations] } : {}),
      ...(event.revenue ? { revenue: event.revenue } : {}),
      piiAllow: [...event.piiAllow],
      properties: objectJsonSchema((catalog.definition.events as Record<string, { properties?: unknown }>)[name].properties, event.open === true),
    };
  }
  const groups: CatalogJson['groups'] = {};
  for (const [type, schema] of Object.entries(catalog.definition.groups ?? {})) groups[type] = objectJsonSchema(schema);
  const flags = flagsJson(catalog);
  return {
    $schema: DRAFT,
    name: catalog.name,
    version: catalog.version,
    ...(catalog.definition.person ? { person: objectJsonSchema(catalog.definition.person) } : {}),
    groups,
    events,
    ...(flags ? { flags } : {}),
    ...(catalog.funnels && Object.keys(catalog.funnels).length ? { funnels: structuredClone(catalog.funnels) as CatalogJson['funnels'] } : {}),
    ...(catalog.metrics && Object.keys(catalog.metrics).length ? { metrics: structuredClone(catalog.metrics) as CatalogJson['metrics'] } : {}),
    ...(catalog.definition.naming ? { naming: { ...catalog.definition.naming } } : {}),
  };
}

/** One JSON Schema file per event. */
export function eventJsonSchema(plan: CatalogJson, name: string): JsonSchema {
  const event = plan.events[name];
  return {
    $schema: DRAFT,
    $id: `trackplan:${plan.name}/${name}@${event.version}`,
    title: name,
    description: event.description,
    'x-trackplan-version': event.version,
    ...(event.destinations ? { 'x-trackplan-destinations': event.destinations } : {}),
    ...event.properties,
  };
}

const SAFE_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/**
 * The file name (without `.json`) of each event's JSON Schema. A name that is safe as a file name is
 * used as is; a wire name with spaces, slashes or other punctuation ("Order Completed", "/cart") has
 * each run of them replaced by `_`, and a name that would then repeat another (letter case ignored, as
 * on macOS and Windows) gets `-2`, `-3`, … in catalog order. A wire name never reaches the file system
 * as a path.
 */
export function eventSchemaFileNames(names: readonly string[]): Map<string, string> {
  const taken = new Set<string>();
  const files = new Map<string, string>();
  for (const name of names) {
    const base = SAFE_FILE_NAME.test(name) ? name : name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+|[._-]+$/g, '') || 'event';
    let file = base;
    for (let suffix = 2; taken.has(file.toLowerCase()); suffix++) file = `${base}-${suffix}`;
    taken.add(file.toLowerCase());
    files.set(name, file);
  }
  return files;
}
