/** The imported units as one readable catalog module: `defineCatalog({ ... })` with zod schemas. */
import { isSensitiveKey } from '../../core/guards';
import type { ImportReport } from './report';
import type { ImportedUnit, SchemaNode } from './types';
import { REFINEMENT_STATED, Refusal, objectSource, pointerJoin, resolvePointer, zodFor, type WriteContext } from './zod-source';

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const literal = (v: unknown) => JSON.stringify(v);
const EVENT_PLACEHOLDER = 'IMPORTED_DESCRIPTION_PLACEHOLDER';
const PROPERTY_PLACEHOLDER = 'IMPORTED_PROPERTY_DESCRIPTION_PLACEHOLDER';

/** A source version as a comparable tuple, and the catalog's integer version (the breaking-change counter). */
export function parseVersion(version: unknown): { order: number[]; catalog: number; note?: string } | undefined {
  if (version === undefined || version === null || version === '') return undefined;
  if (typeof version === 'number' && Number.isInteger(version) && version >= 1) return { order: [version], catalog: version };
  const text = String(version);
  // Iglu SchemaVer (1-0-2) and semver (1.0.0): the first number is the breaking-change counter.
  const parts = text.match(/^(\d+)(?:[-.](\d+))?(?:[-.](\d+))?$/);
  if (!parts) return { order: [0], catalog: 1, note: `version ${literal(text)} is not a number; imported as version 1` };
  const order = parts.slice(1).map((p) => Number(p ?? 0));
  if (order[0] === 0) return { order, catalog: 1, note: `version ${text} has major 0; imported as version 1` };
  return { order, catalog: order[0] };
}

const newer = (a: number[], b: number[]) => {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return false;
};

interface Written {
  source: string;
  open: boolean;
  keys: string[];
}

function context(unit: ImportedUnit, indent: string): WriteContext {
  return { file: unit.schema!.file, root: unit.schema!.root, losses: [], notes: [], indent, propertyPlaceholder: PROPERTY_PLACEHOLDER };
}

/** The properties keys a schema may declare, through $ref, allOf, anyOf/oneOf and then. */
function declaredKeys(node: unknown, ctx: WriteContext, depth = 0): string[] {
  if (!isObject(node) || depth > 20) return [];
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#')) return declaredKeys(resolvePointer(ctx.root, node.$ref), ctx, depth + 1);
  const keys = [...Object.keys(node.properties ?? {}), ...(Array.isArray(node.required) ? node.required : [])];
  for (const list of [node.allOf, node.anyOf, node.oneOf]) if (Array.isArray(list)) for (const part of list) keys.push(...declaredKeys(part, ctx, depth + 1));
  if (isObject(node.then)) keys.push(...declaredKeys(node.then, ctx, depth + 1));
  return [...new Set(keys)];
}

/** Whether the schema lets undeclared keys through (additionalProperties / unevaluatedProperties not false). */
function isOpen(node: SchemaNode): boolean {
  return (node.additionalProperties ?? node.unevaluatedProperties) !== false;
}

/**
 * An event's (or person's, group's) properties: a zod object, since the catalog needs its keys.
 * A top-level union (variants, anyOf, duplicate definitions) becomes an object of its keys refined by the union.
 */
