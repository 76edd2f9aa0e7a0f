import { execFileSync, execSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let started: string | undefined;

/**
 * A PostgreSQL URL for tests: TRACKPLAN_TEST_DATABASE_URL (set by .ci/run), else a throwaway
 * cluster started here when the server binaries exist and we may run them as `postgres`,
 * else undefined (the suite says so and skips the server half).
 */
export function postgresUrl(): string | undefined {
  if (process.env.TRACKPLAN_TEST_DATABASE_URL) return process.env.TRACKPLAN_TEST_DATABASE_URL;
  if (started) return started;
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort() : [];
  const bin = versions.length ? `/usr/lib/postgresql/${versions.at(-1)}/bin` : undefined;
  if (!bin || !existsSync(`${bin}/initdb`) || process.getuid?.() !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'trackplan-pg-'));
  execSync(`chown postgres:postgres ${dir}`);
  const port = 55000 + Math.floor(Math.random() * 5000);
  const asPostgres = (command: string) => execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', command], { stdio: 'ignore' });
  asPostgres(`${bin}/initdb -D ${dir}/data -U postgres --auth=trust -E UTF8`);
  asPostgres(`${bin}/pg_ctl -D ${dir}/data -o "-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off" -l ${dir}/log -w start`);
  process.on('exit', () => {
    try {
      asPostgres(`${bin}/pg_ctl -D ${dir}/data -m immediate stop`);
    } catch {
      // already gone
    }
  });
  void chownSync;
  started = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return started;
}
