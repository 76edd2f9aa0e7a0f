import { TrackplanConfigError } from './errors';
import { FORMATS } from './json-schema-formats';
import type { ValidationIssue, ValidationResult, Validator } from './types';

type TypeName = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object';

/**
 * The JSON Schema (draft 2020-12, with the draft-04/07 spellings plans still use) that
 * `compileJsonSchema` checks. Every keyword here is enforced; any other keyword is refused when the
 * schema is compiled, with its JSON pointer, rather than accepted unchecked.
 */
export interface JsonSchema {
  type?: TypeName | TypeName[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  not?: JsonSchema;
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  multipleOf?: number;
  items?: JsonSchema | boolean | JsonSchema[];
  prefixItems?: (JsonSchema | boolean)[];
  additionalItems?: JsonSchema | boolean;
  contains?: JsonSchema | boolean;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  propertyNames?: JsonSchema;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  minProperties?: number;
  maxProperties?: number;
  dependentRequired?: Record<string, string[]>;
  dependentSchemas?: Record<string, JsonSchema>;
  dependencies?: Record<string, string[] | JsonSchema>;
  description?: string;
  default?: unknown;
  [key: string]: unknown;
}

/**
 * Written by the catalog export where zod checks what JSON Schema cannot say (a `.refine()`, a
 * `z.date()`): `compileJsonSchema` refuses such a node, unless its value is `'in-schema'` (the
 * author states the same rule with JSON Schema keywords beside it, through `.meta()`).
 */
export const REFINEMENT_KEYWORD = 'x-trackplan-refinement';

type Check = (value: unknown, path: (string | number)[], issues: ValidationIssue[]) => void;

/** Keywords that only inform people and tools; they change nothing that is accepted. */
const ANNOTATIONS = new Set(['$schema', '$id', 'id', '$comment', 'title', 'description', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly', 'contentEncoding', 'contentMediaType', '$anchor']);
const TYPES = new Set<string>(['string', 'number', 'integer', 'boolean', 'null', 'array', 'object']);

/**
 * Multiples are compared with a tolerance, as Ajv's `multipleOfPrecision: 9`: 473.53 is a multiple of
 * 0.01 although 473.53 / 0.01 is 47352.99999999999 in binary floating point.
 */
export const MULTIPLE_OF_PRECISION = 1e-9;

const typeName = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function matchesType(type: string, value: unknown): boolean {
  switch (type) {
    case 'integer':
      return isNumber(value) && Number.isInteger(value);
    case 'number':
      return isNumber(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

/** JSON equality (enum, const, uniqueItems): key order does not matter. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((item, i) => jsonEqual(item, (b as unknown[])[i]));
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** JSON Schema counts string length in code points (Ajv too), not UTF-16 units. */
function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    count++;
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return count;
}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const shownPointer = (pointer: string) => (pointer === '' ? '/' : pointer);

/** Refuses a schema part trackplan cannot check, naming its JSON pointer and keyword. */
function refuse(pointer: string, keyword: string, why: string): never {
  throw new TrackplanConfigError(
    `[trackplan] [json-schema] ${shownPointer(pointer)}: "${keyword}" ${why}. trackplan checks every keyword it accepts; rewrite this part of the schema (in the zod catalog) with supported keywords.`,
  );
}

class SchemaCompiler {
  private readonly refs = new Map<string, Check>();

  constructor(private readonly root: unknown) {}

  /** Builds the checks for one schema node once; validation then only runs closures. */
  node(schema: unknown, pointer: string): Check {
    if (schema === true) return () => {};
    if (schema === false) return (_value, path, issues) => void issues.push({ path: [...path], code: 'invalid_type', message: 'Invalid input: no value is allowed here' });
    if (!isObject(schema)) refuse(pointer, typeof schema, 'is not a schema (expected an object or a boolean)');
    const checks: Check[] = [];
    const add = (check: Check) => checks.push(check);
    const at = (keyword: string) => `${pointer}/${escapePointer(keyword)}`;
    const refinement = (schema as JsonSchema)[REFINEMENT_KEYWORD];
    if (refinement !== undefined && refinement !== 'in-schema')
      refuse(
        at(REFINEMENT_KEYWORD),
        String(refinement).replace(/^unchecked: /, ''),
        `is checked by the zod catalog but cannot be written as JSON Schema, so a generated client could not check it; state the rule with JSON Schema keywords (.meta({ minProperties: 1 }), z.string().regex(…)) and mark it .meta({ '${REFINEMENT_KEYWORD}': 'in-schema' }), or drop it`,
      );
    for (const keyword of Object.keys(schema)) {
      if (keyword === REFINEMENT_KEYWORD) continue;
      if (ANNOTATIONS.has(keyword) || keyword.startsWith('x-') || keyword === '$defs' || keyword === 'definitions') continue;
      const handler = KEYWORDS[keyword];
      if (!handler) refuse(at(keyword), keyword, 'is not a keyword trackplan can check');
      handler(this, schema as JsonSchema, pointer, add);
    }
    if (checks.length === 1) return checks[0];
    return (value, path, issues) => {
      for (let i = 0; i < checks.length; i++) checks[i](value, path, issues);
    };
  }

  /** A local reference (`#`, `#/definitions/x`, `#/$defs/x`, any JSON pointer into this schema). */
  ref(target: string, pointer: string): Check {
    const known = this.refs.get(target);
    if (known) return known;
    if (!target.startsWith('#')) refuse(pointer, '$ref', `points outside this schema (${JSON.stringify(target)}); only local references (#/definitions/…, #/$defs/…) are resolved`);
    let node: unknown = this.root;
    const path = target.slice(1);
    if (path !== '') {
      if (!path.startsWith('/')) refuse(pointer, '$ref', `uses an anchor (${JSON.stringify(target)}); use a JSON pointer such as #/$defs/name`);
      for (const raw of path.slice(1).split('/')) {
        const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
        node = isObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined;
        if (node === undefined) refuse(pointer, '$ref', `points to ${JSON.stringify(target)}, which does not exist`);
      }
    }
    // Recursive schemas refer to themselves: the slot is filled once the target is compiled.
    let compiled: Check | undefined;
    const indirect: Check = (value, path_, issues) => compiled!(value, path_, issues);
    this.refs.set(target, indirect);
    compiled = this.node(node, path);
    return indirect;
  }
}

type Add = (check: Check) => void;
type Keyword = (compiler: SchemaCompiler, schema: JsonSchema, pointer: string, add: Add) => void;

const issue = (issues: ValidationIssue[], path: (string | number)[], code: string, message: string) => void issues.push({ path: [...path], code, message });

function numberOf(compiler: SchemaCompiler, schema: JsonSchema, pointer: string, keyword: string, { integer = false, positive = false } = {}): number {
  const value = schema[keyword];
  if (!isNumber(value) || (integer && (!Number.isInteger(value) || value < 0)) || (positive && value <= 0))
    refuse(`${pointer}/${keyword}`, keyword, `must be ${integer ? 'a non-negative integer' : positive ? 'a number above 0' : 'a number'} (got ${JSON.stringify(value)})`);
  return value;
}

function schemaList(compiler: SchemaCompiler, schema: JsonSchema, pointer: string, keyword: string): Check[] {
  const list = schema[keyword];
  if (!Array.isArray(list) || list.length === 0) refuse(`${pointer}/${keyword}`, keyword, 'must be a non-empty array of schemas');
  return list.map((child, i) => compiler.node(child, `${pointer}/${keyword}/${i}`));
}

function passes(check: Check, value: unknown, path: (string | number)[]): boolean {
  const attempt: ValidationIssue[] = [];
  check(value, path, attempt);
  return attempt.length === 0;
}

/** Applies `check` to the values of type `type` only: JSON Schema constraints ignore other types. */
const forType = (is: (value: unknown) => boolean, check: Check): Check => (value, path, issues) => {
  if (is(value)) check(value, path, issues);
};
const isString = (value: unknown): value is string => typeof value === 'string';

const KEYWORDS: Record<string, Keyword> = {
  type(compiler, schema, pointer, add) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.length === 0 || !types.every((type) => typeof type === 'string' && TYPES.has(type)))
      refuse(`${pointer}/type`, 'type', `must name JSON types (${[...TYPES].join(', ')}), got ${JSON.stringify(schema.type)}`);
    add((value, path, issues) => {
      for (const type of types) if (matchesType(type!, value)) return;
      issue(issues, path, 'invalid_type', `Invalid input: expected ${types.join(' or ')}, received ${typeName(value)}`);
    });
  },
  enum(compiler, schema, pointer, add) {
    const options = schema.enum;
    if (!Array.isArray(options) || options.length === 0) refuse(`${pointer}/enum`, 'enum', 'must be a non-empty array');
    add((value, path, issues) => {
      for (const option of options) if (jsonEqual(option, value)) return;
      issue(issues, path, 'invalid_value', `Invalid option: expected one of ${options.map((e) => JSON.stringify(e)).join('|')}`);
    });
  },
  const(_compiler, schema, _pointer, add) {
    const expected = schema.const;
    add((value, path, issues) => {
      if (!jsonEqual(expected, value)) issue(issues, path, 'invalid_value', `Invalid input: expected ${JSON.stringify(expected)}`);
    });
  },
  anyOf(compiler, schema, pointer, add) {
    const branches = schemaList(compiler, schema, pointer, 'anyOf');
    add((value, path, issues) => {
      for (const branch of branches) if (passes(branch, value, path)) return;
      issue(issues, path, 'invalid_union', 'Invalid input: matches none of the allowed shapes');
    });
  },
  oneOf(compiler, schema, pointer, add) {
    const branches = schemaList(compiler, schema, pointer, 'oneOf');
    add((value, path, issues) => {
      let matched = 0;
      for (const branch of branches) if (passes(branch, value, path)) matched++;
      if (matched === 0) issue(issues, path, 'invalid_union', 'Invalid input: matches none of the allowed shapes');
      else if (matched > 1) issue(issues, path, 'invalid_union', `Invalid input: matches ${matched} of the shapes, and oneOf allows exactly one`);
    });
  },
  allOf(compiler, schema, pointer, add) {
    // Every branch must hold: the same as merging them, without guessing how their keywords combine.
    for (const branch of schemaList(compiler, schema, pointer, 'allOf')) add(branch);
  },
  not(compiler, schema, pointer, add) {
    const negated = compiler.node(schema.not, `${pointer}/not`);
    add((value, path, issues) => {
      if (passes(negated, value, path)) issue(issues, path, 'invalid_value', 'Invalid input: matches a shape that is not allowed');
    });
  },
  if(compiler, schema, pointer, add) {
    const condition = compiler.node(schema.if, `${pointer}/if`);
    const then = schema.then === undefined ? undefined : compiler.node(schema.then, `${pointer}/then`);
    const otherwise = schema.else === undefined ? undefined : compiler.node(schema.else, `${pointer}/else`);
    add((value, path, issues) => {
      const branch = passes(condition, value, path) ? then : otherwise;
      branch?.(value, path, issues);
    });
  },
  then(compiler, schema, pointer) {
    if (schema.if === undefined) refuse(`${pointer}/then`, 'then', 'has no "if" beside it');
  },
  else(compiler, schema, pointer) {
    if (schema.if === undefined) refuse(`${pointer}/else`, 'else', 'has no "if" beside it');
  },
  $ref(compiler, schema, pointer, add) {
    if (typeof schema.$ref !== 'string') refuse(`${pointer}/$ref`, '$ref', 'must be a string');
    add(compiler.ref(schema.$ref, `${pointer}/$ref`));
  },

  minLength(compiler, schema, pointer, add) {
    const limit = numberOf(compiler, schema, pointer, 'minLength', { integer: true });
    add(forType(isString, (v, path, issues) => codePoints(v as string) >= limit || issue(issues, path, 'too_small', `Too small: expected string to have >=${limit} characters`)));
  },
  maxLength(compiler, schema, pointer, add) {
    const limit = numberOf(compiler, schema, pointer, 'maxLength', { integer: true });
    add(forType(isString, (v, path, issues) => codePoints(v as string) <= limit || issue(issues, path, 'too_big', `Too big: expected string to have <=${limit} characters`)));
  },
  pattern(compiler, schema, pointer, add) {
    let pattern: RegExp;
    try {
      // The `u` flag, as Ajv compiles patterns: JSON Schema regular expressions are Unicode-aware.
      pattern = new RegExp(String(schema.pattern), 'u');
    } catch (error) {
      refuse(`${pointer}/pattern`, 'pattern', `is not a valid regular expression (${String(error)})`);
    }
    add(forType(isString, (v, path, issues) => pattern.test(v as string) || issue(issues, path, 'invalid_format', `Invalid string: must match pattern ${schema.pattern}`)));
  },
  format(compiler, schema, pointer, add) {
    const test = typeof schema.format === 'string' && Object.hasOwn(FORMATS, schema.format) ? FORMATS[schema.format] : undefined;
    if (!test) refuse(`${pointer}/format`, 'format', `${JSON.stringify(schema.format)} is not a format trackplan checks (${Object.keys(FORMATS).join(', ')}); use a pattern instead`);
    add(forType(isString, (v, path, issues) => test(v as string) || issue(issues, path, 'invalid_format', `Invalid ${schema.format}`)));
  },

  minimum(compiler, schema, pointer, add) {
    const limit = numberOf(compiler, schema, pointer, 'minimum');
    // draft-04: exclusiveMinimum: true makes minimum exclusive.
    const exclusive = schema.exclusiveMinimum === true;
    add(forType(isNumber, (v, path, issues) => (exclusive ? (v as number) > limit : (v as number) >= limit) || issue(issues, path, 'too_small', `Too small: expected number to be ${exclusive ? '>' : '>='}${limit}`)));
  },
  maximum(compiler, schema, pointer, add) {
    const limit = numberOf(compiler, schema, pointer, 'maximum');
    const exclusive = schema.exclusiveMaximum === true;
    add(forType(isNumber, (v, path, issues) => (exclusive ? (v as number) < limit : (v as number) <= limit) || issue(issues, path, 'too_big', `Too big: expected number to be ${exclusive ? '<' : '<='}${limit}`)));
  },
  exclusiveMinimum(compiler, schema, pointer, add) {
    if (typeof schema.exclusiveMinimum === 'boolean') {
      if (schema.exclusiveMinimum && schema.minimum === undefined) refuse(`${pointer}/exclusiveMinimum`, 'exclusiveMinimum', 'is true without a minimum');
      return;
    }
    const limit = numberOf(compiler, schema, pointer, 'exclusiveMinimum');
    add(forType(isNumber, (v, path, issues) => (v as number) > limit || issue(issues, path, 'too_small', `Too small: expected number to be >${limit}`)));
  },
  exclusiveMaximum(compiler, schema, pointer, add) {
    if (typeof schema.exclusiveMaximum === 'boolean') {
      if (schema.exclusiveMaximum && schema.maximum === undefined) refuse(`${pointer}/exclusiveMaximum`, 'exclusiveMaximum', 'is true without a maximum');
      return;
    }
    const limit = numberOf(compiler, schema, pointer, 'exclusiveMaximum');
    add(forType(isNumber, (v, path, issues) => (v as number) < limit || issue(issues, path, 'too_big', `Too big: expected number to be <${limit}`)));
  },
  multipleOf(compiler, schema, pointer, add) {
    const step = numberOf(compiler, schema, pointer, 'multipleOf', { positive: true });
    add(
      forType(isNumber, (v, path, issues) => {
        const quotient = (v as number) / step;
        if (Math.abs(Math.round(quotient) - quotient) > MULTIPLE_OF_PRECISION) issue(issues, path, 'not_multiple_of', `Invalid number: must be a multiple of ${step}`);
      }),
    );
  },

  items(compiler, schema, pointer, add) {
    // draft-04..07 tuples: items is an array, additionalItems covers the rest.
    const tuple = Array.isArray(schema.items);
    const first = tuple ? (schema.items as unknown[]).map((child, i) => compiler.node(child, `${pointer}/items/${i}`)) : [];
    const rest = tuple ? (schema.additionalItems === undefined ? undefined : compiler.node(schema.additionalItems, `${pointer}/additionalItems`)) : compiler.node(schema.items, `${pointer}/items`);
    const start = tuple ? first.length : Array.isArray(schema.prefixItems) ? schema.prefixItems.length : 0;
    add(
      forType(Array.isArray, (value, path, issues) => {
        const array = value as unknown[];
        for (let i = 0; i < first.length && i < array.length; i++) first[i](array[i], [...path, i], issues);
        if (rest) for (let i = start; i < array.length; i++) rest(array[i], [...path, i], issues);
      }),
    );
  },
  additionalItems(compiler, schema, pointer) {
    if (!Array.isArray(schema.items)) {
      // Ignored by JSON Schema itself without an items array: refuse rather than pretend to check it.
      if (schema.additionalItems !== true) refuse(`${pointer}/additionalItems`, 'additionalItems', 'only applies beside an "items" array');
    }
  },
  prefixItems(compiler, schema, pointer, add) {
    if (Array.isArray(schema.items)) refuse(`${pointer}/prefixItems`, 'prefixItems', 'cannot be combined with an "items" array');
    const list = schema.prefixItems;
    if (!Array.isArray(list)) refuse(`${pointer}/prefixItems`, 'prefixItems', 'must be an array of schemas');
    const first = list.map((child, i) => compiler.node(child, `${pointer}/prefixItems/${i}`));
    add(
      forType(Array.isArray, (value, path, issues) => {
        const array = value as unknown[];
        for (let i = 0; i < first.length && i < array.length; i++) first[i](array[i], [...path, i], issues);
      }),
    );
  },
  contains(compiler, schema, pointer, add) {
    const check = compiler.node(schema.contains, `${pointer}/contains`);
    add(forType(Array.isArray, (value, path, issues) => (value as unknown[]).some((item, i) => passes(check, item, [...path, i])) || issue(issues, path, 'invalid_value', 'Invalid input: no item matches "contains"')));
  },
  minItems(compiler, schema, pointer, add) {
    const limit = numberOf(compiler, schema, pointer, 'minItems', { integer: true });
    add(forType(Array.isArray, (v, path, issues) => (v as unknown[]).length >= limit || issue(issues, path, 'too_small', `Too small: expected array to have >=${limit} items`)));
  },
  maxItems(compiler, schema, pointer, add) {
    const limit = numberOf(compiler, schema, pointer, 'maxItems', { integer: true });
    add(forType(Array.isArray, (v, path, issues) => (v as unknown[]).length <= limit || issue(issues, path, 'too_big', `Too big: expected array to have <=${limit} items`)));
  },
  uniqueItems(compiler, schema, pointer, add) {
    if (typeof schema.uniqueItems !== 'boolean') refuse(`${pointer}/uniqueItems`, 'uniqueItems', 'must be true or false');
    if (!schema.uniqueItems) return;
    add(
      forType(Array.isArray, (value, path, issues) => {
        const array = value as unknown[];
        for (let i = 1; i < array.length; i++)
          for (let j = 0; j < i; j++)
            if (jsonEqual(array[i], array[j])) return issue(issues, path, 'invalid_value', `Invalid input: items ${j} and ${i} are equal; the items must be unique`);
      }),
    );
  },

  properties(compiler, schema, pointer, add) {
    if (!isObject(schema.properties)) refuse(`${pointer}/properties`, 'properties', 'must be an object of schemas');
    const properties = Object.entries(schema.properties).map(([key, child]) => [key, compiler.node(child, `${pointer}/properties/${escapePointer(key)}`)] as const);
    add(
      forType(isObject, (value, path, issues) => {
        const record = value as Record<string, unknown>;
        for (const [key, check] of properties) if (Object.hasOwn(record, key) && record[key] !== undefined) check(record[key], [...path, key], issues);
      }),
    );
  },
  required(compiler, schema, pointer, add) {
    const required = schema.required;
    if (!Array.isArray(required) || !required.every((key) => typeof key === 'string')) refuse(`${pointer}/required`, 'required', 'must be an array of property names');
    add(
      forType(isObject, (value, path, issues) => {
        const record = value as Record<string, unknown>;
        // An undefined value is no value: JSON drops it.
        for (const key of required) if (record[key] === undefined || !Object.hasOwn(record, key)) issue(issues, [...path, key], 'invalid_type', 'Invalid input: expected a value, received undefined');
      }),
    );
  },
  patternProperties(compiler, schema, pointer, add) {
    if (!isObject(schema.patternProperties)) refuse(`${pointer}/patternProperties`, 'patternProperties', 'must be an object of schemas');
    const patterns = Object.entries(schema.patternProperties).map(([source, child]) => [patternOf(compiler, source, `${pointer}/patternProperties/${escapePointer(source)}`), compiler.node(child, `${pointer}/patternProperties/${escapePointer(source)}`)] as const);
    add(
      forType(isObject, (value, path, issues) => {
        for (const [key, entry] of Object.entries(value as Record<string, unknown>))
          if (entry !== undefined) for (const [pattern, check] of patterns) if (pattern.test(key)) check(entry, [...path, key], issues);
      }),
    );
  },
  additionalProperties(compiler, schema, pointer, add) {
    const declared = new Set(isObject(schema.properties) ? Object.keys(schema.properties) : []);
    const patterns = isObject(schema.patternProperties) ? Object.keys(schema.patternProperties).map((source) => patternOf(compiler, source, `${pointer}/patternProperties`)) : [];
    const extra = schema.additionalProperties;
    if (extra === true) return;
    const isExtra = (key: string) => !declared.has(key) && !patterns.some((pattern) => pattern.test(key));
    if (extra === false) {
      add(
        forType(isObject, (value, path, issues) => {
          const unknown = Object.keys(value as Record<string, unknown>).filter((key) => (value as Record<string, unknown>)[key] !== undefined && isExtra(key));
          if (unknown.length) issue(issues, path, 'unrecognized_keys', `Unrecognized key${unknown.length > 1 ? 's' : ''}: ${unknown.map((key) => JSON.stringify(key)).join(', ')}`);
        }),
      );
      return;
    }
    const check = compiler.node(extra, `${pointer}/additionalProperties`);
    add(
      forType(isObject, (value, path, issues) => {
        for (const [key, entry] of Object.entries(value as Record<string, unknown>)) if (entry !== undefined && isExtra(key)) check(entry, [...path, key], issues);
      }),
    );
  },
  propertyNames(compiler, schema, pointer, add) {
    const check = compiler.node(schema.propertyNames, `${pointer}/propertyNames`);
    add(forType(isObject, (value, path, issues) => {
      for (const key of Object.keys(value as Record<string, unknown>)) check(key, [...path, key], issues);
    }));
  },
  minProperties(compiler, schema, pointer, add) {
    const limit = numberOf(compiler, schema, pointer, 'minProperties', { integer: true });
    add(forType(isObject, (v, path, issues) => definedKeys(v).length >= limit || issue(issues, path, 'too_small', `Too small: expected object to have >=${limit} properties`)));
  },
  maxProperties(compiler, schema, pointer, add) {
    const limit = numberOf(compiler, schema, pointer, 'maxProperties', { integer: true });
    add(forType(isObject, (v, path, issues) => definedKeys(v).length <= limit || issue(issues, path, 'too_big', `Too big: expected object to have <=${limit} properties`)));
  },
  dependentRequired(compiler, schema, pointer, add) {
    dependencies(compiler, schema.dependentRequired, `${pointer}/dependentRequired`, 'dependentRequired', add, 'names');
  },
  dependentSchemas(compiler, schema, pointer, add) {
    dependencies(compiler, schema.dependentSchemas, `${pointer}/dependentSchemas`, 'dependentSchemas', add, 'schema');
  },
  dependencies(compiler, schema, pointer, add) {
    dependencies(compiler, schema.dependencies, `${pointer}/dependencies`, 'dependencies', add, 'either');
  },
};

const definedKeys = (value: unknown) => Object.keys(value as Record<string, unknown>).filter((key) => (value as Record<string, unknown>)[key] !== undefined);

function patternOf(compiler: SchemaCompiler, source: string, pointer: string): RegExp {
  try {
    return new RegExp(source, 'u');
  } catch (error) {
    refuse(pointer, 'patternProperties', `has a key that is not a valid regular expression (${String(error)})`);
  }
}

/** `dependencies` (draft-07), `dependentRequired` and `dependentSchemas` (2020-12): when a key is present, more must hold. */
function dependencies(compiler: SchemaCompiler, map: unknown, pointer: string, keyword: string, add: Add, kind: 'names' | 'schema' | 'either'): void {
  if (!isObject(map)) refuse(pointer, keyword, 'must be an object');
  for (const [key, rule] of Object.entries(map)) {
    const where = `${pointer}/${escapePointer(key)}`;
    if (Array.isArray(rule) && kind !== 'schema') {
      if (!rule.every((name) => typeof name === 'string')) refuse(where, keyword, 'must list property names');
      add(
        forType(isObject, (value, path, issues) => {
          const record = value as Record<string, unknown>;
          if (record[key] === undefined) return;
          for (const name of rule as string[]) if (record[name] === undefined) issue(issues, [...path, name], 'invalid_type', `Invalid input: "${name}" is required when "${key}" is present`);
        }),
      );
    } else if (kind !== 'names') {
      const check = compiler.node(rule, where);
      add(forType(isObject, (value, path, issues) => (value as Record<string, unknown>)[key] === undefined || check(value, path, issues)));
    } else refuse(where, keyword, 'must list property names');
  }
}

/** What a root without `additionalProperties` may not combine: the keys it keeps would be a guess. */
const COMBINATORS = ['$ref', 'allOf', 'anyOf', 'oneOf', 'if', 'dependentSchemas', 'dependencies', 'patternProperties'];

/**
 * A Validator from a JSON Schema object, for catalogs without zod (generated clients). Every keyword is
 * enforced, or the schema is refused here with a TrackplanConfigError naming its JSON pointer and
 * keyword. The root is the event's properties: undeclared top-level keys are removed and listed in
 * `unknownKeys` unless the root says `additionalProperties: true` (an open event: kept, not listed) or
 * gives a schema for them (kept and checked). A root without `additionalProperties` is closed, as a
 * trackplan event is. Never throws while validating.
 */
export function compileJsonSchema(schema: JsonSchema): Validator {
  const compiler = new SchemaCompiler(schema);
  if (!isObject(schema)) refuse('', typeof schema, 'is not a schema of properties (expected an object)');
  if (schema.additionalProperties === undefined) {
    const combined = COMBINATORS.find((keyword) => schema[keyword] !== undefined);
    if (combined) refuse(`/${combined}`, combined, 'at the root needs "additionalProperties" beside it (true: keep undeclared properties, false: remove and report them)');
  }
  // The root's own additionalProperties decides which keys reach the checks: see above.
  const { additionalProperties: rootExtra, ...rest } = schema;
  const check = compiler.node(rootExtra === false || rootExtra === undefined ? rest : schema, '');
  const declared = new Set(Object.keys(schema.properties ?? {}));
  const patterns = Object.keys(schema.patternProperties ?? {}).map((source) => new RegExp(source, 'u'));
  const keepsUndeclared = rootExtra !== undefined && rootExtra !== false;
  const defaults = Object.entries(schema.properties ?? {}).filter(([, child]) => isObject(child) && 'default' in child);
  return (input): ValidationResult => {
    if (input === undefined) input = {};
    if (!isObject(input))
      return { ok: false, value: {}, issues: [{ path: [], code: 'invalid_type', message: `expected an object of properties, received ${typeName(input)}` }], unknownKeys: [] };
    const value: Record<string, unknown> = {};
    const unknownKeys: string[] = [];
    const issues: ValidationIssue[] = [];
    try {
      for (const key of Object.keys(input)) {
        if (keepsUndeclared || declared.has(key) || patterns.some((pattern) => pattern.test(key)))
          Object.defineProperty(value, key, { value: input[key], enumerable: true, writable: true, configurable: true });
        else unknownKeys.push(key);
      }
      for (const [key, child] of defaults) if (value[key] === undefined) value[key] = child.default;
      check(value, [], issues);
    } catch (error) {
      issues.push({ path: [], code: 'custom', message: `the properties could not be read: ${String(error)}` });
    }
    return { ok: issues.length === 0, value, issues, unknownKeys };
  };
}

/**
 * A flag payload parser from its JSON Schema (generated clients): an object payload keeps only its
 * declared keys, as the zod object does; any other JSON value is checked as it is. Never throws.
 */
export function compileFlagPayload(schema: JsonSchema): (input: unknown) => { ok: true; value: unknown } | { ok: false; message: string } {
  const asObject = schema.type === 'object' ? compileJsonSchema(schema) : undefined;
  const check = asObject ? undefined : new SchemaCompiler(schema).node(schema, '');
  return (input) => {
    let issues: ValidationIssue[] = [];
    let value = input;
    try {
      if (asObject) {
        if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, message: `expected an object, received ${typeName(input)}` };
        const result = asObject(input);
        issues = result.issues;
        value = result.value;
      } else check!(input, [], issues);
    } catch (error) {
      return { ok: false, message: `the payload could not be read: ${String(error)}` };
    }
    if (!issues.length) return { ok: true, value };
    const issue = issues[0];
    return { ok: false, message: `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}` };
  };
}
