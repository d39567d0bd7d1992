// Compiles the in-host mocha suite for the extension host, which loads plain
// CommonJS: one bundle per file, into the git-ignored test/e2e/.work/suite/.
// `vscode` comes from the host; mocha stays external so every test file and the
// runner share one mocha (its describe/it globals).
import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const suite = join(here, 'suite');
const outdir = join(here, '.work', 'suite');

const entries = readdirSync(suite).filter((name) => name === 'index.ts' || name.endsWith('.test.ts'));
await rm(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: entries.map((name) => join(suite, name)),
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
