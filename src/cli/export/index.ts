import { UsageError, type Io } from '../args';
import { POSTHOG_INSIGHTS_HELP, posthogInsightsCommand } from './posthog-insights';

/** One `trackplan export <target>` subcommand: its one-line summary, its help and how it runs. */
export interface ExportSubcommand {
  summary: string;
  help: string;
  run(argv: string[], io: Io): Promise<number>;
}

/** The export targets. Add a target here: the router, `--help` and the usage message follow. */
export const EXPORT_SUBCOMMANDS: Record<string, ExportSubcommand> = {
  'posthog-insights': {
    summary: 'funnels and metrics as PostHog insights (files, or --push to a project)',
    help: POSTHOG_INSIGHTS_HELP,
    run: (argv, io) => posthogInsightsCommand(argv, io),
  },
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
