// `trackplan`: what runs everywhere (catalog helpers, snippets, errors, types). Trackers come from
// `trackplan/node` and `trackplan/browser`, so an app gets the types of the runtime it runs in.
export { defineCatalog, defineEvent, defineCompiledCatalog, IMPORTED_DESCRIPTION_PLACEHOLDER, IMPORTED_PROPERTY_DESCRIPTION_PLACEHOLDER } from './core/catalog';
export type { Catalog, ZodCatalog, EventDefinition, CatalogDefinition, EventNameOf, PropsOf, PersonOf, GroupsOf, GroupTypeOf, DestinationName } from './core/catalog';
export { defineFlag } from './core/flags';
export { defineFunnel, type FunnelDefinition, type FunnelSpec, type ReportUnit } from './core/funnels';
export { timeToFirst, timeToNth, activation, retention, revenueSeries, metricEvents, type MetricDefinition, type MetricSpec, type MetricKind } from './core/metrics';
export type { EventRef, WhereValue } from './core/event-ref';
export type { Duration } from './core/duration';
export type { DefinedFlag, FlagsSnapshot, FlagStats, FlagsBootstrap, FlagFallbackReason, RuntimeFlagSpec, CompiledFlag } from './core/flags';
export type { FlagsOf, FlagKeyOf } from './core/catalog';
export { compileFlagPayload, compileJsonSchema, type JsonSchema } from './core/json-schema';
export type { CatalogCompiler, GeneratedClient, GeneratedClientStats } from './core/client';
export { createErrorTracker, type ErrorTracker, type ErrorContext } from './core/error-tracking';
export { TrackplanError, TrackplanConfigError, CatalogViolationError, DeliveryError, isTrackplanError, type DeliveryErrorDetails } from './core/errors';
export { DROP_REASONS, isDropReason } from './core/drop-reasons';
export type * from './core/types';
export type { TrackCallOptions, ValidationMode } from './core/pipeline';
export type { SharedTrackerOptions } from './core/tracker';
export type { Tracker, TrackArgs, IdentifyOptions, GroupOptions, PersonTraits, GroupProps } from './core/typed';
export { renderSnippets, type SnippetOptions } from './core/snippets';
