/** RudderStack tracking plans: v2 JSON (`rules.events[]` or `events[]` with `eventType`) and rudder-iac YAML project folders. */
import type { ImportReport } from '../report';
import type { ImportedUnit, PlanFile, PlanFormat } from '../types';
import { readRuleEvents } from './rules-events';
import { isRudderYaml, readRudderYaml } from './rudder-yaml';

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const eventList = (data: unknown): unknown[] | undefined => (isObject(data) ? (isObject(data.rules) ? data.rules.events : data.events) : undefined);
const isRudderJson = (data: unknown) => {
  const events = eventList(data);
  // RudderStack's own plans say where they came from (creationType: "Data catalog"); v2 events carry eventType.
  return Array.isArray(events) && (events.some((e) => isObject(e) && 'eventType' in e) || (isObject(data) && 'creationType' in data));
};

export const rudderstack: PlanFormat = {
  name: 'rudderstack',
  detect: (files) => files.length > 0 && (files.some((f) => isRudderYaml(f.data)) || files.every((f) => isRudderJson(f.data))),
  read(files: PlanFile[], report: ImportReport): ImportedUnit[] {
    if (files.some((f) => isRudderYaml(f.data))) return readRudderYaml(files, report);
    const units: ImportedUnit[] = [];
    for (const { path, data } of files) units.push(...readRuleEvents(path, eventList(data)!, isObject((data as any).rules) ? '/rules/events' : '/events', report));
    return units;
  },
};
