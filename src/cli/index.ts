#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, UsageError, type Io } from './args';
import { checkCatalog } from './check';
import { diffCatalogs, unversionedBreaks } from './diff';
import { generate } from './generate';
import { DISPATCH_HELP, dispatchCommand } from './dispatch';
import { INSPECT_HELP, inspectCommand } from './inspect';
import { catalogJson } from './json-schema-export';
import { loadCatalog, readCatalogJson, type CatalogJson } from './load-catalog';

const HELP: Record<string, string> = {
  main: `trackplan <command> [options]

Commands:
  generate <catalog.ts> --out <dir>   typed client, JSON Schema and event docs
  check <catalog.ts>                  lint the plan (naming, consistency, GA4, PostHog, privacy)
  diff <old catalog.json> <new>       classify changes as additive or breaking
  dispatch --catalog <file> ...       forward pending outbox rows (BatchTrack's dispatch-domain-events)
  inspect --catalog <file> ...        a local event inspector on 127.0.0.1 (default port 4400)

Run \`trackplan <command> --help\` for a command's options. Exit codes: 0 success, 1 findings, 2 usage error.`,
  generate: `trackplan generate <catalog.ts> --out <dir> [--target browser|node] [--schema-out <dir>] [--docs-out <dir>] [--check]

Writes <dir>/index.ts (the app's typed client, no zod at run time), JSON Schema per event plus
catalog.json (default schema/json/<catalog name>/) and docs/<catalog>-events.md (default docs/).
--target says which runtime the client runs in, so init() takes that runtime's options under any
moduleResolution (default browser; use node for a server).
--check writes nothing and exits 1 when a generated file is stale.`,
  check: `trackplan check <catalog.ts> [--json] [--strict]

Lints the plan: naming convention and duplicates, descriptions, one type per property name, GA4
fitness for events routed to GA4, PostHog $-names, properties that invite personal data.
Exits 1 on errors (and on warnings with --strict).`,
  diff: `trackplan diff <old catalog.json> <new catalog.ts|catalog.json> [--json]

Classifies every change as additive or breaking; exits 1 when a breaking change comes without a
bumped version on that event (or, for a removed event, on the catalog).`,
  dispatch: DISPATCH_HELP,
  inspect: INSPECT_HELP,
};

type Command = (argv: string[], io: Io) => Promise<number>;

const commands: Record<string, Command> = {
  async generate(argv, io) {
    const { positionals, flags, switches } = parseArgs(argv, { flags: ['out', 'schema-out', 'docs-out', 'target'], switches: ['check'] });
    if (positionals.length !== 1 || !flags.out) throw new UsageError('generate needs <catalog> and --out <dir>');
    const target = flags.target ?? 'browser';
    if (target !== 'browser' && target !== 'node') throw new UsageError(`--target must be browser or node (got ${JSON.stringify(target)})`);
    const result = await generate({ catalogFile: positionals[0], out: flags.out, schemaOut: flags['schema-out'], docsOut: flags['docs-out'], check: switches.has('check'), cwd: io.cwd, target });
    if (switches.has('check')) {
      if (result.stale.length) {
        io.err(`${positionals[0]}: generated files are stale, run \`trackplan generate ${argv.filter((a) => a !== '--check').join(' ')}\`:\n${result.stale.map((f) => `  ${f}`).join('\n')}`);
        return 1;
      }
      io.out(`${positionals[0]}: generated files are up to date`);
      return 0;
    }
    io.out(result.written.length ? `wrote:\n${result.written.map((f) => `  ${f}`).join('\n')}` : 'nothing changed');
    return 0;
  },
  async check(argv, io) {
    const { positionals, switches } = parseArgs(argv, { switches: ['json', 'strict'] });
    if (positionals.length !== 1) throw new UsageError('check needs exactly one <catalog>');
    const findings = checkCatalog(catalogJson(await loadCatalog(resolve(io.cwd, positionals[0]))));
    if (switches.has('json')) io.out(JSON.stringify({ file: positionals[0], findings }, null, 2));
    else
      for (const f of findings)
        io.out(`${positionals[0]}: ${f.severity} ${f.rule}${f.event ? ` [${f.event}]` : ''}${f.property ? ` ${f.property}` : ''}: ${f.message}\n  fix: ${f.fix}`);
    const failing = findings.filter((f) => f.severity === 'error' || switches.has('strict'));
    if (!switches.has('json')) io.out(`${positionals[0]}: ${findings.filter((f) => f.severity === 'error').length} error(s), ${findings.filter((f) => f.severity === 'warning').length} warning(s)`);
    return failing.length ? 1 : 0;
  },
  async diff(argv, io) {
    const { positionals, switches } = parseArgs(argv, { switches: ['json'] });
    if (positionals.length !== 2) throw new UsageError('diff needs <old catalog.json> <new catalog.ts|catalog.json>');
    const before = readCatalogJson(resolve(io.cwd, positionals[0]));
    const after: CatalogJson = positionals[1].endsWith('.json') ? readCatalogJson(resolve(io.cwd, positionals[1])) : catalogJson(await loadCatalog(resolve(io.cwd, positionals[1])));
    const changes = diffCatalogs(before, after);
    const unversioned = unversionedBreaks(before, after, changes);
    if (switches.has('json')) io.out(JSON.stringify({ changes, unversioned }, null, 2));
    else {
      for (const c of changes) io.out(`${c.kind.padEnd(8)} ${c.event}${c.property ? `.${c.property}` : ''}: ${c.message}`);
      for (const c of unversioned) io.err(`${positionals[1]}: breaking change to "${c.event}" without a version bump: ${c.property ? `${c.property} ` : ''}${c.message}; bump ${after.events[c.event] ? `the event's version (now ${after.events[c.event].version})` : `the catalog's version (now ${after.version})`}`);
      io.out(`${changes.filter((c) => c.kind === 'additive').length} additive, ${changes.filter((c) => c.kind === 'breaking').length} breaking, ${unversioned.length} unversioned`);
    }
    return unversioned.length ? 1 : 0;
  },
  dispatch: (argv, io) => dispatchCommand(argv, io),
  inspect: (argv, io) => inspectCommand(argv, io),
};

/** The CLI, callable in-process (tests) or from the bin. Returns the exit code. */
export async function main(argv: string[], io: Io = { out: (t) => console.log(t), err: (t) => console.error(t), cwd: process.cwd() }): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    io.out(HELP.main);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    io.err(`trackplan: unknown command "${name}"\n\n${HELP.main}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(HELP[name] ?? HELP.main);
    return 0;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`trackplan ${name}: ${error.message}\n\n${HELP[name] ?? ''}`.trimEnd());
      return 2;
    }
    io.err(`trackplan ${name}: ${(error as Error).message}`);
    return 1;
  }
}

const invokedDirectly = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (invokedDirectly) void main(process.argv.slice(2)).then((code) => process.exit(code));
