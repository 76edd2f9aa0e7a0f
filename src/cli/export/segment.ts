/** The catalog as a Segment Protocols tracking plan, in the Public API shape (`rules[]` with `key`, `type`, `version`, `jsonSchema`). */
import { objectJsonSchema } from '../json-schema-export';
import type { LoadedCatalog } from '../load-catalog';
import { cleanSchema } from './json-schema-clean';

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
const PLACEHOLDER = /^TODO: describe this event \(imported without a description\)$/;

export function segmentPlan(catalog: LoadedCatalog): Record<string, unknown> {
  const definition = catalog.definition as { events: Record<string, { open?: boolean; properties?: unknown }>; person?: unknown; groups?: Record<string, unknown> };
  const rules: Record<string, unknown>[] = [];
  const rule = (type: string, key: string, version: number, schema: Record<string, any>, description?: string) =>
    rules.push({
      key,
      type,
      version,
      jsonSchema: { $schema: DRAFT_07, ...(description && !PLACEHOLDER.test(description) ? { description } : {}), eventMetadata: { name: key, type }, ...schema },
    });
  if (definition.person) rule('IDENTIFY', 'identify', 1, cleanSchema(objectJsonSchema(definition.person)));
  for (const [type, schema] of Object.entries(definition.groups ?? {})) rule('GROUP', type, 1, cleanSchema(objectJsonSchema(schema)));
  for (const [name, event] of Object.entries(catalog.events)) {
    const source = definition.events[name];
    const schema = cleanSchema(objectJsonSchema(source.properties));
    if (source.open) schema.additionalProperties = true;
    else schema.additionalProperties = false;
    rule('TRACK', name, event.version, schema, event.description);
  }
  return { name: catalog.name, description: `Exported by trackplan from the catalog "${catalog.name}" (version ${catalog.version}).`, rules };
}
