import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { INSPECTOR_DEFAULTS, startInspector } from '../node/inspector';
import { parseArgs, UsageError, type Io } from './args';
import type { RuntimeCatalog } from '../core/types';
import { loadCatalog } from './load-catalog';

const MIB = 1024 * 1024;

export const INSPECT_HELP = `trackplan inspect --catalog <file> [--catalog <file> …] [--flag <key>=<value> …] [--port 4400] [--secret <s>] [--json] [--out events.jsonl]
                  [--keep ${INSPECTOR_DEFAULTS.keep}] [--keep-mb ${INSPECTOR_DEFAULTS.keepBytes / MIB}] [--body-limit-mb ${INSPECTOR_DEFAULTS.maxBodyBytes / MIB}]

A local event inspector on 127.0.0.1: point posthog-js, posthog-node and the webhook at it
(PostHog host = the inspector URL, webhook URL = <url>/webhook). Every event is checked against
the catalogs and shown live at the URL. --json prints each event as a JSON line; --out appends them to a file.
It keeps the newest --keep events and at most --keep-mb MiB of them; request bodies past
--body-limit-mb MiB (as sent or decompressed) get 413. Only http://127.0.0.1:<port> (or localhost)
is served; other sites' pages may send events to it but not read them.
/flags/?v=2 answers every catalog flag at its default; --flag new-onboarding=test (a variant, true,
false, or null for a missing flag) changes one, so posthog-js and posthog-node see that value.`;

/** `--flag key=value`, checked against the catalogs' flags. */
function flagOverride(text: string, catalogs: RuntimeCatalog[]): [string, string | boolean | null] {
  const match = /^([^=]+)=(.*)$/s.exec(text);
  if (!match) throw new UsageError(`--flag takes <key>=<value>, e.g. --flag new-onboarding=test (got ${JSON.stringify(text)})`);
  const [, key, raw] = match;
  const spec = catalogs.map((catalog) => catalog.flags?.[key]).find(Boolean);
  if (!spec) throw new UsageError(`--flag ${key}: no catalog declares the flag "${key}"`);
  const value = raw === 'null' ? null : spec.variants ? raw : raw === 'true' ? true : raw === 'false' ? false : undefined;
  if (value === undefined) throw new UsageError(`--flag ${key}: a boolean flag is true, false or null (got ${JSON.stringify(raw)})`);
  if (typeof value === 'string' && !spec.variants!.includes(value))
    throw new UsageError(`--flag ${key}: "${value}" is not one of its variants (${spec.variants!.join(', ')}), or null`);
  return [key, value];
}

/** A whole number from `min` to `max`, or a usage error naming the flag. */
function integerFlag(name: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) throw new UsageError(`--${name} must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`} (got ${JSON.stringify(value)})`);
  return number;
}

/** A positive size in MiB (decimals allowed), as bytes. */
function mebibytesFlag(name: string, value: string): number {
  const bytes = Math.floor(Number(value) * MIB);
  if (!/^\d+(\.\d+)?$/.test(value) || bytes < 1) throw new UsageError(`--${name} must be a positive number of MiB (got ${JSON.stringify(value)})`);
  return bytes;
}

export async function inspectCommand(argv: string[], io: Io): Promise<number> {
  const catalogs: string[] = [];
  const flagArgs: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--catalog') catalogs.push(argv[++i] ?? '');
    else if (argv[i] === '--flag') flagArgs.push(argv[++i] ?? '');
    else if (argv[i].startsWith('--flag=')) flagArgs.push(argv[i].slice('--flag='.length));
    else rest.push(argv[i]);
  }
  const { positionals, flags, switches } = parseArgs(rest, { flags: ['port', 'secret', 'out', 'keep', 'keep-mb', 'body-limit-mb'], switches: ['json'] });
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if (!catalogs.length || catalogs.some((c) => !c)) throw new UsageError('inspect needs at least one --catalog <file>');
  const limits = {
    port: flags.port === undefined ? undefined : integerFlag('port', flags.port, 0, 65535),
    keep: flags.keep === undefined ? undefined : integerFlag('keep', flags.keep, 1),
    keepBytes: flags['keep-mb'] === undefined ? undefined : mebibytesFlag('keep-mb', flags['keep-mb']),
    maxBodyBytes: flags['body-limit-mb'] === undefined ? undefined : mebibytesFlag('body-limit-mb', flags['body-limit-mb']),
  };
  const loaded = await Promise.all(catalogs.map((file) => loadCatalog(file, io.cwd)));
  const flagValues = Object.fromEntries(flagArgs.map((text) => flagOverride(text, loaded)));
  const inspector = await startInspector({
    catalogs: loaded,
    flags: flagValues,
    ...limits,
    secret: flags.secret,
    onEvent(event) {
      const line = JSON.stringify(event);
      if (switches.has('json')) io.out(line);
      if (flags.out) appendFileSync(resolve(io.cwd, flags.out), `${line}\n`);
    },
  });
  io.err(`trackplan inspector on ${inspector.url} (catalogs: ${loaded.map((c) => c.name).join(', ')}); Ctrl-C to stop`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await inspector.close();
  return 0;
}
