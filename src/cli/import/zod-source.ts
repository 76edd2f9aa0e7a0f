/**
 * JSON Schema (drafts 04 to 2020-12, as plans write it) to zod source code, shared by every format.
 * It maps what zod checks exactly, reports what it maps with a loss, and refuses the rest with the
 * node's JSON pointer: it never drops a constraint silently.
 */
import type { SchemaNode } from './types';
import { REFINEMENT_KEYWORD } from '../../core/json-schema';

/** A construct the importer will not map: the unit is left out and the report names `where`. */
export class Refusal extends Error {
  constructor(
    readonly where: string,
    message: string,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

export interface WriteContext {
  file: string;
  root: unknown;
  /** Constructs mapped with a loss: where and why. */
  losses: { where: string; message: string }[];
  /** Notes that are not losses (a schema that accepts no value, say). */
  notes: { where: string; message: string }[];
  /** The `$ref`s being expanded, to refuse recursion. */
  refStack?: string[];
  /** Current indentation of generated object literals. */
  indent?: string;
  /** Written for a top-level property without a description (check requires one). */
  propertyPlaceholder?: string;
}

const TYPES = ['string', 'number', 'integer', 'boolean', 'null', 'array', 'object'] as const;
type TypeName = (typeof TYPES)[number];

/** Keywords that carry no validation (metadata, vendor fields such as Segment's `key`, Iglu's `self`). */
const ANNOTATIONS = new Set([
  '$schema', '$id', 'id', '$comment', 'title', 'description', 'default', 'examples', 'example', 'readOnly', 'writeOnly', 'deprecated',
  'key', 'labels', 'self', 'eventMetadata', '$defs', 'definitions', 'contentMediaType', 'contentEncoding',
]);

const STRING_KEYWORDS = ['minLength', 'maxLength', 'pattern', 'format'];
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const ARRAY_KEYWORDS = ['items', 'minItems', 'maxItems', 'uniqueItems'];
const OBJECT_KEYWORDS = ['properties', 'required', 'additionalProperties', 'unevaluatedProperties', 'minProperties', 'maxProperties', 'dependencies', 'dependentRequired'];
const HANDLED = new Set([
  'type', 'enum', 'const', '$ref', 'allOf', 'anyOf', 'oneOf', 'if', 'then', 'else',
  ...STRING_KEYWORDS, ...NUMBER_KEYWORDS, ...ARRAY_KEYWORDS, ...OBJECT_KEYWORDS,
]);

/** Formats zod checks itself; anything else is a loss. */
const FORMATS: Record<string, string> = {
  email: 'z.email()',
  uri: 'z.url()',
  uuid: 'z.guid()',
  'date-time': 'z.iso.datetime({ offset: true })',
  date: 'z.iso.date()',
  ipv4: 'z.ipv4()',
  ipv6: 'z.ipv6()',
  hostname: 'z.hostname()',
  time: 'z.string().regex(/^\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:[zZ]|[+-]\\d{2}(?::?\\d{2})?)?$/)',
};

export const pointerJoin = (pointer: string, ...parts: (string | number)[]) =>
  parts.reduce<string>((p, part) => `${p}/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`, pointer);

export function resolvePointer(root: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '#') return root;
  const parts = pointer.replace(/^#/, '').split('/').slice(1).map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: any = root;
  for (const part of parts) {
    if (node === null || typeof node !== 'object' || !(part in node)) return undefined;
    node = node[part];
  }
  return node;
}

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const literal = (v: unknown) => JSON.stringify(v);

/** Follows a local `$ref` (with siblings kept, as draft 2019-09 does); refuses remote and recursive ones. */
function deref(node: SchemaNode, pointer: string, ctx: WriteContext): { node: SchemaNode; pointer: string; pop?: string } {
  const ref = node.$ref;
  if (typeof ref !== 'string') return { node, pointer };
  if (!ref.startsWith('#')) throw new Refusal(pointerJoin(pointer, '$ref'), `$ref "${ref}" points outside the file; only local references (#/...) are resolved`);
  const stack = (ctx.refStack ??= []);
  if (stack.includes(ref)) throw new Refusal(pointerJoin(pointer, '$ref'), `$ref "${ref}" is recursive; recursive schemas are not imported`);
  const target = resolvePointer(ctx.root, ref);
  if (target === undefined) throw new Refusal(pointerJoin(pointer, '$ref'), `$ref "${ref}" does not resolve in ${ctx.file}`);
  const { $ref: _ref, ...siblings } = node;
  const validating = Object.keys(siblings).filter((k) => !ANNOTATIONS.has(k));
  const resolved: SchemaNode = typeof target === 'boolean' ? (target ? {} : { not: {} }) : (target as SchemaNode);
  const merged = validating.length ? { allOf: [resolved, siblings] } : { ...resolved, ...(siblings.description ? { description: siblings.description } : {}) };
  stack.push(ref);
  return { node: merged, pointer: validating.length ? pointer : ref.slice(1), pop: ref };
}

/** The zod source for one schema node. Throws Refusal for what it will not map. */
export function zodFor(input: unknown, pointer: string, ctx: WriteContext): string {
  if (input === true || (isObject(input) && Object.keys(input).every((k) => ANNOTATIONS.has(k)))) return withDescription('z.unknown()', input);
  if (input === false) return 'z.never()';
  if (!isObject(input)) throw new Refusal(pointer, `not a schema (${literal(input)?.slice(0, 40)})`);
  const { node, pointer: at, pop } = deref(input, pointer, ctx);
  try {
    return withDescription(zodForResolved(node, at, ctx), node);
  } finally {
    if (pop) ctx.refStack!.pop();
  }
}

/** Whether a property carries a description, looking through its $ref. */
function hasDescription(node: unknown, ctx: WriteContext): boolean {
  if (!isObject(node)) return false;
  if (typeof node.description === 'string' && node.description.trim()) return true;
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#')) return hasDescription(resolvePointer(ctx.root, node.$ref), ctx);
  return false;
}

function withDescription(source: string, node: unknown): string {
  const description = isObject(node) && typeof node.description === 'string' ? node.description.trim() : '';
  return description ? `${source}.describe(${literal(description)})` : source;
}

function zodForResolved(node: SchemaNode, pointer: string, ctx: WriteContext): string {
  for (const key of Object.keys(node)) {
    if (!HANDLED.has(key) && !ANNOTATIONS.has(key)) throw new Refusal(pointerJoin(pointer, key), `the JSON Schema keyword "${key}" is not supported`);
  }
  if (node.allOf) {
    if (hasConditional(node)) return variants(node, pointer, ctx);
    return zodFor(mergeAllOf(node, pointer, ctx), pointer, ctx);
  }
  if (node.if || node.then || node.else) throw new Refusal(pointerJoin(pointer, 'if'), 'if/then/else outside a discriminator pattern (allOf of if: {properties: {P: {enum}}}, then) is not supported');
  const alternatives = node.anyOf ?? node.oneOf;
  if (alternatives) {
    const keyword = node.anyOf ? 'anyOf' : 'oneOf';
    if (node.anyOf && node.oneOf) throw new Refusal(pointerJoin(pointer, 'oneOf'), 'anyOf and oneOf on one node are not supported');
    const { [keyword]: _alts, ...rest } = node;
    if (Object.keys(rest).some((k) => !ANNOTATIONS.has(k))) throw new Refusal(pointerJoin(pointer, keyword), `${keyword} beside other validation keywords is not supported; move them into each alternative`);
    if (!Array.isArray(alternatives) || alternatives.length === 0) throw new Refusal(pointerJoin(pointer, keyword), `${keyword} needs a non-empty array`);
    const members = alternatives.map((alt: unknown, i: number) => zodFor(alt, pointerJoin(pointer, keyword, i), ctx));
    if (keyword === 'oneOf')
      ctx.losses.push({ where: pointerJoin(pointer, 'oneOf'), message: 'oneOf became a union: a value matching several alternatives is accepted (JSON Schema rejects it)' });
    return members.length === 1 ? members[0] : `z.union([${members.join(', ')}])`;
  }
  const types = typesOf(node, pointer);
  if ('const' in node || node.enum) return literals(node, types, pointer, ctx);
  const concrete = types.filter((t) => t !== 'null');
  // integer is a subset of number: ["integer", "number"] accepts every number.
  const effective = concrete.includes('number') ? concrete.filter((t) => t !== 'integer') : concrete;
  const members = effective.map((t) => builderFor(t, node, pointer, ctx));
  let source: string;
  if (members.length === 0) source = 'z.null()';
  else source = members.length === 1 ? members[0] : `z.union([${members.join(', ')}])`;
  if (types.includes('null') && members.length) source += '.nullable()';
  return source;
}

/** The types a node allows. A node without `type` allows all of them (its other keywords apply per type). */
function typesOf(node: SchemaNode, pointer: string): TypeName[] {
  if (node.type === undefined) {
    const keywords = Object.keys(node).filter((k) => !ANNOTATIONS.has(k) && k !== 'enum' && k !== 'const');
    return keywords.length ? [...TYPES] : [...TYPES];
  }
  const list = Array.isArray(node.type) ? node.type : [node.type];
  for (const t of list) if (!TYPES.includes(t)) throw new Refusal(pointerJoin(pointer, 'type'), `unknown type ${literal(t)}`);
  return [...new Set(list as TypeName[])];
}

function matchesType(type: TypeName, value: unknown): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return typeof value === type;
  }
}

