/**
 * rudder-iac YAML projects (`rudder/v0.1` and `rudder/v1`): events, properties, custom types and
 * tracking-plan rules, spread over several files. Each rule becomes the JSON Schema RudderStack
 * itself compiles it to (properties, required, additionalProperties, variants as if/then).
 */
import type { ImportReport } from '../report';
import type { ImportedUnit, PlanFile, SchemaNode } from '../types';

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const isRudderYaml = (data: unknown) => isObject(data) && typeof data.version === 'string' && data.version.startsWith('rudder/') && typeof data.kind === 'string';

interface Project {
  events: Map<string, { spec: Record<string, any>; file: string }>;
  properties: Map<string, { spec: Record<string, any>; file: string }>;
  types: Map<string, { spec: Record<string, any>; file: string }>;
}

/** `#/properties/<group>/<id>`, `#property:<id>` → the id (ids are unique across the folder in practice). */
function refId(ref: unknown, kind: 'properties' | 'events' | 'custom-types'): string | undefined {
  if (typeof ref !== 'string') return undefined;
  const v1 = { properties: '#property:', events: '#event:', 'custom-types': '#custom-type:' }[kind];
  if (ref.startsWith(v1)) return ref.slice(v1.length);
  const match = ref.match(new RegExp(`^#/${kind}/[^/]+/(.+)$`));
  return match?.[1];
}

class Unresolved extends Error {}

function typeList(spec: Record<string, any>): string[] | undefined {
  if (Array.isArray(spec.types)) return spec.types.map(String);
  if (typeof spec.type === 'string' && !spec.type.startsWith('#')) return spec.type.split(',').map((t: string) => t.trim()).filter(Boolean);
  return undefined;
}

function configSchema(config: Record<string, any> | undefined): SchemaNode {
  const out: SchemaNode = {};
  if (!isObject(config)) return out;
  const aliases: Record<string, string> = { min_length: 'minLength', max_length: 'maxLength', multiple_of: 'multipleOf', exclusive_minimum: 'exclusiveMinimum', exclusive_maximum: 'exclusiveMaximum' };
  for (const [key, value] of Object.entries(config)) {
    if (['itemTypes', 'item_types', 'item_type', 'additionalProperties', 'additional_properties'].includes(key)) continue;
    out[aliases[key] ?? key] = value;
  }
  const items = config.itemTypes ?? config.item_types ?? config.item_type;
  if (items !== undefined) out.items = { type: Array.isArray(items) ? items : [items] };
  return out;
}

function propertySchema(project: Project, id: string, seen: string[] = []): SchemaNode {
  const entry = project.properties.get(id);
  if (!entry) throw new Unresolved(`property "${id}" is not defined in the project`);
  const spec = entry.spec;
  const description = typeof spec.description === 'string' ? spec.description : undefined;
  const typeRef = typeof spec.type === 'string' && spec.type.startsWith('#') ? spec.type : undefined;
  let schema: SchemaNode;
  if (typeRef) {
    const typeId = refId(typeRef, 'custom-types');
    if (!typeId || !project.types.has(typeId)) throw new Unresolved(`custom type "${typeRef}" (property "${id}") is not defined in the project`);
    schema = customTypeSchema(project, typeId, seen);
  } else {
    const types = typeList(spec);
    schema = { ...(types ? { type: types } : {}), ...configSchema(spec.propConfig ?? spec.config) };
    if (types?.includes('array') && spec.item_type) schema.items = { type: [spec.item_type] };
    if (types?.includes('array') && Array.isArray(spec.item_types)) schema.items = { type: spec.item_types };
    if (types?.includes('object')) schema.additionalProperties = true;
  }
  return description ? { ...schema, description } : schema;
}

function customTypeSchema(project: Project, id: string, seen: string[]): SchemaNode {
  if (seen.includes(id)) throw new Unresolved(`custom type "${id}" refers to itself`);
  const spec = project.types.get(id)!.spec;
  const types = typeList(spec) ?? [];
  const schema: SchemaNode = { type: types, ...configSchema(spec.config ?? spec.propConfig) };
  if (Array.isArray(spec.properties)) Object.assign(schema, objectFrom(project, spec.properties, [...seen, id]), { type: types });
  if (Array.isArray(spec.variants)) Object.assign(schema, variantsFrom(project, spec.variants, [...seen, id]));
  return schema;
}

