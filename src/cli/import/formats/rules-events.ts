/** The `{ name, description, rules }` event list shared by Segment's Config API / v6 local plans and RudderStack's tracking plans. */
import type { ImportReport } from '../report';
import { pointerJoin } from '../zod-source';
import type { ImportedUnit, UnitKind } from '../types';

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where a rule's schema keeps the call's own fields: `properties` for track/page/screen, `traits` for identify/group. */
export function sectionPointer(schema: unknown, at: string, section: 'properties' | 'traits'): string | undefined {
  if (!isObject(schema) || !isObject(schema.properties)) return undefined;
  const wrapped = schema.properties[section];
  // An empty {} section (Segment writes "traits": {}) declares nothing.
  if (!isObject(wrapped) || Object.keys(wrapped).length === 0) return undefined;
  return pointerJoin(at, 'properties', section);
}

/** Segment Public API rules carry the properties schema itself (eventMetadata beside it), or the wrapped form. */
export function publicApiPointer(schema: unknown, section: 'properties' | 'traits'): string {
  if (isObject(schema) && isObject(schema.properties)) {
    const keys = Object.keys(schema.properties);
    if (keys.length && keys.every((k) => ['context', 'traits', 'properties'].includes(k)) && isObject(schema.properties[section])) return `/properties/${section}`;
  }
  return '';
}

export function readRuleEvents(file: string, events: unknown[], listPointer: string, report: ImportReport): ImportedUnit[] {
  const units: ImportedUnit[] = [];
  events.forEach((event, i) => {
    const at = pointerJoin(listPointer, i);
    if (!isObject(event)) return report.refused(file, undefined, at, 'an event entry is not an object');
    const type = String(event.eventType ?? 'track').toLowerCase();
    const kind: UnitKind = type === 'identify' ? 'person' : type === 'group' ? 'group' : 'event';
    const section = kind === 'event' ? 'properties' : 'traits';
    let name = typeof event.name === 'string' ? event.name : '';
    if (kind === 'event' && name.trim() === '') {
      if (type === 'page' || type === 'screen') {
        name = type;
        report.note(file, name, `an unnamed ${type} rule is imported as the event "${type}"`);
      } else return report.refused(file, undefined, pointerJoin(at, 'name'), 'an event without a name');
    }
    if (kind === 'group') name = 'group';
    const rules = event.rules;
    units.push({
      kind,
      name: kind === 'person' ? 'identify' : name,
      description: typeof event.description === 'string' ? event.description : undefined,
      sourceVersion: event.version,
      schema: isObject(rules) && sectionPointer(rules, '', section) !== undefined ? { file, root: rules, pointer: sectionPointer(rules, '', section)! } : undefined,
      // A rule without a properties section (Segment's "Empty Event") accepts any properties.
      open: !(isObject(rules) && sectionPointer(rules, '', section) !== undefined),
      where: `${at}/rules`,
    } as ImportedUnit);
  });
  return units;
}