function literals(node: SchemaNode, types: TypeName[], pointer: string, ctx: WriteContext): string {
  const values: unknown[] = 'const' in node ? [node.const] : node.enum;
  const keyword = 'const' in node ? 'const' : 'enum';
  if (!Array.isArray(values)) throw new Refusal(pointerJoin(pointer, keyword), 'enum must be an array');
  for (const v of values) if (v !== null && typeof v === 'object') throw new Refusal(pointerJoin(pointer, keyword), `object and array values in ${keyword} are not supported`);
  const kept = [...new Set(values.filter((v) => types.some((t) => matchesType(t, v))))];
  const other = Object.keys(node).filter((k) => !ANNOTATIONS.has(k) && !['type', 'enum', 'const'].includes(k));
  if (other.length) {
    // Keep only the values the other constraints accept: the literal then says exactly what the schema says.
    ctx.notes.push({ where: pointer, message: `${other.join(', ')} beside ${keyword}: applied to the listed values` });
  }
  if (kept.length < values.length)
    ctx.notes.push({ where: pointerJoin(pointer, keyword), message: `${values.length - kept.length} value(s) contradict "type" and can never match: ${values.filter((v) => !kept.includes(v)).map(literal).join(', ')}` });
  if (kept.length === 0) {
    ctx.notes.push({ where: pointer, message: 'this schema accepts no value at all (kept as z.never())' });
    return 'z.never()';
  }
  if (kept.length === 1) return `z.literal(${literal(kept[0])})`;
  if (kept.every((v) => typeof v === 'string')) return `z.enum([${kept.map(literal).join(', ')}])`;
  return `z.literal([${kept.map(literal).join(', ')}])`;
}

