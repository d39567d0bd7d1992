// npm run package: one .vsix per platform, each from its own staging folder
// (stage.mjs) and each checked to hold only its platform's binaries
// (checkVsix.mjs). Expects a fresh dist/ (the npm script builds first).
//
//   npm run package                          this machine's platform (linux-x64 here)
//   npm run package -- --target win32-x64    one platform (repeat --target for more)
//   npm run package:all                      every platform in targets.mjs
//
// Writes out/vsix/margin-lens-<target>-<version>.vsix; staging under out/package/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkVsix } from './checkVsix.mjs';
import { stage } from './stage.mjs';
import { TARGETS, targetNamed } from './targets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: { target: { type: 'string', multiple: true }, all: { type: 'boolean', default: false } },
});
const names = values.all ? Object.keys(TARGETS) : (values.target ?? [`${process.platform}-${process.arch}`]);
names.forEach(targetNamed); // unknown names fail before anything is built

for (const file of ['dist/extension.js', 'dist/engine.js', 'dist/cli.js'])
  if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run npm run build first`);

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outDir = join(root, 'out/vsix');
mkdirSync(outDir, { recursive: true });
const vsce = join(root, 'node_modules/@vscode/vsce/vsce');

const megabytes = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const report = [];
for (const name of names) {
  const target = targetNamed(name);
  const stageDir = join(root, 'out/package', name);
  console.log(`package: staging ${name} in ${relative(root, stageDir)}`);
  stage({ root, stageDir, cacheDir: join(root, 'out/package/cache'), target });

  const vsix = join(outDir, `${manifest.name}-${name}-${manifest.version}.vsix`);
  const args = ['package', '--target', name, '--out', vsix];
  // Until package.json names a repository, vsce cannot make README's relative links absolute; VS Code
  // resolves them inside the installed extension, which holds the README's images (stage.mjs).
  if (!manifest.repository) args.push('--allow-missing-repository', '--no-rewrite-relative-links');
  if (!['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((file) => existsSync(join(root, file))))
    args.push('--skip-license');
  execFileSync(process.execPath, [vsce, ...args], { cwd: stageDir, stdio: 'inherit' });

  const { natives, entries, problems } = checkVsix(name, vsix);
  for (const problem of problems) console.error(`  ✗ ${problem}`);
  if (problems.length > 0) throw new Error(`${relative(root, vsix)} holds what it should not (above)`);
  const nativeBytes = natives.reduce((sum, { size }) => sum + size, 0);
  report.push({ name, vsix, size: statSync(vsix).size, entries, natives: natives.length, nativeBytes });
}

console.log('\npackage: target         .vsix      files  native binaries (unpacked)');
for (const { name, vsix, size, entries, natives, nativeBytes } of report)
  console.log(
    `package: ${name.padEnd(14)} ${megabytes(size).padStart(8)}  ${String(entries).padStart(6)}  ${natives} (${megabytes(nativeBytes)})  ${relative(root, vsix)}`,
  );
