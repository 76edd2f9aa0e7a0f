// Bundles bench/pipeline-parts.ts from src/ (it measures internal steps) and runs it.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { build } from 'esbuild';

mkdirSync('bench/.out', { recursive: true });
await build({ entryPoints: ['bench/pipeline-parts.ts'], bundle: true, platform: 'node', format: 'esm', outfile: 'bench/.out/pipeline-parts.mjs', external: ['zod'], logLevel: 'error' });
execFileSync(process.execPath, ['bench/.out/pipeline-parts.mjs'], { stdio: 'inherit' });