function builderFor(type: TypeName, node: SchemaNode, pointer: string, ctx: WriteContext): string {
  switch (type) {
    case 'string':
      return stringSource(node, pointer, ctx);
    case 'number':
    case 'integer':
      return numberSource(type, node, pointer);
    case 'boolean':
      return 'z.boolean()';
    case 'null':
      return 'z.null()';
    case 'array':
      return arraySource(node, pointer, ctx);
    case 'object':
      return objectSource(node, pointer, ctx).source;
  }
}

function stringSource(node: SchemaNode, pointer: string, ctx: WriteContext): string {
  let source = 'z.string()';
  if (node.format !== undefined) {
    const known = FORMATS[node.format];
    if (known) source = known;
    else ctx.losses.push({ where: pointerJoin(pointer, 'format'), message: `format "${node.format}" is not checked (zod has no such format)` });
  }
  if (node.minLength !== undefined) source += `.min(${num(node.minLength, pointer, 'minLength')})`;
  if (node.maxLength !== undefined) source += `.max(${num(node.maxLength, pointer, 'maxLength')})`;
  if (node.pattern !== undefined) {
    try {
      new RegExp(node.pattern, 'u');
    } catch (error) {
      throw new Refusal(pointerJoin(pointer, 'pattern'), `pattern is not a valid regular expression: ${(error as Error).message}`);
    }
    source += `.regex(new RegExp(${literal(node.pattern)}, 'u'))`;
  }
  return source;
}

