import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startInspector } from '../node/inspector';
import { UsageError, type Io } from './args';
import { loadCatalog } from './load-catalog';

export const INSPECT_HELP = `trackplan inspect --catalog <file> [--catalog <file> …] [--port 4400] [--secret <s>] [--json] [--out events.jsonl] [--keep 5000]

A local event inspector on 127.0.0.1: point posthog-js, posthog-node and the webhook at it
(PostHog host = the inspector URL, webhook URL = <url>/webhook). Every event is checked against
the catalogs and shown live at the URL. --json prints each event as a JSON line; --out appends them to a file.`;

export async function inspectCommand(argv: string[], io: Io): Promise<number> {
  const catalogs: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--catalog') catalogs.push(argv[++i] ?? '');
    else rest.push(argv[i]);
  }
  const flags: Record<string, string> = {};
  const switches = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const name = rest[i].replace(/^--/, '');
    if (name === 'json') switches.add(name);
    else if (['port', 'secret', 'out', 'keep'].includes(name) && rest[i + 1] !== undefined) flags[name] = rest[++i];
    else throw new UsageError(`unknown option ${rest[i]}`);
  }
  if (!catalogs.length || catalogs.some((c) => !c)) throw new UsageError('inspect needs at least one --catalog <file>');
  const loaded = await Promise.all(catalogs.map((file) => loadCatalog(file, io.cwd)));
  const inspector = await startInspector({
    catalogs: loaded,
    port: flags.port === undefined ? 4400 : Number(flags.port),
    secret: flags.secret,
    keep: flags.keep ? Number(flags.keep) : undefined,
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
