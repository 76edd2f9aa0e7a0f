import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every built file under `dir` (run `npm run build` first, as `npm test` does). */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.(c?js)$/.test(name) ? [path] : [];
  });
}

describe('msw stays out of every entry but trackplan/testing', () => {
  it('no built file outside dist/testing loads msw; dist/testing loads it only on first use of a handler', () => {
    const loadingMsw = files('dist').filter((path) => /(?:from\s*|require\(|import\()\s*["']msw(?:\/[\w-]+)?["']/.test(readFileSync(path, 'utf8')));
    expect(loadingMsw).toEqual([]);
    for (const entry of ['dist/testing/index.js', 'dist/testing/index.cjs']) {
      const code = readFileSync(entry, 'utf8');
      expect(code).toMatch(/createRequire(?:\.call\(void 0, )?\([^)]*\)\)?\("msw"\)/);
      expect(code).not.toMatch(/^import .* from ["']msw/m);
    }
  });
});
