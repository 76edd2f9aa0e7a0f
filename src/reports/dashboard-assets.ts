import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrackplanConfigError } from '../core/errors';

/**
 * The page script built by `npm run build` (chart.js bundled in): found in the trackplan package's
 * own dist/, from wherever this module runs (dist chunks, or src under the tests).
 */
export function dashboardScript(): Buffer {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(dir, 'dist', 'dashboard', 'app.global.js');
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && existsSync(candidate) && /"name":\s*"trackplan"/.test(readFileSync(manifest, 'utf8'))) return readFileSync(candidate);
    dir = dirname(dir);
  }
  throw new TrackplanConfigError('[trackplan] [dashboard] the page script dist/dashboard/app.global.js is missing from the trackplan package; run `npm run build` (it bundles chart.js into the page).');
}
