import type { JsonSchema } from '../core/json-schema';
import type { JsonValue } from '../core/types';

/** A deterministic example value for a schema node, named after its property where that helps. */
export function sampleValue(schema: JsonSchema, key = ''): JsonValue {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return sampleValue(alternatives.find((s) => s.type !== 'null') ?? alternatives[0], key);
  if (schema.default !== undefined) return schema.default as JsonValue;
  if (schema.enum) return schema.enum[0] as JsonValue;
  if ('const' in schema) return schema.const as JsonValue;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string': {
      if (schema.format === 'uri') return 'https://example.com/path';
      if (schema.format === 'date-time') return '2026-11-22T10:00:00.000Z';
      const length = typeof schema.minLength === 'number' && schema.minLength === schema.maxLength ? schema.minLength : undefined;
      if (length === 2) return 'US';
      if (length === 3) return 'USD';
      if (key.endsWith('_id')) return `${key.replace(/_id$/, '').slice(0, 4)}_123`;
      return key ? `${key}_value`.slice(0, schema.maxLength ?? 64) : 'value';
    }
    case 'integer':
      return Math.max(1, Math.ceil(schema.minimum ?? (typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : 1)));
    case 'number':
      return Math.max(schema.minimum ?? 0, 49.99);
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return schema.items && typeof schema.items === 'object' && !Array.isArray(schema.items) ? [sampleValue(schema.items, key.replace(/s$/, ''))] : [];
    case 'object':
      return sampleObject(schema);
    default:
      return null;
  }
}

/** Every property, required or not, so the reader sees the whole payload. */
export function sampleObject(schema: JsonSchema): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [key, child] of Object.entries(schema.properties ?? {})) out[key] = sampleValue(child, key);
  return out;
}
