// `trackplan/client` on Node: the runtime behind generated clients, with the tracker made at once
// by init() (so AsyncLocalStorage request scopes and configuration errors behave as with createTracker).
import { defineCompiledCatalog, type Catalog } from '../core/catalog';
import { createClient, type CatalogCompiler, type GeneratedClient } from '../core/client';
import { compileFlagPayload, compileJsonSchema } from '../core/json-schema';
import { createTracker } from '../node/tracker';
import type { ClientFlagDefaults } from './browser-flags';
import { nodeClientFlags } from './node-flags';

export type { CatalogCompiler, GeneratedClient, GeneratedClientStats } from '../core/client';
export type { ClientFlagDefaults } from './browser-flags';

const runtime = { createTracker, compileJsonSchema, compileFlagPayload, defineCompiledCatalog };

/** The module API of a generated client: `compileCatalog` builds its zod-free catalog from the runtime. */
export function createGeneratedClient<C extends Catalog<any, any, any>, T, O>(compileCatalog: (compiler: CatalogCompiler) => C, flags?: ClientFlagDefaults): GeneratedClient<C, T, O> {
  let compiled: C | undefined;
  return createClient<C, T, O>(compileCatalog, () => runtime, flags ? nodeClientFlags(() => (compiled ??= compileCatalog(runtime))) : undefined);
}
