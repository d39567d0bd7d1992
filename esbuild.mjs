// One build script, one target per bundle (STYLE.md habit 10).
// Native and large runtime packages stay external: onnxruntime-node, sharp and
// usearch load .node binaries that cannot be bundled, vscode is provided by the host.
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const nodeExternal = ['vscode', 'onnxruntime-node', 'sharp', 'usearch'];

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const targets = [
  {
    ...common,
    entryPoints: { extension: 'src/extension/extension.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
    external: nodeExternal,
  },
  {
    ...common,
    entryPoints: { engine: 'src/engine/main.ts', cli: 'src/cli/main.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outdir: 'dist',
    external: nodeExternal,
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: {
      results: 'webview/results/main.ts',
      calibrate: 'webview/calibrate/main.ts',
      saliency: 'webview/saliency/main.ts',
    },
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    outdir: 'dist/webview',
  },
];

if (watch) {
  for (const options of targets) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(targets.map((options) => esbuild.build(options)));
}
