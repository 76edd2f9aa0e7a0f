/** zod's JSON Schema, written back the way plans write it: what a re-import reads as the same catalog. */
import { REFINEMENT_KEYWORD, type JsonSchema } from '../../core/json-schema';

const PLACEHOLDER = /^TODO: describe this (event|property) \(imported without a description\)$/;
const SAFE = Number.MAX_SAFE_INTEGER;

export function cleanSchema(node: unknown): any {
  if (Array.isArray(node)) return node.map(cleanSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, any> = {};
  for (const [key, value] of Object.entries(node)) out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, cleanSchema(v)])) : cleanSchema(value);
  // z.int() says "a safe integer" with bounds nobody wrote.
  if (out.type === 'integer') {
    if (out.minimum === -SAFE) delete out.minimum;
    if (out.maximum === SAFE) delete out.maximum;
  }
  // zod adds its own pattern beside a format.
  if (out.format && out.pattern) delete out.pattern;
  if (typeof out.description === 'string' && PLACEHOLDER.test(out.description)) delete out.description;
  // The catalog's note that a refinement's rule is stated beside it: trackplan's, not the plan's.
  delete out[REFINEMENT_KEYWORD];
  // A union of bare types (zod's union of primitives, nullable or not) is one type list in plans.
  if (Array.isArray(out.anyOf)) {
    const bare = (s: any): string[] | undefined =>
      s && typeof s === 'object' && Object.keys(s).length === 1 && s.type !== undefined ? [s.type].flat() : s && Array.isArray(s.anyOf) && Object.keys(s).length === 1 ? flatTypes(s.anyOf) : undefined;
    const flatTypes = (list: any[]): string[] | undefined => {
      const types = list.map(bare);
      return types.every(Boolean) ? [...new Set(types.flat() as string[])] : undefined;
    };
    const types = flatTypes(out.anyOf);
    if (types) {
      delete out.anyOf;
      out.type = types.length === 1 ? types[0] : types;
    }
  }
  // { anyOf: [X, { type: null }] } (zod's nullable) is [type, "null"] in plans.
  if (Array.isArray(out.anyOf) && out.anyOf.length === 2) {
    const nullIndex = out.anyOf.findIndex((s: JsonSchema) => s.type === 'null' && Object.keys(s).length === 1);
    const other = out.anyOf[1 - nullIndex];
    if (nullIndex >= 0 && other && typeof other.type === 'string' && !other.enum && other.const === undefined) {
      delete out.anyOf;
      Object.assign(out, { ...other, type: [other.type, 'null'] });
    }
  }
  // An open object: additionalProperties true, not zod's {}.
  if (out.additionalProperties && typeof out.additionalProperties === 'object' && Object.keys(out.additionalProperties).length === 0) out.additionalProperties = true;
  return out;
}
