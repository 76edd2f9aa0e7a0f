// `trackplan/client` in the browser: what a page loads up front is this queue and the generated
// typed functions; the tracker runtime and the compiled catalog load with import() at init().
import type { Catalog } from '../core/catalog';
import { createClient, type CatalogCompiler, type GeneratedClient } from '../core/client';
import { browserClientFlags, type ClientFlagDefaults } from './browser-flags';

export type { CatalogCompiler, GeneratedClient, GeneratedClientStats } from '../core/client';
export type { ClientFlagDefaults } from './browser-flags';

/**
 * The module API of a generated client: `compileCatalog` builds its zod-free catalog from the runtime;
 * `flags` (catalogs with flags) gives each flag's default and variants, read before the runtime loads.
 */
export function createGeneratedClient<C extends Catalog<any, any, any>, T, O>(compileCatalog: (compiler: CatalogCompiler) => C, flags?: ClientFlagDefaults): GeneratedClient<C, T, O> {
  return createClient<C, T, O>(compileCatalog, () => import('../browser/runtime'), flags ? browserClientFlags(flags) : undefined);
}
