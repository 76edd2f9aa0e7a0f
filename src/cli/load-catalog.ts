import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createJiti } from 'jiti';
import type { ZodCatalog } from '../core/catalog';
import { UsageError } from './args';

export type LoadedCatalog = ZodCatalog<any, any, any>;

function isCatalog(value: unknown): value is LoadedCatalog {
  return typeof value === 'object' && value !== null && 'events' in value && 'name' in value && 'definition' in value;
}

/** Loads a catalog module (TS or JS): its default export, a named `catalog`, or its only catalog export. */
export async function loadCatalog(file: string): Promise<LoadedCatalog> {
  const path = resolve(file);
  const jiti = createJiti(import.meta.url, { interopDefault: true, moduleCache: false });
  let module: Record<string, unknown>;
  try {
    module = (await jiti.import(path)) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`${file}: cannot load the catalog module: ${(error as Error).message}`);
  }
  const candidates = [module, module?.default, module?.catalog];
  for (const candidate of candidates) if (isCatalog(candidate)) return candidate;
  const exported = Object.values(module ?? {}).filter(isCatalog);
  if (exported.length === 1) return exported[0];
  throw new UsageError(`${file}: export a catalog from defineCatalog() as the default export or as \`catalog\`${exported.length > 1 ? ` (found ${exported.length} catalogs)` : ''}.`);
}

/** Reads a `catalog.json` written by `trackplan generate`. */
export function readCatalogJson(file: string): CatalogJson {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CatalogJson;
  } catch (error) {
    throw new UsageError(`${file}: not a readable catalog.json (${(error as Error).message})`);
  }
}

export interface CatalogJson {
  $schema?: string;
  name: string;
  version: number;
  person?: Record<string, unknown>;
  groups: Record<string, Record<string, unknown>>;
  events: Record<string, { description: string; version: number; destinations?: string[]; revenue?: { amount: string; currency?: string }; piiAllow: string[]; properties: Record<string, any> }>;
}
