/** `trackplan export <target> <catalog>`: a table of targets, each a function of the loaded catalog. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, UsageError, type Io } from '../args';
import { loadCatalog, type LoadedCatalog } from '../load-catalog';
import { jsonSchemaDocument } from './jsonschema';
import { segmentPlan } from './segment';

interface ExportTarget {
  summary: string;
  run(catalog: LoadedCatalog): unknown;
}

export const EXPORT_TARGETS: Record<string, ExportTarget> = {
  segment: { summary: 'a Segment Protocols tracking plan (Public API shape: rules[] with key, type, version, jsonSchema)', run: segmentPlan },
  jsonschema: { summary: 'the catalog as JSON Schema (one draft 2020-12 schema per event, person and groups)', run: jsonSchemaDocument },
};

export const EXPORT_HELP = `trackplan export <target> <catalog.ts> [--out <file>]

Targets:
${Object.entries(EXPORT_TARGETS).map(([name, t]) => `  ${name.padEnd(11)} ${t.summary}`).join('\n')}
Writes JSON to --out, or to standard output.`;

export async function exportCommand(argv: string[], io: Io): Promise<number> {
  const { positionals, flags } = parseArgs(argv, { flags: ['out'] });
  const [target, catalogFile] = positionals;
  if (positionals.length !== 2) throw new UsageError('export needs <target> and <catalog>');
  const spec = EXPORT_TARGETS[target];
  if (!spec) throw new UsageError(`unknown export target "${target}" (${Object.keys(EXPORT_TARGETS).join(', ')})`);
  const catalog = await loadCatalog(catalogFile, io.cwd);
  const json = `${JSON.stringify(spec.run(catalog), null, 2)}\n`;
  if (flags.out) {
    writeFileSync(resolve(io.cwd, flags.out), json);
    io.out(`wrote ${flags.out}`);
  } else io.out(json.trimEnd());
  return 0;
}
