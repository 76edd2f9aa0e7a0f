import { TrackplanConfigError } from '../core/errors';
import type { JsonSchema } from '../core/json-schema';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
export const propertyKey = (key: string) => (IDENTIFIER.test(key) ? key : JSON.stringify(key));

/** Where a node sits: the schema its local `$ref`s resolve in, and the references being expanded (a cycle cannot be inlined). */
interface TypeContext {
  root: unknown;
  expanding: readonly string[];
}

type Node = JsonSchema | boolean;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function resolveRef(target: string, ctx: TypeContext): unknown {
  if (ctx.expanding.includes(target))
    throw new TrackplanConfigError(`[trackplan] [generate] $ref ${JSON.stringify(target)} refers to itself; generated types cannot inline a recursive schema. Make the recursion finite in the zod catalog.`);
  let node: unknown = ctx.root;
  for (const raw of target.slice(1).split('/').slice(1)) node = isObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  if (node === undefined) throw new TrackplanConfigError(`[trackplan] [generate] $ref ${JSON.stringify(target)} points to nothing in this schema.`);
  return node;
}

/** A TypeScript type for a JSON Schema node (the input side of the zod schema). Looser than the validator where TypeScript cannot say more (patterns, ranges). */
export function tsType(schema: Node, indent = '', ctx: TypeContext = { root: schema, expanding: [] }): string {
  if (schema === true) return 'unknown';
  if (schema === false) return 'never';
  const parts: string[] = [];
  if (typeof schema.$ref === 'string') parts.push(paren(tsType(resolveRef(schema.$ref, ctx) as Node, indent, { ...ctx, expanding: [...ctx.expanding, schema.$ref] })));
  if (Array.isArray(schema.allOf)) for (const branch of schema.allOf) parts.push(paren(tsType(branch, indent, ctx)));
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) parts.push(paren(alternatives.map((s) => tsType(s, indent, ctx)).join(' | ')));
  const own = ownType(schema, indent, ctx);
  if (own !== undefined) parts.push(paren(own));
  if (!parts.length) return 'unknown';
  return parts.length === 1 ? unparen(parts[0]) : parts.join(' & ');
}

const paren = (type: string) => (/[|&]/.test(type) && !/^[{(]/.test(type) ? `(${type})` : type);
const unparen = (type: string) => (type.startsWith('(') && type.endsWith(')') ? type.slice(1, -1) : type);

/** The type this node states itself (enum, const or type), or undefined when it states none. */
function ownType(schema: JsonSchema, indent: string, ctx: TypeContext): string | undefined {
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if ('const' in schema) return JSON.stringify(schema.const);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (!types.length) return schema.properties ? objectType(schema, indent, ctx) : undefined;
  return types
    .map((type) => {
      switch (type) {
        case 'integer':
        case 'number':
          return 'number';
        case 'array':
          return arrayType(schema, indent, ctx);
        case 'object':
          return schema.properties || extraOf(schema) !== undefined ? objectType(schema, indent, ctx) : 'Record<string, unknown>';
        default:
          return type;
      }
    })
    .join(' | ');
}

function arrayType(schema: JsonSchema, indent: string, ctx: TypeContext): string {
  const tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : undefined;
  const rest = Array.isArray(schema.items) ? schema.additionalItems : schema.items;
  if (!tuple) return `Array<${rest === undefined ? 'unknown' : tsType(rest as Node, indent, ctx)}>`;
  const required = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const elements = tuple.map((item, i) => `${tsType(item as Node, indent, ctx)}${i < required ? '' : '?'}`);
  if (rest !== false) elements.push(`...Array<${rest === undefined || rest === true ? 'unknown' : tsType(rest as Node, indent, ctx)}>`);
  return `[${elements.join(', ')}]`;
}

/** The type of undeclared keys: undefined when the object is closed or says nothing (zod's own objects). */
function extraOf(schema: JsonSchema): string | undefined {
  const extra = schema.additionalProperties;
  if (extra === undefined || extra === false) return undefined;
  return 'unknown';
}

/** `{ key: type; … }` with each property's description as JSDoc; an open object also takes any other key. */
export function objectType(schema: JsonSchema, indent = '', ctx: TypeContext = { root: schema, expanding: [] }): string {
  const required = new Set(schema.required ?? []);
  const inner = `${indent}  `;
  const lines = Object.entries(schema.properties ?? {}).map(([key, child]) => {
    const description = isObject(child) ? child.description : undefined;
    const doc = description ? `${inner}/** ${description.replace(/\*\//g, '* /')} */\n` : '';
    return `${doc}${inner}${propertyKey(key)}${required.has(key) ? '' : '?'}: ${tsType(child, inner, ctx)};`;
  });
  const extra = extraOf(schema);
  if (extra !== undefined) {
    // Declared properties must fit the index signature: keep it `unknown` beside them; a schema for extras types a pure record.
    if (!lines.length && isObject(schema.additionalProperties)) return `Record<string, ${tsType(schema.additionalProperties as Node, inner, ctx)}>`;
    lines.push(`${inner}[key: string]: unknown;`);
  }
  return lines.length ? `{\n${lines.join('\n')}\n${indent}}` : 'Record<string, never>';
}

/** An exported object type: an interface, or an alias where an interface cannot say it (no properties, combinators). */
export function exportedObjectType(name: string, schema: JsonSchema): string {
  const combined = schema.$ref !== undefined || schema.allOf !== undefined || schema.anyOf !== undefined || schema.oneOf !== undefined;
  if (combined) return `export type ${name} = ${tsType(schema)};`;
  const body = objectType(schema);
  return body.startsWith('{') ? `export interface ${name} ${body}` : `export type ${name} = ${body};`;
}

/** `order.paid` -> `OrderPaid`, `Order Completed` -> `OrderCompleted`; a leading digit gets `Event` before it, no letters or digits at all gives `Event`. */
export function pascalCase(name: string): string {
  const joined = name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
  return joined === '' || /^[0-9]/.test(joined) ? `Event${joined}` : joined;
}

/**
 * The identifier part of each event's generated names (`track<Name>`, `<Name>Properties`), in catalog
 * order. Names that collide after `pascalCase` keep the first event's name; each later one gets the
 * smallest suffix 2, 3, … that is still free ("Event Collided", "event_collided" -> `EventCollided`,
 * `EventCollided2`). Adding an event at the end never renames an existing one.
 */
export function generatedNames(events: readonly string[]): Map<string, string> {
  const taken = new Set<string>();
  const names = new Map<string, string>();
  for (const event of events) {
    const base = pascalCase(event);
    let name = base;
    for (let suffix = 2; taken.has(name.toLowerCase()); suffix++) name = `${base}${suffix}`;
    taken.add(name.toLowerCase());
    names.set(event, name);
  }
  return names;
}
