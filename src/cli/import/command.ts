import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs, UsageError, type Io } from '../args';
import { FORMAT_NAMES, importPlan, type FormatName } from './index';

export const IMPORT_HELP = `trackplan import <plan file or folder> --out <catalog.ts> [--format <f>] [--name <catalog name>] [--force]

Turns a tracking plan into one zod catalog module (defineCatalog) that check, generate and track use.
--format is detected when omitted:
  segment      Segment Protocols: Public API (rules[]), Config API (rules.events[]), v6 local ({ name, events[] })
  rudderstack  RudderStack tracking plan JSON, or a rudder-iac YAML project folder
  iglu         Snowplow Iglu self-describing schemas (a file or a folder)
  ampli        Amplitude Ampli schema.json, Iteratively plans
  mparticle    mParticle data plans (version_document.data_points)
  jsonschema   one JSON Schema per event (a file or a folder)
Event keys are the source's wire names. Open events (additionalProperties not false) get open: true.
Prints a report: events imported, constructs mapped with a loss (and why), constructs refused (file
and JSON pointer). Exit codes: 0 imported faithfully, 1 something mapped with a loss or refused,
2 usage error. An existing --out file is replaced only with --force.`;

export async function importCommand(argv: string[], io: Io): Promise<number> {
  const { positionals, flags, switches } = parseArgs(argv, { flags: ['out', 'format', 'name'], switches: ['force'] });
  if (positionals.length !== 1 || !flags.out) throw new UsageError('import needs <plan file or folder> and --out <catalog.ts>');
  if (flags.format && !FORMAT_NAMES.includes(flags.format as FormatName)) throw new UsageError(`--format must be one of ${FORMAT_NAMES.join(', ')} (got ${JSON.stringify(flags.format)})`);
  const out = resolve(io.cwd, flags.out);
  if (existsSync(out) && !switches.has('force')) throw new UsageError(`${flags.out} exists; pass --force to replace it`);
  const result = importPlan({ input: resolve(io.cwd, positionals[0]), display: positionals[0], format: flags.format as FormatName | undefined, name: flags.name });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, result.source);
  io.out(`${positionals[0]} (${result.format}) -> ${flags.out}\n${result.report.format()}`);
  return result.report.exitCode;
}
