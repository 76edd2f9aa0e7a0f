import * as z from 'zod';
import type { JsonSchema } from '../core/json-schema';
import type { Finding } from './check';
import type { CatalogJson, LoadedCatalog } from './load-catalog';

/** The OpenFeature CLI manifest schema `flags.json` follows. */
export const OPENFEATURE_MANIFEST_SCHEMA = 'https://raw.githubusercontent.com/open-feature/cli/main/schema/v0/flag-manifest.json';

type FlagDefinitions = Record<string, { description: string; variants?: readonly string[]; default: string | boolean; payload?: unknown; attachPayload?: boolean }>;

const definitionsOf = (catalog: LoadedCatalog): FlagDefinitions => (catalog.definition.flags ?? {}) as FlagDefinitions;

function isSchema(value: unknown): value is z.ZodType {
  return typeof (value as { safeParse?: unknown } | null)?.safeParse === 'function';
}

/** A payload's schemas by the value they apply to (`*`: every value). */
function payloadSchemas(payload: unknown): Record<string, z.ZodType> {
  if (payload === undefined) return {};
  if (isSchema(payload)) return { '*': payload };
  return Object.fromEntries(Object.entries(payload as Record<string, unknown>).filter(([, schema]) => isSchema(schema))) as Record<string, z.ZodType>;
}

function payloadJsonSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** The catalog's flags as JSON, for `catalog.json` (payload schemas as JSON Schema, by value). */
export function flagsJson(catalog: LoadedCatalog): CatalogJson['flags'] {
  const definitions = definitionsOf(catalog);
  if (!Object.keys(definitions).length) return undefined;
  const out: NonNullable<CatalogJson['flags']> = {};
  for (const [key, flag] of Object.entries(definitions)) {
    const schemas = payloadSchemas(flag.payload);
    out[key] = {
      description: flag.description,
      ...(flag.variants ? { variants: [...flag.variants] } : {}),
      default: flag.default,
      ...(flag.attachPayload ? { attachPayload: true } : {}),
      ...(Object.keys(schemas).length ? { payload: Object.fromEntries(Object.entries(schemas).map(([value, schema]) => [value, payloadJsonSchema(schema)])) } : {}),
    };
  }
  return out;
}

/**
 * `flags.json` as an OpenFeature CLI manifest (`flagType`, `defaultValue`, `description`), so
 * `openfeature generate` gives Python, Go, Java… typed accessors from the same declaration.
 */
export function openFeatureManifest(catalog: LoadedCatalog): { $schema: string; flags: Record<string, { flagType: 'boolean' | 'string'; defaultValue: string | boolean; description: string }> } | undefined {
  const definitions = definitionsOf(catalog);
  if (!Object.keys(definitions).length) return undefined;
  const flags: Record<string, { flagType: 'boolean' | 'string'; defaultValue: string | boolean; description: string }> = {};
  for (const [key, flag] of Object.entries(definitions)) flags[key] = { flagType: flag.variants ? 'string' : 'boolean', defaultValue: flag.default, description: flag.description };
  return { $schema: OPENFEATURE_MANIFEST_SCHEMA, flags };
}

const KEY_STYLE = /^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$/;

/** `NewCheckout` -> `new-checkout`: words split at case changes and separators, lower case. */
function suggestedKey(key: string, separator: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  return words.join(separator).replace(/^[0-9]+/, '');
}

/**
 * Lints the catalog's flags: key naming, and payload schemas that JSON cannot carry (PostHog stores
 * payloads as JSON). A default outside the variants never gets here: `defineCatalog` refuses it.
 */
export function checkFlags(catalog: LoadedCatalog): Finding[] {
  const findings: Finding[] = [];
  const definitions = definitionsOf(catalog);
  const keys = Object.keys(definitions);
  const dashed = keys.filter((key) => key.includes('-')).length;
  const underscored = keys.filter((key) => key.includes('_')).length;
  const separator = dashed >= underscored ? '-' : '_';
  for (const key of keys) {
    if (!KEY_STYLE.test(key))
      findings.push({ severity: 'error', rule: 'flags/naming', event: key, message: `flag key "${key}" is not lower case words joined by "-" or "_"`, fix: `rename it to "${suggestedKey(key, separator)}" (in PostHog too)` });
    else if (key.includes(separator === '-' ? '_' : '-'))
      findings.push({ severity: 'warning', rule: 'flags/naming', event: key, message: `flag key "${key}" breaks the catalog's "${separator}" convention`, fix: `rename it to "${key.replace(/[-_]/g, separator)}" (in PostHog too)` });
    const flag = definitions[key];
    if (flag.variants && !flag.variants.includes(flag.default as string))
      findings.push({ severity: 'error', rule: 'flags/default', event: key, message: `default ${JSON.stringify(flag.default)} is not one of its variants`, fix: `make the default one of ${flag.variants.join(', ')}` });
    for (const [value, schema] of Object.entries(payloadSchemas(flag.payload))) {
      try {
        z.toJSONSchema(schema, { io: 'input', unrepresentable: 'throw' });
      } catch (error) {
        findings.push({
          severity: 'error',
          rule: 'flags/payload-json',
          event: key,
          property: value === '*' ? undefined : value,
          message: `the payload schema${value === '*' ? '' : ` for "${value}"`} is not JSON (${(error as Error).message.split('\n')[0]}); PostHog stores and serves payloads as JSON`,
          fix: 'use JSON types only: strings (ISO dates instead of z.date()), numbers instead of bigints, arrays and plain objects instead of Map or Set',
        });
      }
    }
  }
  return findings;
}