/** A rule's or custom type's property list (refs, required flags, nested properties) as an object schema. */
function objectFrom(project: Project, list: unknown[], seen: string[] = []): SchemaNode {
  const properties: Record<string, SchemaNode> = {};
  const required: string[] = [];
  for (const item of list) {
    if (!isObject(item)) continue;
    const id = refId(item.$ref ?? item.property, 'properties');
    if (!id) throw new Unresolved(`a property reference ${JSON.stringify(item.$ref ?? item.property)} is not understood`);
    const name = String(project.properties.get(id)?.spec.name ?? id);
    let schema = propertySchema(project, id, seen);
    if (Array.isArray(item.properties) && item.properties.length) schema = { ...schema, ...objectFrom(project, item.properties, seen), additionalProperties: true, type: schema.type ?? ['object'] };
    properties[name] = schema;
    if (item.required === true) required.push(name);
  }
  return { type: 'object', properties, required };
}

function variantsFrom(project: Project, variants: unknown[], seen: string[] = []): SchemaNode {
  const conditions: SchemaNode[] = [];
  for (const variant of variants) {
    if (!isObject(variant) || variant.type !== 'discriminator') throw new Unresolved(`variant type ${JSON.stringify(isObject(variant) ? variant.type : variant)} is not supported`);
    const id = refId(variant.discriminator, 'properties');
    if (!id) throw new Unresolved(`discriminator ${JSON.stringify(variant.discriminator)} is not understood`);
    const name = String(project.properties.get(id)?.spec.name ?? id);
    const listed: unknown[] = [];
    for (const c of variant.cases ?? []) {
      listed.push(...(c.match ?? []));
      conditions.push({ if: { properties: { [name]: { enum: c.match ?? [] } }, required: [name] }, then: objectFrom(project, c.properties ?? [], seen) });
    }
    if (Array.isArray(variant.default)) conditions.push({ if: { properties: { [name]: { not: { enum: listed } } }, required: [name] }, then: objectFrom(project, variant.default, seen) });
  }
  return { allOf: [{ allOf: conditions.map(({ then, ...rest }) => ({ ...rest, then: { properties: then.properties, required: then.required } })), type: 'object' }] };
}

export function readRudderYaml(files: PlanFile[], report: ImportReport): ImportedUnit[] {
  const project: Project = { events: new Map(), properties: new Map(), types: new Map() };
  const plans: { spec: Record<string, any>; file: string }[] = [];
  for (const { path, data } of files) {
    if (!isRudderYaml(data)) continue;
    const { kind, spec } = data as Record<string, any>;
    if (kind === 'events') for (const e of spec?.events ?? []) project.events.set(String(e.id), { spec: e, file: path });
    else if (kind === 'properties') for (const p of spec?.properties ?? []) project.properties.set(String(p.id), { spec: p, file: path });
    else if (kind === 'custom-types') for (const t of spec?.types ?? []) project.types.set(String(t.id), { spec: t, file: path });
    else if (kind === 'tp' || kind === 'tracking-plan') plans.push({ spec: spec ?? {}, file: path });
  }
  const units: ImportedUnit[] = [];
  for (const { spec, file } of plans) {
    (spec.rules ?? []).forEach((rule: Record<string, any>, i: number) => {
      const where = `/spec/rules/${i}`;
      const eventRef = isObject(rule.event) ? rule.event.$ref : rule.event;
      const eventId = refId(eventRef, 'events');
      const event = eventId ? project.events.get(eventId) : undefined;
      if (!event) return report.refused(file, String(rule.id ?? i), `${where}/event`, `the rule's event ${JSON.stringify(eventRef)} is not defined in the project`);
      const type = String(event.spec.event_type ?? 'track');
      let name = typeof event.spec.name === 'string' ? event.spec.name : '';
      if (/\{\{.*\}\}/.test(name) || /\{\{.*\}\}/.test(String(event.spec.description ?? '')))
        return report.refused(event.file, name, `event ${eventId}`, 'the event name or description is a template ({{ ... }}) resolved only at deploy time; not imported');
      const kind = type === 'identify' ? 'person' : type === 'group' ? 'group' : 'event';
      if (kind === 'event' && !name) {
        name = type;
        report.note(file, name, `an unnamed ${type} event is imported as the event "${type}"`);
      }
      let schema: SchemaNode;
      try {
        schema = objectFrom(project, rule.properties ?? []);
        if (Array.isArray(rule.variants)) Object.assign(schema, variantsFrom(project, rule.variants));
      } catch (error) {
        if (error instanceof Unresolved) return report.refused(file, name, where, error.message);
        throw error;
      }
      const allow = isObject(rule.event) ? rule.event.allow_unplanned : rule.additional_properties;
      if (Array.isArray(rule.variants)) schema.unevaluatedProperties = allow === true;
      else schema.additionalProperties = allow === true;
      units.push({
        kind,
        name: kind === 'person' ? 'identify' : kind === 'group' ? 'group' : name,
        description: typeof event.spec.description === 'string' ? event.spec.description : undefined,
        schema: { file, root: schema, pointer: '' },
        where,
      });
    });
  }
  return units;
}
