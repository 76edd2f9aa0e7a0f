/** Reads the plan: one file, or every plan file under a folder (JSON, YAML, and Iglu's extension-less schema files). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join, relative } from 'node:path';
import { UsageError } from '../args';
import type { PlanFile } from './types';

const SKIP = /\.(md|txt|ts|js|mjs|cjs|lock)$/i;

/**
 * yaml is an optional peer: only rudder-iac YAML projects need it, so it is loaded when a YAML file is
 * read, and every other command (and every JSON plan) works without it.
 */
function loadYaml(display: string): typeof import('yaml') {
  try {
    return createRequire(import.meta.url)('yaml') as typeof import('yaml');
  } catch {
    throw new UsageError(`${display}: reading a YAML plan needs yaml, an optional peer dependency of trackplan's CLI. Install it (npm i -D yaml), or import the plan as JSON.`);
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
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
  return paths.map((path) => {
    const name = stat.isDirectory() ? join(display, relative(input, path)) : display;
    const text = readFileSync(path, 'utf8');
    const ext = extname(path).toLowerCase();
    const isYaml = ext === '.yaml' || ext === '.yml';
    // Outside the try: a missing yaml package is a usage error, not a file that does not parse.
    const yaml = isYaml ? loadYaml(name) : undefined;
    try {
      return { path: name, data: yaml ? yaml.parse(text) : JSON.parse(text) };
    } catch (error) {
      return { path: name, data: undefined, error: `${isYaml ? 'YAML' : 'JSON'} does not parse: ${(error as Error).message}` };
    }
  });
}
