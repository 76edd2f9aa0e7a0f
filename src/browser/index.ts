export { defineCatalog, defineEvent, defineCompiledCatalog } from '../core/catalog';
export type { Catalog, ZodCatalog, EventDefinition, CatalogDefinition, EventNameOf, PropsOf, PersonOf, GroupsOf, DestinationName } from '../core/catalog';
export { compileJsonSchema, type JsonSchema } from '../core/json-schema';
export { TrackplanError, TrackplanConfigError, CatalogViolationError, isTrackplanError } from '../core/errors';
export type * from '../core/types';
export type { TrackCallOptions, ValidationMode } from '../core/pipeline';
export type { SharedTrackerOptions } from '../core/tracker';
export { renderSnippets, injectSnippets, type SnippetOptions } from '../core/snippets';
export { createTracker, type BrowserTracker, type BrowserTrackerOptions } from './tracker';