function num(value: unknown, pointer: string, keyword: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Refusal(pointerJoin(pointer, keyword), `${keyword} must be a number`);
  return value;
}

function numberSource(type: 'number' | 'integer', node: SchemaNode, pointer: string): string {
  let source = type === 'integer' ? 'z.int()' : 'z.number()';
  // Draft 04 writes exclusiveMinimum: true beside minimum.
  if (node.minimum !== undefined) source += node.exclusiveMinimum === true ? `.gt(${num(node.minimum, pointer, 'minimum')})` : `.gte(${num(node.minimum, pointer, 'minimum')})`;
  if (node.maximum !== undefined) source += node.exclusiveMaximum === true ? `.lt(${num(node.maximum, pointer, 'maximum')})` : `.lte(${num(node.maximum, pointer, 'maximum')})`;
  if (typeof node.exclusiveMinimum === 'number') source += `.gt(${node.exclusiveMinimum})`;
  if (typeof node.exclusiveMaximum === 'number') source += `.lt(${node.exclusiveMaximum})`;
  if (node.multipleOf !== undefined) {
    const step = num(node.multipleOf, pointer, 'multipleOf');
    if (step <= 0) throw new Refusal(pointerJoin(pointer, 'multipleOf'), 'multipleOf must be greater than 0');
    // zod compares with a tolerance (473.53 is a multiple of 0.01), as Ajv's multipleOfPrecision does.
    source += `.multipleOf(${step})`;
  }
  return source;
}

function arraySource(node: SchemaNode, pointer: string, ctx: WriteContext): string {
  if (Array.isArray(node.items)) throw new Refusal(pointerJoin(pointer, 'items'), 'tuple items (an array of schemas) are not supported');
  let source = `z.array(${node.items === undefined ? 'z.unknown()' : zodFor(node.items, pointerJoin(pointer, 'items'), ctx)})`;
  if (node.minItems !== undefined) source += `.min(${num(node.minItems, pointer, 'minItems')})`;
  if (node.maxItems !== undefined) source += `.max(${num(node.maxItems, pointer, 'maxItems')})`;
  if (node.uniqueItems === true) source += `.refine((items) => new Set(items.map((item) => JSON.stringify(item))).size === items.length, { message: 'items must be unique' })${stated({ uniqueItems: true })}`;
  return source;
}

/** How an object treats keys it does not declare. */
export type Openness = 'closed' | 'open' | { catchall: string };

