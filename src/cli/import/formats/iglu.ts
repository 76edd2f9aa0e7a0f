/** Snowplow Iglu self-describing schemas (`self: { vendor, name, format, version }`), one file or a folder of them. */
import type { ImportReport } from '../report';
import type { ImportedUnit, PlanFile, PlanFormat } from '../types';

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIglu = (data: unknown) => isObject(data) && isObject(data.self) && typeof data.self.vendor === 'string' && typeof data.self.name === 'string';

/** SchemaVer MODEL-REVISION-ADDITION, compared numerically. */
export const schemaVer = (version: string) => version.split('-').map(Number);

export const iglu: PlanFormat = {
  name: 'iglu',
  detect: (files) => files.length > 0 && files.every((f) => isIglu(f.data)),
  read(files: PlanFile[], report: ImportReport): ImportedUnit[] {
    return files.map(({ path, data }) => {
      const schema = data as Record<string, any>;
      const { vendor, name, version } = schema.self;
      const description = typeof schema.description === 'string' && schema.description.trim() ? schema.description.trim() : undefined;
      report.note(path, name, `Iglu ${vendor}/${name} ${version}: imported as a trackplan event (Snowplow may attach it as an entity; trackplan has no entities)`);
      return {
        kind: 'event' as const,
        name,
        description: `${description ?? 'Imported Snowplow schema.'} (Iglu ${vendor}/${name} ${version})`,
        sourceVersion: String(version),
        schema: { file: path, root: schema, pointer: '' },
        where: '',
      };
    });
  },
};
