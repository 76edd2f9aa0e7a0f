/** The shared corpus of real plans, read where it lies (../shared/plans, licences in its SOURCES.md), as import inputs. */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createJiti } from 'jiti';

export const PLANS = '/work/shared/plans';

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

/** Every plan file; the YAML files of one rudder-iac project folder are one input (the folder). */
export function planInputs(): { input: string; display: string; files: number }[] {
  const files = walk(PLANS).filter((p) => !p.endsWith('.md'));
  const folders = new Map<string, number>();
  for (const f of files.filter((f) => f.endsWith('.yaml'))) folders.set(f.slice(0, f.lastIndexOf('/')), (folders.get(f.slice(0, f.lastIndexOf('/'))) ?? 0) + 1);
  return [
    ...files.filter((f) => !f.endsWith('.yaml')).map((input) => ({ input, display: relative(PLANS, input), files: 1 })),
    ...[...folders].map(([input, count]) => ({ input, display: relative(PLANS, input), files: count })),
  ];
}

const root = new URL('../../../', import.meta.url).pathname;

/** Loads a written catalog module with `trackplan` resolved to this checkout's sources (no build needed). */
export async function loadImported(file: string): Promise<any> {
  const module = (await jiti().import(file)) as { default: unknown };
  return module.default ?? module;
}

/** Loads a generated client module (`trackplan generate`'s index.ts), `trackplan/client` resolved to this checkout's sources too. */
export async function loadGeneratedClient(file: string): Promise<any> {
  return jiti().import(file);
}

function jiti() {
  return createJiti(import.meta.url, {
    interopDefault: true,
    moduleCache: false,
    alias: { 'trackplan/client': join(root, 'src/client/index.ts'), trackplan: join(root, 'src/index.ts') },
  });
}
