import type { JsonSchema } from '../core/json-schema';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
export const propertyKey = (key: string) => (IDENTIFIER.test(key) ? key : JSON.stringify(key));

/** A TypeScript type for a JSON Schema node (the input side of the zod schema). */
export function tsType(schema: JsonSchema, indent = ''): string {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return alternatives.map((s) => tsType(s, indent)).join(' | ');
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if ('const' in schema) return JSON.stringify(schema.const);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (!types.length) return 'unknown';
  return types
    .map((type) => {
      switch (type) {
        case 'integer':
        case 'number':
          return 'number';
        case 'array':
          return `Array<${schema.items ? tsType(schema.items, indent) : 'unknown'}>`;
        case 'object':
          return schema.properties ? objectType(schema, indent) : 'Record<string, unknown>';
        default:
          return type;
      }
    })
    .join(' | ');
}

/** `{ key: type; … }` with each property's description as JSDoc. */
export function objectType(schema: JsonSchema, indent = ''): string {
  const required = new Set(schema.required ?? []);
  const inner = `${indent}  `;
  const lines = Object.entries(schema.properties ?? {}).map(([key, child]) => {
    const doc = child.description ? `${inner}/** ${child.description.replace(/\*\//g, '* /')} */\n` : '';
    return `${doc}${inner}${propertyKey(key)}${required.has(key) ? '' : '?'}: ${tsType(child, inner)};`;
  });
  return lines.length ? `{\n${lines.join('\n')}\n${indent}}` : 'Record<string, never>';
}

/** An exported object type: an interface, or for no properties an alias (`interface X Record<…>` is not TypeScript). */
export function exportedObjectType(name: string, schema: JsonSchema): string {
  return Object.keys(schema.properties ?? {}).length ? `export interface ${name} ${objectType(schema)}` : `export type ${name} = ${objectType(schema)};`;
}

/** `order.paid` -> `OrderPaid`. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}
