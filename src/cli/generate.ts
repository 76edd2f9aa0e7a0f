import { join, relative, resolve } from 'node:path';
import { generateClient, type ClientTarget } from './client-codegen';
import { generateDocs } from './docs';
import { assertWritable, GENERATED_MARK, readIfPresent, shownPath, writeGeneratedFile } from './generated-files';
import { openFeatureManifest } from './flags-export';
import { catalogJson, eventJsonSchema, eventSchemaFileNames } from './json-schema-export';
import { loadCatalog } from './load-catalog';

export interface GenerateOptions {
  catalogFile: string;
  out: string;
  schemaOut?: string;
  docsOut?: string;
  check: boolean;
  /** Overwrite files that lack trackplan's header (hand-written ones). Symbolic links are refused regardless. */
  force?: boolean;
  /** The runtime the client's types are for. Default `'browser'`. */
  target?: ClientTarget;
  cwd: string;
}

/**
 * Writes (or, with `check`, compares) the client, JSON Schema and docs. Returns the files written or stale.
 * Throws, writing nothing, rather than replace a file without trackplan's header (unless `force`) or
 * write through a symbolic link.
 */
export async function generate(options: GenerateOptions): Promise<{ written: string[]; stale: string[] }> {
  const catalog = await loadCatalog(options.catalogFile, options.cwd);
  const plan = catalogJson(catalog);
  const source = relative(options.cwd, resolve(options.cwd, options.catalogFile)).split('\\').join('/');
  const header = (comment: (text: string) => string) => comment(`${GENERATED_MARK} from ${source} (catalog "${plan.name}" version ${plan.version}). Do not edit: run \`trackplan generate\`.`);
  const ts = (t: string) => `// ${t}\n`;
  const md = (t: string) => `<!-- ${t} -->\n`;
  const schemaDir = resolve(options.cwd, options.schemaOut ?? join('schema', 'json', plan.name));
  const docsDir = resolve(options.cwd, options.docsOut ?? 'docs');
  const files = new Map<string, string>();
  files.set(join(resolve(options.cwd, options.out), 'index.ts'), generateClient(plan, header(ts), options.target));
  files.set(join(schemaDir, 'catalog.json'), `${JSON.stringify({ $comment: header((t) => t), ...plan }, null, 2)}\n`);
  const fileNames = eventSchemaFileNames(Object.keys(plan.events));
  for (const name of Object.keys(plan.events)) files.set(join(schemaDir, `${fileNames.get(name)}.json`), `${JSON.stringify({ $comment: header((t) => t), ...eventJsonSchema(plan, name) }, null, 2)}\n`);
  const manifest = openFeatureManifest(catalog);
  if (manifest && Object.hasOwn(plan.events, 'flags'))
    throw new Error(`catalog "${plan.name}" has an event named "flags" and flags of its own: both would be written to ${shownPath(options.cwd, join(schemaDir, 'flags.json'))}; rename the event. Nothing was written.`);
  // The OpenFeature CLI manifest next to the JSON Schema: `openfeature generate` reads it.
  if (manifest) files.set(join(schemaDir, 'flags.json'), `${JSON.stringify({ $comment: header((t) => t), ...manifest }, null, 2)}\n`);
  files.set(join(docsDir, `${plan.name}-events.md`), generateDocs(plan, header(md)));

  const shown = (path: string) => shownPath(options.cwd, path);
  const changed = new Set([...files].filter(([path, content]) => readIfPresent(path) !== content).map(([path]) => path));
  if (options.check) return { written: [], stale: [...changed].map(shown) };
  // Everything is checked before anything is written: a refusal leaves the folders as they were.
  assertWritable([...files.keys()], changed, options.force ?? false, shown);
  for (const path of changed) writeGeneratedFile(path, files.get(path)!);
  return { written: [...changed].map(shown), stale: [] };
}
