/** Segment Protocols: Public API (`rules[]` with `key`, `type`, `version`, `jsonSchema`), Config API (`rules.events[]`), v6 local (`{ name, events[] }`). */
import type { ImportReport } from '../report';
import type { ImportedUnit, PlanFile, PlanFormat } from '../types';
import { publicApiPointer, readRuleEvents } from './rules-events';

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

const hasEventType = (events: unknown) => Array.isArray(events) && events.some((e) => isObject(e) && 'eventType' in e);

export function isSegmentPlan(data: unknown): boolean {
  if (!isObject(data) || 'creationType' in data) return false;
  if (Array.isArray(data.rules)) return data.rules.every((r: unknown) => isObject(r) && 'jsonSchema' in r);
  if (isObject(data.rules) && Array.isArray(data.rules.events)) return !hasEventType(data.rules.events);
  return Array.isArray(data.events) && data.events.every((e: unknown) => isObject(e) && 'rules' in e) && !hasEventType(data.events);
}

export const segment: PlanFormat = {
  name: 'segment',
  detect: (files) => files.length > 0 && files.every((f) => isSegmentPlan(f.data)),
  read(files: PlanFile[], report: ImportReport): ImportedUnit[] {
    const units: ImportedUnit[] = [];
    for (const { path, data } of files) {
      const plan = data as Record<string, any>;
      if (Array.isArray(plan.rules)) {
        plan.rules.forEach((rule: Record<string, any>, i: number) => {
          const type = String(rule.type ?? 'TRACK').toUpperCase();
          const kind = type === 'IDENTIFY' ? 'person' : type === 'GROUP' ? 'group' : 'event';
          const section = kind === 'event' ? 'properties' : 'traits';
          const name = kind === 'person' ? 'identify' : kind === 'group' ? 'group' : String(rule.key ?? '');
          if (kind === 'event' && name.trim() === '') return report.refused(path, undefined, `/rules/${i}/key`, `a ${type} rule without a key`);
          const schema = rule.jsonSchema;
          units.push({
            kind,
            name,
            description: isObject(schema) && typeof schema.description === 'string' ? schema.description : undefined,
            sourceVersion: rule.version,
            schema: isObject(schema) ? { file: path, root: schema, pointer: publicApiPointer(schema, section) } : undefined,
            open: !isObject(schema),
            where: `/rules/${i}/jsonSchema`,
          } as ImportedUnit);
        });
        continue;
      }
      const events = isObject(plan.rules) ? plan.rules.events : plan.events;
      units.push(...readRuleEvents(path, events, isObject(plan.rules) ? '/rules/events' : '/events', report));
      for (const key of ['identify_traits', 'group_traits', 'identify', 'group']) {
        const value = isObject(plan.rules) ? plan.rules[key] : plan[key];
        if (Array.isArray(value) ? value.length : isObject(value) && Object.keys(value).length)
          report.refused(path, key, isObject(plan.rules) ? `/rules/${key}` : `/${key}`, `${key} in this form is not imported (a list of trait rules); add the traits to the catalog's person/groups by hand`);
      }
    }
    return units;
  },
};