function propertiesOf(units: ImportedUnit[], indent: string, report: ImportReport): Written {
  const written = units.map((unit) => {
    if (!unit.schema) return { source: `z.looseObject({})`, open: true, keys: [] as string[], union: 'z.looseObject({})' };
    const ctx = context(unit, indent);
    let node = resolvePointer(unit.schema.root, unit.schema.pointer);
    let at = unit.schema.pointer;
    if (node === undefined) throw new Refusal(at, 'the properties schema is missing');
    if (isObject(node) && typeof node.$ref === 'string' && node.$ref.startsWith('#') && Object.keys(node).every((k) => k === '$ref' || k === 'description')) {
      at = node.$ref.slice(1);
      node = resolvePointer(unit.schema.root, at);
    }
    if (!isObject(node)) throw new Refusal(at, 'the properties schema is not an object schema');
    if (node.type !== undefined && !(Array.isArray(node.type) ? node.type : [node.type]).includes('object'))
      throw new Refusal(pointerJoin(at, 'type'), `the properties schema has type ${literal(node.type)}; event properties are an object`);
    const { type: _type, ...objectNode } = node;
    const combined = objectNode.allOf || objectNode.anyOf || objectNode.oneOf;
    let result: Written & { union: string };
    if (combined) {
      const union = zodFor({ ...objectNode, type: 'object' }, at, ctx);
      const keys = declaredKeys(objectNode, ctx);
      result = { source: '', open: isOpen(objectNode), keys, union };
      report.loss(unit.schema.file, unit.name, at, `${objectNode.allOf ? 'allOf/if-then variants' : objectNode.anyOf ? 'anyOf' : 'oneOf'} at the top: checked as a union by a refinement; generated types list the keys as unknown`);
    } else {
      const { source, openness, keys } = objectSource({ ...objectNode, type: 'object' }, at, ctx, { topLevel: true });
      result = { source, open: openness !== 'closed', keys, union: source };
    }
    for (const loss of ctx.losses) report.loss(unit.schema.file, unit.name, loss.where, loss.message);
    for (const note of ctx.notes) report.note(unit.schema.file, unit.name, `${note.where}: ${note.message}`);
    return result;
  });
  if (written.length === 1 && written[0].source) return written[0];
  const keys = [...new Set(written.flatMap((w) => w.keys))];
  const open = written.some((w) => w.open);
  const inner = `${indent}  `;
  const shape = keys.length ? `{\n${keys.map((k) => `${inner}${literal(k)}: z.unknown().optional().describe(${PROPERTY_PLACEHOLDER}),`).join('\n')}\n${indent}}` : '{}';
  const union = written.length === 1 ? written[0].union : `z.union([${written.map((w) => w.union).join(', ')}])`;
  return { source: `matching(${open ? 'z.looseObject' : 'z.strictObject'}(${shape}), ${union})`, open, keys };
}

export interface CatalogOptions {
  name: string;
  /** What the file says it was imported from (input path and format). */
  origin: string;
}

