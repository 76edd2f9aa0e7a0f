import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      'node/index': 'src/node/index.ts',
      'testing/index': 'src/testing/index.ts',
      'outbox/index': 'src/outbox/index.ts',
      'reports/index': 'src/reports/index.ts',
      'client/node': 'src/client/index.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    splitting: true,
    shims: true,
    external: ['zod', 'posthog-node', 'posthog-js', 'pg', '@electric-sql/pglite', 'msw'],
  },
  {
    entry: { 'cli/index': 'src/cli/index.ts' },
    format: ['esm'],
    dts: false,
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    external: ['zod', 'posthog-node', 'posthog-js', 'pg', '@electric-sql/pglite', 'jiti'],
  },
  {
    // client: the generated clients' queue; it loads the tracker (runtime) with import() at init().
    entry: { index: 'src/browser/index.ts', client: 'src/client/browser.ts' },
    outDir: 'dist/browser',
    format: ['esm', 'cjs'],
    dts: true,
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    splitting: true,
    external: ['zod', 'posthog-js'],
  },
  {
    // The dashboard page's script with chart.js bundled in: the page loads nothing from elsewhere.
    entry: { 'dashboard/app': 'src/dashboard/app.ts' },
    format: ['iife'],
    platform: 'browser',
    target: 'es2022',
    minify: true,
    dts: false,
    sourcemap: false,
    noExternal: ['chart.js'],
  },
]);
