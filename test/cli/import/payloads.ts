/**
 * Candidate payloads for a JSON Schema: one meant to be valid, and mutations of it (a key removed, a
 * wrong type, a value outside an enum or bound, an unknown key, nested too). Ajv decides which are valid;
 * the test only asks that the imported catalog agrees with it on each.
 */
type Node = Record<string, any>;

const isObject = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

export function resolve(node: unknown, root: unknown, depth = 0): Node {
  if (!isObject(node)) return node === false ? { not: {} } : {};
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#') && depth < 20) {
    const target = node.$ref
      .slice(1)
      .split('/')
      .slice(1)
      .reduce((n: any, p: string) => n?.[decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~')], root);
    const { $ref: _r, ...rest } = node;
    return { ...resolve(target, root, depth + 1), ...rest };
  }
  if (Array.isArray(node.allOf)) {
    const merged: Node = { ...node, allOf: undefined };
    for (const part of node.allOf) {
      const p = resolve(part, root, depth + 1);
      merged.properties = { ...(merged.properties ?? {}), ...(p.properties ?? {}) };
      merged.required = [...(merged.required ?? []), ...(p.required ?? [])];
      for (const [k, v] of Object.entries(p)) if (!(k in merged) || merged[k] === undefined) merged[k] = v;
    }
    delete merged.allOf;
    return merged;
  }
  return node;
}

const FORMAT_SAMPLES: Record<string, string> = {
  'date-time': '2024-05-06T07:08:09Z',
  date: '2024-05-06',
  time: '07:08:09Z',
  email: 'someone@example.com',
  uri: 'https://example.com/a',
  uuid: '123e4567-e89b-12d3-a456-426614174000',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  hostname: 'example.com',
};

function typeOf(node: Node): string | undefined {
  const types: string[] = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  return types.find((t) => t !== 'null') ?? types[0];
}

/** A value meant to satisfy the schema (best effort: a pattern is not generated). */
export function sample(input: unknown, root: unknown, depth = 0): unknown {
  const node = resolve(input, root);
  if (depth > 8) return null;
  if ('const' in node) return node.const;
  if (Array.isArray(node.enum)) return node.enum.find((v: unknown) => v !== null) ?? node.enum[0];
  if (Array.isArray(node.anyOf ?? node.oneOf)) return sample((node.anyOf ?? node.oneOf)[0], root, depth + 1);
  switch (typeOf(node) ?? (node.properties ? 'object' : node.items ? 'array' : undefined)) {
    case 'string': {
      if (node.format && FORMAT_SAMPLES[node.format]) return FORMAT_SAMPLES[node.format];
      const text = 'sample';
      const min = node.minLength ?? 0;
      const value = text.length < min ? text.padEnd(min, 'x') : text;
      return node.maxLength !== undefined ? value.slice(0, node.maxLength) : value;
    }
    case 'integer':
    case 'number': {
      let value = node.minimum ?? (typeof node.exclusiveMinimum === 'number' ? node.exclusiveMinimum + 1 : 2);
      if (node.multipleOf) value = Math.ceil(value / node.multipleOf) * node.multipleOf;
      if (node.maximum !== undefined && value > node.maximum) value = node.maximum;
      return typeOf(node) === 'integer' ? Math.round(value) : value;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const count = Math.max(node.minItems ?? 0, 1);
      return Array.from({ length: Math.min(count, node.maxItems ?? count) }, () => (node.items && !Array.isArray(node.items) ? sample(node.items, root, depth + 1) : 'item'));
    }
    case 'object': {
      const out: Node = {};
      for (const [key, child] of Object.entries(node.properties ?? {})) out[key] = sample(child, root, depth + 1);
      for (const key of node.required ?? []) if (!(key in out)) out[key] = 'present';
      return out;
    }
    default:
      return 'anything';
  }
}

const WRONG: unknown[] = [null, 7, 2.5, 'text', true, [], {}, ['x'], { nested: 1 }];

/** The valid candidate and its mutations. */
export function candidates(schema: unknown, root: unknown): unknown[] {
  const base = sample(schema, root) as Node;
  const out: unknown[] = [base, {}, { __unknown_key__: 1 }, { ...base, __unknown_key__: 'x' }];
  const node = resolve(schema, root);
  for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, unknown>)) {
    const { [key]: _removed, ...without } = base;
    out.push(without);
    for (const wrong of WRONG) out.push({ ...base, [key]: wrong });
    const c = resolve(child, root);
    if (Array.isArray(c.enum)) out.push({ ...base, [key]: '__not_listed__' });
    if (typeof c.maxLength === 'number') out.push({ ...base, [key]: 'x'.repeat(c.maxLength + 1) });
    if (typeof c.minLength === 'number' && c.minLength > 0) out.push({ ...base, [key]: '' });
    if (typeof c.maximum === 'number') out.push({ ...base, [key]: c.maximum + 1 });
    if (typeof c.minimum === 'number') out.push({ ...base, [key]: c.minimum - 1 });
    if (typeof c.multipleOf === 'number') out.push({ ...base, [key]: c.multipleOf * 7.5 + 0.001 });
    if (c.format) out.push({ ...base, [key]: 'not a ' + c.format });
    if (isObject(base[key])) {
      out.push({ ...base, [key]: { ...(base[key] as Node), __nested_unknown__: 1 } });
      for (const inner of Object.keys(base[key] as Node)) {
        const { [inner]: _i, ...rest } = base[key] as Node;
        out.push({ ...base, [key]: rest });
        out.push({ ...base, [key]: { ...(base[key] as Node), [inner]: null } });
      }
    }
    if (Array.isArray(base[key])) {
      out.push({ ...base, [key]: [] });
      out.push({ ...base, [key]: [null] });
      out.push({ ...base, [key]: [{ __in_array__: 1 }] });
      // Twice the same item: uniqueItems (a zod refinement, stated to the generated client as JSON Schema).
      if ((base[key] as unknown[]).length) out.push({ ...base, [key]: [...(base[key] as unknown[]), (base[key] as unknown[])[0]] });
    }
  }
  return out;
}