/** An object schema as zod source. `asEvent` keeps the object builder plain (the event's `open` flag says the rest). */
export function objectSource(node: SchemaNode, pointer: string, ctx: WriteContext, options: { topLevel?: boolean } = {}): { source: string; openness: Openness; keys: string[] } {
  const properties: Record<string, unknown> = node.properties ?? {};
  if (!isObject(properties)) throw new Refusal(pointerJoin(pointer, 'properties'), 'properties must be an object');
  const required: string[] = Array.isArray(node.required) ? node.required : [];
  const indent = ctx.indent ?? '';
  const inner = `${indent}  `;
  ctx.indent = inner;
  const placeholder = options.topLevel ? ctx.propertyPlaceholder : undefined;
  ctx.propertyPlaceholder = undefined;
  let entries: string[];
  try {
    entries = Object.entries(properties).map(([key, child]) => {
      let source = zodFor(child, pointerJoin(pointer, 'properties', key), ctx);
      if (placeholder && !hasDescription(child, ctx)) source += `.describe(${placeholder})`;
      return `${inner}${literal(key)}: ${source}${required.includes(key) ? '' : '.optional()'},`;
    });
  } finally {
    ctx.indent = indent;
    ctx.propertyPlaceholder = placeholder;
  }
  // A required key the schema does not describe: present with any value.
  for (const key of required) if (!(key in properties)) entries.push(`${inner}${literal(key)}: z.unknown(),`);
  const additional = node.additionalProperties ?? node.unevaluatedProperties;
  let openness: Openness;
  if (additional === false) openness = 'closed';
  else if (additional === undefined || additional === true || (isObject(additional) && Object.keys(additional).every((k) => ANNOTATIONS.has(k)))) openness = 'open';
  else openness = { catchall: zodFor(additional, pointerJoin(pointer, node.additionalProperties !== undefined ? 'additionalProperties' : 'unevaluatedProperties'), ctx) };
  const body = entries.length ? `{\n${entries.join('\n')}\n${indent}}` : '{}';
  let source = openness === 'closed' ? `z.strictObject(${body})` : openness === 'open' ? `z.looseObject(${body})` : `z.object(${body}).catchall(${openness.catchall})`;
  source += objectRefinements(node, pointer);
  return { source, openness, keys: [...new Set([...Object.keys(properties), ...required])] };
}

function objectRefinements(node: SchemaNode, pointer: string): string {
  let source = '';
  const rules: Record<string, unknown> = {};
  if (node.minProperties !== undefined) {
    rules.minProperties = num(node.minProperties, pointer, 'minProperties');
    source += `.refine((value) => Object.keys(value).length >= ${rules.minProperties}, { message: 'needs at least ${node.minProperties} propert${node.minProperties === 1 ? 'y' : 'ies'}' })`;
  }
  if (node.maxProperties !== undefined) {
    rules.maxProperties = num(node.maxProperties, pointer, 'maxProperties');
    source += `.refine((value) => Object.keys(value).length <= ${rules.maxProperties}, { message: 'allows at most ${node.maxProperties} properties' })`;
  }
  const dependencies: Record<string, unknown> = { ...(node.dependentRequired ?? {}), ...(node.dependencies ?? {}) };
  for (const [key, needs] of Object.entries(dependencies)) {
    if (!Array.isArray(needs)) throw new Refusal(pointerJoin(pointer, 'dependencies', key), 'schema dependencies are not supported (only lists of required names)');
    rules.dependentRequired = { ...(rules.dependentRequired as object), [key]: needs };
    source += `.refine((value) => !(${literal(key)} in value) || ${literal(needs)}.every((name) => name in value), { message: ${literal(`${key} needs ${needs.join(', ')}`)} })`;
  }
  return source && `${source}${stated(rules)}`;
}

/** Marks a refinement whose rule the schema also states (so `trackplan generate` can export it). */
export const REFINEMENT_STATED = `${literal(REFINEMENT_KEYWORD)}: 'in-schema'`;

/**
 * `.meta()` with the JSON Schema keywords a refinement checks: zod cannot write a `.refine()` as JSON
 * Schema, so without them the generated client's compiled validator would accept what the catalog rejects.
 */
function stated(rules: Record<string, unknown>): string {
  return `.meta({ ${Object.entries(rules).map(([k, v]) => `${k}: ${JSON.stringify(v)}, `).join('')}${REFINEMENT_STATED} })`;
}

// ---- allOf ----------------------------------------------------------------------------------

