/**
 * `trackplan import`: a plan in a vendor's format to one zod catalog module, with a report of what
 * was imported, what was mapped with a loss, and what was refused.
 */
import { basename, extname } from 'node:path';
import { UsageError } from '../args';
import { writeCatalog } from './catalog-source';
import { ampli } from './formats/ampli';
import { iglu } from './formats/iglu';
import { jsonschema } from './formats/jsonschema';
import { mparticle } from './formats/mparticle';
import { rudderstack } from './formats/rudderstack';
import { segment } from './formats/segment';
import { readPlanFiles } from './input';
import { ImportReport } from './report';
import type { FormatName, ImportedUnit, PlanFile, PlanFormat } from './types';

export { ImportReport } from './report';
export type { FormatName } from './types';

/** In detection order: the most specific shapes first, bare JSON Schema last. */
export const FORMATS: readonly PlanFormat[] = [rudderstack, iglu, mparticle, ampli, segment, jsonschema];
export const FORMAT_NAMES = FORMATS.map((f) => f.name);

export interface ImportOptions {
  /** The plan file or folder (absolute, or relative to the process). */
  input: string;
  /** How the input is named in messages and the report. Default: `input`. */
  display?: string;
  format?: FormatName;
  /** The catalog's name (a slug). Default: from the input's file or folder name. */
  name?: string;
}

export interface ImportResult {
  format: FormatName;
  source: string;
  events: string[];
  /** What the format read, before the catalog was written (tests compare them with the catalog). */
  units: ImportedUnit[];
  report: ImportReport;
}

export function detectFormat(files: PlanFile[]): PlanFormat | undefined {
  return FORMATS.find((format) => format.detect(files));
}

const slug = (text: string) => text.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '') || 'imported';

export function importPlan(options: ImportOptions): ImportResult {
  const display = options.display ?? options.input;
  const report = new ImportReport();
  const all = readPlanFiles(options.input, display);
  for (const file of all) if (file.error) report.refused(file.path, undefined, undefined, file.error);
  const files = all.filter((f) => !f.error);
  if (!files.length) throw new UsageError(`${display}: no plan file to import`);
  let format: PlanFormat | undefined;
  if (options.format) {
    format = FORMATS.find((f) => f.name === options.format);
    if (!format) throw new UsageError(`--format must be one of ${FORMAT_NAMES.join(', ')} (got ${JSON.stringify(options.format)})`);
  } else {
    format = detectFormat(files);
    if (!format)
      throw new UsageError(`${display}: the format is not recognised (${FORMAT_NAMES.join(', ')}); pass --format, or check that the file is a tracking plan`);
  }
  const units = format.read(files, report);
  const name = slug(options.name ?? basename(display, extname(display)));
  const { source, events } = writeCatalog(units, { name, origin: `${display} (${format.name})` }, report);
  return { format: format.name, source, events, units, report };
}
