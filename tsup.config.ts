import { defineConfig, type Options } from 'tsup';

/**
 * `trackplan/next` imports its 'use client' module as a file of its own, never inlined: Next
 * must see the directive at the top of that file to make the provider a client component.
 */
const nextClientExternal: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'trackplan-next-client-external',
  setup(build) {
    const extension = build.initialOptions.format === 'cjs' ? '.cjs' : '.js';
    build.onResolve({ filter: /^\.\/client$/ }, (args) => (args.importer.includes('/src/next/') && !args.importer.endsWith('/client.ts') ? { path: `./client${extension}`, external: true } : undefined));
  },
};

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
  // trackplan/next: `index` for the react-server condition, `browser` for client components and
  // proxy.ts, `client` the 'use client' module both import. Next and React are the app's own.
  // CommonJS is built without splitting: tsup's split CJS puts helpers above the directive.
  ...(['esm', 'cjs'] as const).map((format): Options => ({
    entry: { 'next/index': 'src/next/index.ts', 'next/browser': 'src/next/browser.ts', 'next/client': 'src/next/client.ts' },
    format: [format],
    dts: { entry: { 'next/index': 'src/next/index.ts' } },
    platform: 'node',
    target: 'es2022',
    sourcemap: true,
    splitting: format === 'esm',
    shims: true,
    external: ['next', 'react', 'react-dom', 'zod', 'posthog-node', 'posthog-js'],
    esbuildPlugins: [nextClientExternal],
  })),
]);