function flattenAllOf(node: SchemaNode, pointer: string, ctx: WriteContext): { node: SchemaNode; pointer: string }[] {
  const { allOf, ...rest } = node;
  if (!Array.isArray(allOf)) throw new Refusal(pointerJoin(pointer, 'allOf'), 'allOf must be an array');
  const parts: { node: SchemaNode; pointer: string }[] = [{ node: rest, pointer }];
  allOf.forEach((part: unknown, i: number) => {
    const at = pointerJoin(pointer, 'allOf', i);
    if (!isObject(part)) throw new Refusal(at, 'allOf members must be schemas');
    const resolved = deref(part, at, ctx);
    if (resolved.pop) ctx.refStack!.pop();
    if (resolved.node.allOf) parts.push(...flattenAllOf(resolved.node, resolved.pointer, ctx));
    else parts.push(resolved);
  });
  return parts;
}

const hasConditional = (node: SchemaNode): boolean =>
  Array.isArray(node.allOf) && node.allOf.some((part: unknown) => isObject(part) && ('if' in part || hasConditional(part)));

/** allOf merged into one schema: properties and required united, other keywords must agree. */
function mergeAllOf(node: SchemaNode, pointer: string, ctx: WriteContext): SchemaNode {
  const parts = flattenAllOf(node, pointer, ctx);
  const merged: SchemaNode = {};
  for (const { node: part, pointer: at } of parts) {
    for (const [key, value] of Object.entries(part)) {
      if (key === 'properties') {
        merged.properties ??= {};
        for (const [name, schema] of Object.entries(value as Record<string, unknown>))
          merged.properties[name] = name in merged.properties ? { allOf: [merged.properties[name], schema] } : schema;
      } else if (key === 'required') merged.required = [...new Set([...(merged.required ?? []), ...(value as string[])])];
      else if (key === 'type' && merged.type !== undefined) {
        const a = Array.isArray(merged.type) ? merged.type : [merged.type];
        const b = Array.isArray(value) ? value : [value];
        const both = a.filter((t: string) => b.includes(t) || (t === 'integer' && b.includes('number'))).concat(b.filter((t: string) => t === 'integer' && a.includes('number')));
        merged.type = [...new Set(both)];
      } else if (key === 'description' || ANNOTATIONS.has(key)) merged[key] ??= value;
      else if (key in merged && JSON.stringify(merged[key]) !== JSON.stringify(value))
        throw new Refusal(pointerJoin(at, key), `allOf members disagree on "${key}"; such an allOf is not merged`);
      else merged[key] = value;
    }
  }
  // additionalProperties: false in one member rejects the other members' properties in JSON Schema: do not paper over it.
  const closedParts = parts.filter((p) => p.node.additionalProperties === false);
  if (closedParts.length && parts.some((p) => p.node.properties && !closedParts.includes(p)))
    throw new Refusal(pointerJoin(closedParts[0].pointer, 'additionalProperties'), 'allOf with additionalProperties: false in one member and properties in another rejects those properties; refused rather than merged');
  return merged;
}

// ---- RudderStack variants: allOf of if/then on one discriminator -----------------------------

interface Case {
  values: unknown[];
  negated: boolean;
  then: SchemaNode;
  pointer: string;
}

