/** Reads the plan: one file, or every plan file under a folder (JSON, YAML, and Iglu's extension-less schema files). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { UsageError } from '../args';
import type { PlanFile } from './types';

const SKIP = /\.(md|txt|ts|js|mjs|cjs|lock)$/i;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/** yaml is an optional peer, loaded only when a plan has YAML files (RudderStack projects). */
function loadYaml(display: string): (text: string) => unknown {
  try {
    return (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse;
  } catch {
    throw new UsageError(`${display}: reading a YAML plan needs yaml, an optional peer dependency of trackplan's CLI. Install it (npm i -D yaml).`);
  }
}

/** `display` is how files are named in the report: relative to the folder given, or the path given. */
export function readPlanFiles(input: string, display: string): PlanFile[] {
  let stat;
  try {
    stat = statSync(input);
  } catch {
    throw new UsageError(`${display}: no such file or folder`);
  }
  const paths = stat.isDirectory() ? walk(input).filter((p) => !SKIP.test(p)) : [input];
  const isYaml = (path: string) => /\.ya?ml$/i.test(path);
  const parseYaml = paths.some(isYaml) ? loadYaml(display) : undefined;
  return paths.map((path) => {
    const name = stat.isDirectory() ? join(display, relative(input, path)) : display;
    const text = readFileSync(path, 'utf8');
    const ext = extname(path).toLowerCase();
    try {
      return { path: name, data: parseYaml && isYaml(path) ? parseYaml(text) : JSON.parse(text) };
    } catch (error) {
      return { path: name, data: undefined, error: `${ext === '.yaml' || ext === '.yml' ? 'YAML' : 'JSON'} does not parse: ${(error as Error).message}` };
    }
  });
}
