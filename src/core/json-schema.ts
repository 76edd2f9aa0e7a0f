import type { ValidationIssue, ValidationResult, Validator } from './types';

/** The subset of JSON Schema (draft 2020-12) that zod's `toJSONSchema` emits for event properties. */
export interface JsonSchema {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object' | ('string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object')[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  description?: string;
  default?: unknown;
  [key: string]: unknown;
}

type Check = (value: unknown, path: (string | number)[], issues: ValidationIssue[]) => void;

const FORMATS: Record<string, RegExp> = {
  email: /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/,
  uuid: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
};

const typeName = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

function matchesType(type: string, value: unknown): boolean {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

/** Builds the checks for one schema node once; validation then only runs closures. */
function compileNode(schema: JsonSchema): Check {
  const checks: Check[] = [];
  const add = (code: string, test: (value: any) => boolean, message: (value: any) => string) =>
    checks.push((value, path, issues) => {
      if (!test(value)) issues.push({ path: [...path], code, message: message(value) });
    });
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    const compiled = alternatives.map(compileNode);
    checks.push((value, path, issues) => {
      for (const check of compiled) {
        const attempt: ValidationIssue[] = [];
        check(value, path, attempt);
        if (attempt.length === 0) return;
      }
      issues.push({ path: [...path], code: 'invalid_union', message: 'Invalid input: matches none of the allowed shapes' });
    });
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    let typeOk = true;
    checks.push((value, path, issues) => {
      typeOk = types.some((type) => matchesType(type, value));
      if (!typeOk) issues.push({ path: [...path], code: 'invalid_type', message: `Invalid input: expected ${types.join(' or ')}, received ${typeName(value)}` });
    });
    const whenTyped = (check: Check): Check => (value, path, issues) => {
      if (typeOk) check(value, path, issues);
    };
    const typed: Check[] = [];
    const addTyped = (code: string, test: (value: any) => boolean, message: (value: any) => string) =>
      typed.push((value, path, issues) => {
        if (!test(value)) issues.push({ path: [...path], code, message: message(value) });
      });
    if (typeof schema.minLength === 'number') addTyped('too_small', (v) => typeof v !== 'string' || v.length >= schema.minLength!, () => `Too small: expected string to have >=${schema.minLength} characters`);
    if (typeof schema.maxLength === 'number') addTyped('too_big', (v) => typeof v !== 'string' || v.length <= schema.maxLength!, () => `Too big: expected string to have <=${schema.maxLength} characters`);
    if (typeof schema.pattern === 'string') {
      const pattern = new RegExp(schema.pattern);
      addTyped('invalid_format', (v) => typeof v !== 'string' || pattern.test(v), () => `Invalid string: must match pattern ${schema.pattern}`);
    }
    if (schema.format && FORMATS[schema.format]) addTyped('invalid_format', (v) => typeof v !== 'string' || FORMATS[schema.format!].test(v), () => `Invalid ${schema.format}`);
    if (schema.format === 'uri') addTyped('invalid_format', (v) => typeof v !== 'string' || isUrl(v), () => 'Invalid URL');
    if (typeof schema.minimum === 'number') addTyped('too_small', (v) => typeof v !== 'number' || v >= schema.minimum!, () => `Too small: expected number to be >=${schema.minimum}`);
    if (typeof schema.maximum === 'number') addTyped('too_big', (v) => typeof v !== 'number' || v <= schema.maximum!, () => `Too big: expected number to be <=${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number') addTyped('too_small', (v) => typeof v !== 'number' || v > schema.exclusiveMinimum!, () => `Too small: expected number to be >${schema.exclusiveMinimum}`);
    if (typeof schema.exclusiveMaximum === 'number') addTyped('too_big', (v) => typeof v !== 'number' || v < schema.exclusiveMaximum!, () => `Too big: expected number to be <${schema.exclusiveMaximum}`);
    if (typeof schema.multipleOf === 'number') addTyped('not_multiple_of', (v) => typeof v !== 'number' || Math.abs(v / schema.multipleOf! - Math.round(v / schema.multipleOf!)) < 1e-9, () => `Invalid number: must be a multiple of ${schema.multipleOf}`);
    if (typeof schema.minItems === 'number') addTyped('too_small', (v) => !Array.isArray(v) || v.length >= schema.minItems!, () => `Too small: expected array to have >=${schema.minItems} items`);
    if (typeof schema.maxItems === 'number') addTyped('too_big', (v) => !Array.isArray(v) || v.length <= schema.maxItems!, () => `Too big: expected array to have <=${schema.maxItems} items`);
    if (schema.items) {
      const item = compileNode(schema.items);
      typed.push((value, path, issues) => {
        if (Array.isArray(value)) value.forEach((entry, index) => item(entry, [...path, index], issues));
      });
    }
    if (schema.properties) typed.push(compileObject(schema));
    checks.push(...typed.map(whenTyped));
  }
  if (schema.enum) add('invalid_value', (v) => schema.enum!.includes(v), () => `Invalid option: expected one of ${schema.enum!.map((e) => JSON.stringify(e)).join('|')}`);
  if ('const' in schema) add('invalid_value', (v) => v === schema.const, () => `Invalid input: expected ${JSON.stringify(schema.const)}`);
  return (value, path, issues) => {
    for (const check of checks) check(value, path, issues);
  };
}

function isUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

function compileObject(schema: JsonSchema): Check {
  const properties = Object.entries(schema.properties ?? {}).map(([key, child]) => [key, compileNode(child)] as const);
  const required = new Set(schema.required ?? []);
  return (value, path, issues) => {
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    for (const [key, check] of properties) {
      if (record[key] === undefined) {
        if (required.has(key)) issues.push({ path: [...path, key], code: 'invalid_type', message: 'Invalid input: expected a value, received undefined' });
        continue;
      }
      check(record[key], [...path, key], issues);
    }
  };
}

/**
 * A Validator from a JSON Schema object, for catalogs without zod (generated clients): the same
 * result shape as the zod one: unknown top-level keys removed and listed, never throws.
 */
export function compileJsonSchema(schema: JsonSchema): Validator {
  const check = compileNode(schema);
  const known = new Set(Object.keys(schema.properties ?? {}));
  const defaults = Object.entries(schema.properties ?? {}).filter(([, child]) => 'default' in child);
  return (input): ValidationResult => {
    if (input === undefined) input = {};
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      return { ok: false, value: {}, issues: [{ path: [], code: 'invalid_type', message: `expected an object of properties, received ${typeName(input)}` }], unknownKeys: [] };
    const value: Record<string, unknown> = {};
    const unknownKeys: string[] = [];
    const issues: ValidationIssue[] = [];
    try {
      for (const key of Object.keys(input)) {
        if (known.has(key)) value[key] = (input as Record<string, unknown>)[key];
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
  const check = asObject ? undefined : compileNode(schema);
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
