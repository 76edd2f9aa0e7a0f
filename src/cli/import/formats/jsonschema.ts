/** Plain JSON Schema: one schema per event, a file or a folder of them. The event is the schema's `title`, or else the file name. */
import { basename, extname } from 'node:path';
import type { ImportReport } from '../report';
import type { ImportedUnit, PlanFile, PlanFormat } from '../types';

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSchema = (data: unknown) => isObject(data) && (data.type === 'object' || isObject(data.properties) || typeof data.$schema === 'string');

export const jsonschema: PlanFormat = {
  name: 'jsonschema',
  detect: (files) => files.length > 0 && files.every((f) => isSchema(f.data)),
  read(files: PlanFile[], _report: ImportReport): ImportedUnit[] {
    return files.map(({ path, data }) => {
      const schema = data as Record<string, any>;
      const name = typeof schema.title === 'string' && schema.title.trim() ? schema.title : basename(path, extname(path));
      return { kind: 'event' as const, name, description: schema.description, schema: { file: path, root: schema, pointer: '' }, where: '' };
    });
  },
};