/** `allOf: [{ if: { properties: { P: { enum } }, required: [P] }, then }]` to a union with one branch per case. */
function variants(node: SchemaNode, pointer: string, ctx: WriteContext): string {
  const parts = flattenAllOf(node, pointer, ctx);
  const base: SchemaNode = {};
  const cases: Case[] = [];
  let discriminator: string | undefined;
  for (const { node: part, pointer: at } of parts) {
    if (!('if' in part)) {
      for (const [k, v] of Object.entries(part)) {
        if (k === 'properties') base.properties = { ...(base.properties ?? {}), ...v };
        else if (k === 'required') base.required = [...new Set([...(base.required ?? []), ...v])];
        else if (k === 'type') base.type = v;
        else if (k in base && JSON.stringify(base[k]) !== JSON.stringify(v)) throw new Refusal(pointerJoin(at, k), `allOf members disagree on "${k}"`);
        else base[k] = v;
      }
      continue;
    }
    const { if: condition, then, else: otherwise, ...others } = part;
    const refuse = (why: string) => new Refusal(pointerJoin(at, 'if'), `if/then is imported only as a discriminator (if: { properties: { P: { const | enum | not: { enum } } }, required: [P] }); ${why}`);
    if (otherwise !== undefined) throw refuse('"else" is not supported');
    if (Object.keys(others).some((k) => k !== 'type' || (others.type !== 'object' && JSON.stringify(others.type) !== '["object"]'))) throw refuse('other keywords sit beside "if"');
    if (!isObject(condition) || !isObject(condition.properties) || Object.keys(condition.properties).length !== 1) throw refuse('the condition must test exactly one property');
    const [name] = Object.keys(condition.properties);
    if (!Array.isArray(condition.required) || !condition.required.includes(name)) throw refuse(`the condition must require "${name}"`);
    if (discriminator !== undefined && discriminator !== name) throw refuse(`the conditions test different properties ("${discriminator}", "${name}")`);
    discriminator = name;
    const test = condition.properties[name];
    const negated = isObject(test) && isObject(test.not);
    const inner = negated ? test.not : test;
    const values = isObject(inner) ? ('const' in inner ? [inner.const] : inner.enum) : undefined;
    if (!Array.isArray(values) || Object.keys(inner).some((k) => k !== 'enum' && k !== 'const')) throw refuse(`the condition on "${name}" must be const or enum`);
    if (!isObject(then)) throw refuse('"then" must be a schema');
    cases.push({ values, negated, then, pointer: pointerJoin(at, 'then') });
  }
  if (!discriminator) throw new Refusal(pointerJoin(pointer, 'allOf'), 'allOf with no usable condition');
  if (!(base.required ?? []).includes(discriminator))
    throw new Refusal(pointerJoin(pointer, 'required'), `the discriminator "${discriminator}" must be required beside its variants`);
  const positive = cases.filter((c) => !c.negated);
  const listed = positive.flatMap((c) => c.values);
  const negatives = cases.filter((c) => c.negated);
  for (const c of negatives)
    if (JSON.stringify([...c.values].sort()) !== JSON.stringify([...listed].sort()))
      throw new Refusal(c.pointer, 'a "not enum" case must list exactly the other cases\' values (the default case)');
  const seen = new Set<string>();
  for (const v of listed) {
    if (seen.has(literal(v))) throw new Refusal(pointer, `the value ${literal(v)} of "${discriminator}" appears in two cases`);
    seen.add(literal(v));
  }
  const branch = (then: SchemaNode | undefined, discriminatorSchema: unknown, at: string): string => {
    const properties = { ...(base.properties ?? {}) };
    const required = new Set<string>(base.required ?? []);
    for (const [key, schema] of Object.entries((then?.properties ?? {}) as Record<string, unknown>)) {
      if (key in properties && JSON.stringify(properties[key]) !== JSON.stringify(schema)) properties[key] = { allOf: [properties[key], schema] };
      else properties[key] = schema;
    }
    for (const key of then?.required ?? []) required.add(key);
    properties[discriminator!] = discriminatorSchema;
    const { allOf: _a, ...rest } = base;
    return objectSource({ ...rest, properties, required: [...required] }, at, ctx).source;
  };
  const baseDiscriminator = base.properties?.[discriminator] ?? {};
  const members = positive.map((c) => branch(c.then, { allOf: [baseDiscriminator, { enum: c.values }] }, c.pointer));
  // The values no case lists: the default case's "then", or the base alone.
  const restSource = zodFor(baseDiscriminator, pointerJoin(pointer, 'properties', discriminator), ctx);
  const otherwise = branch(negatives[0]?.then, true, negatives[0]?.pointer ?? pointer).replace(
    new RegExp(`${escapeRegExp(literal(discriminator))}: z\\.unknown\\(\\),`),
    `${literal(discriminator)}: ${restSource}.refine((value) => !${literal(listed)}.includes(value as never), { message: ${literal(`matches a listed case of ${discriminator}`)} })${stated({ not: { enum: listed } })},`,
  );
  return `z.union([${[...members, otherwise].join(', ')}])`;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
