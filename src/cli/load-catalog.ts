import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ZodCatalog } from '../core/catalog';
import { UsageError } from './args';

export type LoadedCatalog = ZodCatalog<any, any, any>;

/** A `defineCatalog()` result: checked deep enough that the CLI can read every event it lists. */
function isCatalog(value: unknown): value is LoadedCatalog {
  if (!isObject(value) || typeof value.name !== 'string' || typeof value.version !== 'number') return false;
  if (!isObject(value.events) || !isObject(value.definition) || !isObject(value.definition.events)) return false;
  return Object.values(value.events).every((event) => isObject(event) && typeof event.description === 'string' && Array.isArray(event.piiAllow) && typeof event.validate === 'function');
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Loads a catalog module (TS or JS): its default export, a named `catalog`, or its only catalog export.
 * `file` is resolved against `cwd` and named as given in messages.
 */
export async function loadCatalog(file: string, cwd: string = process.cwd()): Promise<LoadedCatalog> {
  const path = resolve(cwd, file);
  let module: Record<string, unknown>;
  try {
    module = /\.[cm]?tsx?$/.test(path) ? await importTypeScript(file, path) : ((await import(pathToFileURL(path).href)) as Record<string, unknown>);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file}: cannot load the catalog module: ${(error as Error).message}`);
  }
  const candidates = [module, module?.default, module?.catalog];
  for (const candidate of candidates) if (isCatalog(candidate)) return candidate;
  const exported = Object.values(module ?? {}).filter(isCatalog);
  if (exported.length === 1) return exported[0];
  if (exported.length > 1) throw new UsageError(`${file}: found ${exported.length} catalogs among its exports; export the one to use as the default export or as \`catalog\`.`);
  throw new UsageError(`${file}: expected the default export (or an export named \`catalog\`) to be defineCatalog(...); ${describeExports(module)}.`);
}

/**
 * A TypeScript catalog goes through jiti, an optional peer: only the CLI needs it, so apps that
 * install trackplan for the browser do not install it.
 */
async function importTypeScript(file: string, path: string): Promise<Record<string, unknown>> {
  let createJiti: typeof import('jiti').createJiti;
  try {
    ({ createJiti } = await import('jiti'));
  } catch {
    throw new UsageError(`${file}: loading a TypeScript catalog needs jiti, an optional peer dependency of trackplan's CLI. Install it (npm i -D jiti) or point the CLI at a compiled .js catalog.`);
  }
  const jiti = createJiti(import.meta.url, { interopDefault: true, moduleCache: false });
  return (await jiti.import(path)) as Record<string, unknown>;
}

/** What the module exported instead of a catalog, in words. */
function describeExports(module: Record<string, unknown> | undefined): string {
  // Own keys only: the interop proxy answers `default` for a module that has none.
  const keys = Object.keys(module ?? {});
  const names = keys.filter((key) => key !== 'default' && key !== '__esModule');
  const [label, value] = keys.includes('default') ? ['its default export is', module?.default] : keys.includes('catalog') ? ['its export `catalog` is', module?.catalog] : [undefined, undefined];
  if (!label) return names.length ? `it has no default export and exports ${listOf(names)}` : 'it exports nothing';
  const looksLikeDefinition = isObject(value) && 'name' in value && 'events' in value && !('definition' in value);
  return `${label} ${describeValue(value)}${looksLikeDefinition ? ': wrap that object in defineCatalog({ ... }) from trackplan' : ''}`;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length} item(s)`;
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (isObject(value)) {
    const keys = Object.keys(value);
    return keys.length ? `an object with keys ${listOf(keys)}` : 'an empty object';
  }
  return `a ${typeof value} (${String(value).slice(0, 40)})`;
}

const listOf = (names: string[]) => (names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', '));

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
  /** The naming rule for event names, when the catalog sets one (default: snake_case or dotted, lowercase). */
  naming?: { events?: 'snake' | 'dotted' | 'snake-or-dotted' | 'any' };
  /** Feature flags; payload schemas by the value they apply to (`*`: every value). Absent without flags. */
  flags?: Record<string, { description: string; variants?: string[]; default: string | boolean; attachPayload?: boolean; payload?: Record<string, Record<string, any>> }>;
  /** Funnels (`defineFunnel`), compiled. Absent without funnels. */
  funnels?: Record<string, import('../core/funnels').FunnelSpec>;
  /** Metrics (`timeToFirst`, `activation`, ...), compiled. Absent without metrics. */
  metrics?: Record<string, import('../core/metrics').MetricSpec>;
}
