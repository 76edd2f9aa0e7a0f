import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, parse, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Inside the trackplan repository this example takes next, react and zod from the repository's
 * node_modules (which may be a link to another folder), and Turbopack compiles only files under
 * its root: the root spans the app and those packages. An app of your own needs none of this.
 */
function turbopackRoot() {
  const app = dirname(fileURLToPath(import.meta.url));
  const next = realpathSync(dirname(createRequire(import.meta.url).resolve('next/package.json')));
  const a = app.split(sep);
  const b = next.split(sep);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i).join(sep) || parse(app).root;
}

/** @type {import('next').NextConfig} */
export default {
  poweredByHeader: false,
  turbopack: { root: turbopackRoot() },
};
