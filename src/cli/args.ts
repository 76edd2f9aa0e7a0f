/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
}

/** `--flag value`, `--flag=value`, `--switch` and positionals; unknown flags are usage errors. */
export function parseArgs(argv: string[], spec: { flags?: string[]; switches?: string[] }): { positionals: string[]; flags: Record<string, string>; switches: Set<string> } {
  const positionals: string[] = [];
  const flags: Record<string, string> = {};
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (spec.switches?.includes(name)) switches.add(name);
    else if (spec.flags?.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      flags[name] = value;
    } else throw new UsageError(`unknown option --${name}`);
  }
  return { positionals, flags, switches };
}
