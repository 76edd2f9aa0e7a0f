/** Amplitude Ampli `schema.json` (one schema, events under `definitions`) and Iteratively plans (`{ context, group, identify, "<Event>": schema }`). */
import type { ImportReport } from '../report';
import type { ImportedUnit, PlanFile, PlanFormat } from '../types';
import { pointerJoin } from '../zod-source';

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isAmpli = (data: unknown) => isObject(data) && typeof data.$id === 'string' && data.$id.includes('amplitude.com/schemas') && isObject(data.definitions);
const isItly = (data: unknown) =>
  isObject(data) && ['context', 'identify', 'group'].every((k) => isObject(data[k]) && (data[k].type === 'object' || typeof data[k].$schema === 'string')) && Object.values(data).every((v) => isObject(v) && ('type' in v || '$schema' in v));

/** The event name Ampli's generated code uses: the one in the schema's `$id` (`.../event/<name>/version/<semver>`). */
function fromId(id: unknown): { name?: string; version?: string } {
  const match = typeof id === 'string' ? id.match(/\/event\/([^/]+)\/version\/([^/]+)$/) : null;
  return match ? { name: decodeURIComponent(match[1]), version: match[2] } : {};
}

function unitFor(key: string, schema: Record<string, any>, path: string, root: unknown, pointer: string, report: ImportReport): ImportedUnit | undefined {
  const lower = key.toLowerCase();
  if (lower === 'identify') return { kind: 'person', name: 'identify', schema: { file: path, root, pointer }, where: pointer };
  if (lower === 'group') {
    report.note(path, 'group', 'the plan\'s group properties have no group type; imported as groups.group');
    return { kind: 'group', name: 'group', schema: { file: path, root, pointer }, where: pointer };
  }
  if (lower === 'context') {
    const properties = Object.keys(schema.properties ?? {});
    if (properties.length) report.loss(path, 'context', pointer, `context properties (${properties.join(', ')}) have no place in a trackplan catalog (trackplan sends its own envelope); not imported`);
    return undefined;
  }
  const { name: idName, version } = fromId(schema.$id);
  const name = idName && !UUID.test(idName) ? idName : typeof schema.title === 'string' && schema.title ? schema.title : key;
  return { kind: 'event', name, description: schema.description, sourceVersion: version, schema: { file: path, root, pointer }, where: pointer };
}

export const ampli: PlanFormat = {
  name: 'ampli',
  detect: (files) => files.length > 0 && files.every((f) => isAmpli(f.data) || isItly(f.data)),
  read(files: PlanFile[], report: ImportReport): ImportedUnit[] {
    const units: ImportedUnit[] = [];
    for (const { path, data } of files) {
      const plan = data as Record<string, any>;
      if (isAmpli(plan)) {
        for (const [key, entry] of Object.entries(plan.properties ?? {})) {
          const ref = isObject(entry) ? entry.$ref : undefined;
          const pointer = typeof ref === 'string' && ref.startsWith('#') ? ref.slice(1) : pointerJoin('/properties', key);
          const schema = isObject(entry) && typeof ref === 'string' ? (plan.definitions[ref.split('/').pop()!] ?? {}) : entry;
          const unit = unitFor(key, schema as Record<string, any>, path, plan, pointer, report);
          if (unit) units.push(unit);
        }
      } else {
        for (const [key, schema] of Object.entries(plan)) {
          const unit = unitFor(key, schema as Record<string, any>, path, schema, '', report);
          if (unit) units.push(unit);
        }
      }
    }
    return units;
  },
};
