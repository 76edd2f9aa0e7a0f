/** The catalog as JSON Schema: one schema per event (draft 2020-12), person and groups beside them. */
import { objectJsonSchema } from '../json-schema-export';
import type { LoadedCatalog } from '../load-catalog';
import { cleanSchema } from './json-schema-clean';

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

export function jsonSchemaDocument(catalog: LoadedCatalog): Record<string, unknown> {
  const definition = catalog.definition as { events: Record<string, { open?: boolean; properties?: unknown }>; person?: unknown; groups?: Record<string, unknown> };
  const events: Record<string, unknown> = {};
  for (const [name, event] of Object.entries(catalog.events)) {
    const source = definition.events[name];
    const schema = cleanSchema(objectJsonSchema(source.properties));
    schema.additionalProperties = source.open === true;
    events[name] = { $schema: DRAFT, $id: `trackplan:${catalog.name}/${name}@${event.version}`, title: name, description: event.description, 'x-trackplan-version': event.version, ...schema };
  }
  return {
    $schema: DRAFT,
    title: catalog.name,
    'x-trackplan-version': catalog.version,
    ...(definition.person ? { person: cleanSchema(objectJsonSchema(definition.person)) } : {}),
    groups: Object.fromEntries(Object.entries(definition.groups ?? {}).map(([type, schema]) => [type, cleanSchema(objectJsonSchema(schema))])),
    events,
  };
}
