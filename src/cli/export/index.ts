import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, UsageError, type Io } from '../args';
import { loadCatalog, type LoadedCatalog } from '../load-catalog';
import { jsonSchemaDocument } from './jsonschema';
import { POSTHOG_INSIGHTS_HELP, posthogInsightsCommand } from './posthog-insights';
import { segmentPlan } from './segment';

/** One `trackplan export <target>` subcommand: its one-line summary, its help and how it runs. */
export interface ExportSubcommand {
  summary: string;
  help: string;
  run(argv: string[], io: Io): Promise<number>;
}

/** A target that turns the loaded catalog into one JSON document, written to --out or standard output. */
function catalogDocument(target: string, summary: string, toDocument: (catalog: LoadedCatalog) => unknown): ExportSubcommand {
  return {
    summary,
    help: `trackplan export ${target} <catalog.ts> [--out <file>]\n\n${summary}.\nWrites JSON to --out, or to standard output.`,
    async run(argv, io) {
      const { positionals, flags } = parseArgs(argv, { flags: ['out'] });
      if (positionals.length !== 1) throw new UsageError(`export ${target} needs exactly one <catalog>`);
      const json = `${JSON.stringify(toDocument(await loadCatalog(positionals[0], io.cwd)), null, 2)}\n`;
      if (flags.out) {
        writeFileSync(resolve(io.cwd, flags.out), json);
        io.out(`wrote ${flags.out}`);
      } else io.out(json.trimEnd());
      return 0;
    },
  };
}

/** The export targets. Add a target here: the router, `--help` and the usage message follow. */
export const EXPORT_SUBCOMMANDS: Record<string, ExportSubcommand> = {
  'posthog-insights': {
    summary: 'funnels and metrics as PostHog insights (files, or --push to a project)',
    help: POSTHOG_INSIGHTS_HELP,
    run: (argv, io) => posthogInsightsCommand(argv, io),
  },
  segment: catalogDocument('segment', 'a Segment Protocols tracking plan (Public API shape: rules[] with key, type, version, jsonSchema)', segmentPlan),
  jsonschema: catalogDocument('jsonschema', 'the catalog as JSON Schema (one draft 2020-12 schema per event, person and groups)', jsonSchemaDocument),
};

export function exportHelp(): string {
  const width = Math.max(...Object.keys(EXPORT_SUBCOMMANDS).map((name) => name.length));
  const lines = Object.entries(EXPORT_SUBCOMMANDS).map(([name, sub]) => `  ${name.padEnd(width)}  ${sub.summary}`);
  return `trackplan export <target> ...\n\nTargets:\n${lines.join('\n')}\n\nRun \`trackplan export <target> --help\` for a target's options.`;
}

/** `trackplan export <target> ...`: dispatches to the target's subcommand. */
export async function exportCommand(argv: string[], io: Io): Promise<number> {
  const [target, ...rest] = argv;
  if (!target || target.startsWith('-')) throw new UsageError('export needs a target');
  const sub = EXPORT_SUBCOMMANDS[target];
  if (!sub) throw new UsageError(`unknown export target "${target}" (known: ${Object.keys(EXPORT_SUBCOMMANDS).join(', ')})`);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(sub.help);
    return 0;
  }
  return sub.run(rest, io);
}
