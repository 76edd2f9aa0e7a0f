/** mParticle data plans (`version_document.data_points[]` with `match` and a JSON Schema `validator`). */
import type { ImportReport } from '../report';
import type { ImportedUnit, PlanFile, PlanFormat } from '../types';
import { pointerJoin } from '../zod-source';

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isDataPoint = (v: unknown) => isObject(v) && isObject(v.match) && isObject(v.validator);

/** Every data point in the file with its JSON pointer: a whole plan, or a fixture that lists data points loose. */
function dataPoints(value: unknown, pointer: string, out: { point: Record<string, any>; pointer: string }[] = []) {
  if (isDataPoint(value)) out.push({ point: value as Record<string, any>, pointer });
  else if (Array.isArray(value)) value.forEach((v, i) => dataPoints(v, pointerJoin(pointer, i), out));
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) dataPoints(v, pointerJoin(pointer, k), out);
  return out;
}

export const mparticle: PlanFormat = {
  name: 'mparticle',
  detect: (files) => files.length > 0 && files.every((f) => dataPoints(f.data, '').length > 0),
  read(files: PlanFile[], report: ImportReport): ImportedUnit[] {
    const units: ImportedUnit[] = [];
    for (const { path, data } of files) {
      for (const { point, pointer } of dataPoints(data, '')) {
        const { type, criteria = {} } = point.match;
        const definition = point.validator.definition;
        const at = pointerJoin(pointer, 'validator', 'definition');
        const description = typeof point.description === 'string' ? point.description : undefined;
        if (point.validator.type !== 'json_schema' || !isObject(definition)) {
          report.refused(path, String(type), pointerJoin(pointer, 'validator'), `validator type ${JSON.stringify(point.validator.type)} is not JSON Schema`);
          continue;
        }
        if (type === 'user_attributes') {
          units.push({ kind: 'person', name: 'identify', description, schema: { file: path, root: data, pointer: at }, where: at });
          continue;
        }
        if (type === 'user_identities') {
          report.loss(path, 'user_identities', at, `user identities (${Object.keys(definition.properties ?? {}).join(', ')}) have no place in a trackplan catalog (identify takes one distinct id); not imported`);
          continue;
        }
        const name =
          type === 'custom_event' ? String(criteria.event_name ?? '') : type === 'screen_view' ? String(criteria.screen_name ?? '') : [type, ...Object.values(criteria).map(String)].join(':');
        if (!name) {
          report.refused(path, undefined, pointerJoin(pointer, 'match'), 'a data point without an event or screen name');
          continue;
        }
        if (type !== 'custom_event' && type !== 'screen_view') report.note(path, name, `mParticle ${type} data point imported as the event "${name}"`);
        if (type === 'custom_event' && criteria.custom_event_type) report.note(path, name, `custom_event_type "${criteria.custom_event_type}" is mParticle's, not part of the wire name; kept in the description`);
        const dataSchema = definition.properties?.data;
        const others = Object.keys(dataSchema?.properties ?? {}).filter((k) => k !== 'custom_attributes');
        if (others.length) report.loss(path, name, pointerJoin(at, 'properties', 'data'), `${others.join(', ')} (mParticle's own event fields) are not event properties; only custom_attributes are imported`);
        const hasAttributes = isObject(dataSchema?.properties?.custom_attributes);
        units.push({
          kind: 'event',
          name,
          description: [description, criteria.custom_event_type ? `(mParticle ${type}, ${criteria.custom_event_type})` : undefined].filter(Boolean).join(' ') || undefined,
          schema: hasAttributes ? { file: path, root: data, pointer: pointerJoin(at, 'properties', 'data', 'properties', 'custom_attributes') } : undefined,
          open: !hasAttributes,
          file: path,
          where: at,
        });
      }
    }
    return units;
  },
};