export function writeCatalog(units: ImportedUnit[], options: CatalogOptions, report: ImportReport): { source: string; events: string[] } {
  const byName = new Map<string, ImportedUnit[]>();
  for (const unit of units.filter((u) => u.kind === 'event')) byName.set(unit.name, [...(byName.get(unit.name) ?? []), unit]);
  const eventBlocks: string[] = [];
  const imported: string[] = [];
  let usesMatches = false;
  let placeholders = 0;
  for (const [name, all] of byName) {
    const file = all[0].schema?.file ?? all[0].file ?? '';
    const versions = all.map((u) => ({ unit: u, version: parseVersion(u.sourceVersion) }));
    let kept = versions;
    if (versions.some((v) => v.version)) {
      const newest = versions.reduce((a, b) => (b.version && (!a.version || newer(b.version.order, a.version.order)) ? b : a));
      kept = versions.filter((v) => JSON.stringify(v.version?.order) === JSON.stringify(newest.version?.order));
      const dropped = versions.filter((v) => !kept.includes(v)).map((v) => String(v.unit.sourceVersion));
      if (dropped.length) report.note(file, name, `kept version ${newest.unit.sourceVersion}; older version(s) ${[...new Set(dropped)].join(', ')} not imported`);
      if (newest.version?.note) report.note(file, name, newest.version.note);
    }
    const keptUnits = kept.map((k) => k.unit);
    if (keptUnits.length > 1)
      report.note(file, name, `defined ${keptUnits.length} times${[...new Set(keptUnits.map((u) => u.schema?.file ?? u.file))].length > 1 ? ` (in ${[...new Set(keptUnits.map((u) => u.schema?.file ?? u.file))].join(', ')})` : ''}: imported as one event that accepts what either definition accepts`);
    let properties: Written;
    try {
      properties = propertiesOf(keptUnits, '      ', report);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      const unit = keptUnits[0];
      report.refused(unit.schema?.file ?? unit.file ?? file, name, error.where, error.message);
      continue;
    }
    if (properties.source.includes('matching(')) usesMatches = true;
    const descriptions = [...new Set(keptUnits.map((u) => u.description?.trim()).filter((d): d is string => !!d))];
    if (!descriptions.length) placeholders++;
    const version = kept[0].version?.catalog ?? 1;
    const pii = properties.keys.filter((k) => isSensitiveKey(k));
    if (pii.length) report.note(file, name, `pii.allow lists ${pii.join(', ')}: the plan declares them, so the PII guard keeps their values; review whether they must carry personal data`);
    const lines = [
      `    ${literal(name)}: defineEvent({`,
      `      description: ${descriptions.length ? literal(descriptions.join(' / ')) : EVENT_PLACEHOLDER},`,
      ...(version !== 1 ? [`      version: ${version},`] : []),
      ...(properties.open ? ['      open: true,'] : []),
      ...(pii.length ? [`      pii: { allow: [${pii.map(literal).join(', ')}] },`] : []),
      ...(properties.keys.length || !properties.open ? [`      properties: ${properties.source},`] : []),
      '    }),',
    ];
    eventBlocks.push(lines.join('\n'));
    imported.push(name);
    report.imported(file, name);
  }
  if (placeholders) report.note('', undefined, `${placeholders} event(s) have no description in the source: the placeholder IMPORTED_DESCRIPTION_PLACEHOLDER is written, and \`trackplan check\` warns until you replace it`);

  const section = (kind: 'person' | 'group'): Map<string, string> => {
    const out = new Map<string, string>();
    const groups = new Map<string, ImportedUnit[]>();
    for (const unit of units.filter((u) => u.kind === kind)) groups.set(unit.name, [...(groups.get(unit.name) ?? []), unit]);
    for (const [name, list] of groups) {
      const file = list[0].schema?.file ?? list[0].file ?? '';
      if (list.length > 1) report.note(file, name, `${kind === 'person' ? 'identify traits' : 'group traits'} defined ${list.length} times: imported as one schema that accepts what either accepts`);
      try {
        const written = propertiesOf(list, kind === 'person' ? '  ' : '    ', report);
        if (written.source.includes('matching(')) usesMatches = true;
        out.set(name, written.source);
        report.imported(file, kind === 'person' ? 'person (identify traits)' : `groups.${name}`);
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        report.refused(file, kind === 'person' ? 'person' : `groups.${name}`, error.where, error.message);
      }
    }
    return out;
  };
  const person = section('person').get('identify');
  const groups = section('group');

  const imports = ['defineCatalog', 'defineEvent'];
  const body = eventBlocks.join('\n');
  if (body.includes(EVENT_PLACEHOLDER)) imports.push(EVENT_PLACEHOLDER);
  if (body.includes(PROPERTY_PLACEHOLDER) || person?.includes(PROPERTY_PLACEHOLDER) || [...groups.values()].some((g) => g.includes(PROPERTY_PLACEHOLDER))) imports.push(PROPERTY_PLACEHOLDER);
  const source = [
    `// Imported by \`trackplan import\` from ${options.origin}.`,
    '// Event keys are the wire names, as the source sends them. Review the TODO descriptions and the import report.',
    "import * as z from 'zod';",
    `import { ${imports.join(', ')} } from 'trackplan';`,
    '',
    ...(usesMatches
      ? [
          '/**',
          ' * The object checked against the source\'s alternatives (variants, or an event defined twice), which',
          ' * are stated as JSON Schema too, so the client `trackplan generate` writes checks them as well.',
          ' */',
          'const matching = <T extends z.ZodType>(object: T, alternatives: z.ZodType): T => {',
          "  const { $schema: _, ...stated } = z.toJSONSchema(alternatives, { io: 'input' });",
          '  return object',
          '    .superRefine((value, ctx) => {',
          '      const result = alternatives.safeParse(value);',
          "      if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)) });",
          '    })',
          `    .meta({ allOf: [stated], ${REFINEMENT_STATED} });`,
          '};',
          '',
        ]
      : []),
    'export default defineCatalog({',
    `  name: ${literal(options.name)},`,
    '  version: 1,',
    "  naming: { events: 'any' },",
    ...(person ? [`  person: ${person},`] : []),
    ...(groups.size ? ['  groups: {', ...[...groups].map(([type, source]) => `    ${literal(type)}: ${source},`), '  },'] : []),
    '  events: {',
    body,
    '  },',
    '});',
    '',
  ].join('\n');
  return { source, events: imported };
}
