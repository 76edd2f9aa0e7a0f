// What a generated client loads with import() at init(): the browser tracker and the catalog builders.
export { defineCompiledCatalog } from '../core/catalog';
export { compileFlagPayload, compileJsonSchema } from '../core/json-schema';
export { createTracker } from './tracker';
