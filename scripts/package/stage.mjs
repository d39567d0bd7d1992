// Builds the staging folder of one platform's .vsix: dist/ (without source maps),
// media/, the README with its images, the CHANGELOG, a package.json whose
// dependencies are the bundle's externals only, and those externals'
// node_modules with only this platform's binaries. Packages this machine did not
// install (another platform's sharp) come from the npm registry with `npm pack`,
// and must match package-lock.json's integrity.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { runtimePackages } from './runtimePackages.mjs';
import { RUNTIME_PACKAGES } from './targets.mjs';

/** `file` is inside `folder` (which ends in /), or one of the folders leading to it. */
const inOrAbove = (file, folder) => file.startsWith(folder) || folder.startsWith(`${file}/`);

/** Files of a runtime package that the extension never reads at run time, per package. */
function keepFile(name, fileInPackage, target) {
  const file = fileInPackage.split(sep).join('/');
  if (file.endsWith('.map')) return false;
  if (name === 'onnxruntime-node') {
    if (file !== 'bin' && !file.startsWith('bin/')) return true;
    // The binding links @rpath/libonnxruntime.1.dylib; npm unpacks the 1.30.0 name as a second 44 MB copy.
    return (
      inOrAbove(file, `bin/napi-v6/${target.onnxruntime}/`) &&
      !/libonnxruntime\.\d+\.\d+\.\d+\.dylib$/.test(file)
    );
  }
  if (name === 'usearch') {
    // C/C++ sources and the SIMD library's sources (14 MB) only serve a build from source.
    if (/^(c|cpp|cmake|numkong|include)(\/|$)/.test(file) || file === 'binding.gyp') return false;
    if (file === 'prebuilds' || file.startsWith('prebuilds/'))
      return inOrAbove(file, `prebuilds/${target.usearch}/`);
    return true;
  }
  // sharp's C++ sources, used only when no prebuilt binary fits.
  if (name === 'sharp') return !/^src(\/|$)/.test(file);
  return true;
}

function sha512(file) {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/** Unpacks name@version from the npm registry into `into`, after checking the lockfile's integrity. */
function fetchPackage(pkg, cacheDir, into) {
  mkdirSync(cacheDir, { recursive: true });
  const tarball = join(cacheDir, `${pkg.name.replace('@', '').replace('/', '-')}-${pkg.version}.tgz`);
  if (!existsSync(tarball)) {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', `${pkg.name}@${pkg.version}`, '--json', '--pack-destination', cacheDir], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    if (join(cacheDir, packed.filename) !== tarball) throw new Error(`npm pack wrote ${packed.filename}`);
  }
  const integrity = sha512(tarball);
  if (integrity !== pkg.integrity) {
    rmSync(tarball);
    throw new Error(
      `${pkg.name}@${pkg.version}: integrity ${integrity} is not package-lock.json's ${pkg.integrity}`,
    );
  }
  mkdirSync(into, { recursive: true });
  execFileSync('tar', ['xzf', tarball, '-C', into, '--strip-components=1']);
}

function copyPackage(pkg, source, into, target) {
  cpSync(source, into, {
    recursive: true,
    filter: (path) => {
      const inPackage = relative(source, path);
      // Nested node_modules are packages of their own, staged from their own lock entries.
      if (inPackage.split(sep).includes('node_modules')) return false;
      return inPackage === '' || keepFile(pkg.name, inPackage, target);
    },
  });
}

/** The staged package.json: the project's manifest, with only the run-time externals as dependencies. */
function stagedManifest(root, packages) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const version = (name) => packages.find((pkg) => pkg.path === `node_modules/${name}`).version;
  manifest.dependencies = Object.fromEntries(RUNTIME_PACKAGES.map((name) => [name, version(name)]));
  for (const key of ['devDependencies', 'scripts', 'allowScripts', 'bin']) delete manifest[key];
  return manifest;
}

/** Fills `stageDir` (emptied first) for `target`; returns the staged packages. */
export function stage({ root, stageDir, cacheDir, target }) {
  rmSync(stageDir, { recursive: true, force: true });
  mkdirSync(stageDir, { recursive: true });
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const packages = runtimePackages(lock, RUNTIME_PACKAGES, target);

  for (const file of ['README.md', 'CHANGELOG.md', 'LICENSE', 'LICENSE.md', '.vscodeignore'])
    if (existsSync(join(root, file))) cpSync(join(root, file), join(stageDir, file));
  cpSync(join(root, 'dist'), join(stageDir, 'dist'), {
    recursive: true,
    filter: (path) => !path.endsWith('.map'),
  });
  cpSync(join(root, 'media'), join(stageDir, 'media'), { recursive: true });
  // README's screenshots, so its relative image links work in VS Code's extension page.
  if (existsSync(join(root, 'docs/images')))
    cpSync(join(root, 'docs/images'), join(stageDir, 'docs/images'), { recursive: true });
  writeFileSync(
    join(stageDir, 'package.json'),
    `${JSON.stringify(stagedManifest(root, packages), null, 2)}\n`,
  );

  for (const pkg of packages) {
    const into = join(stageDir, pkg.path);
    const installed = join(root, pkg.path);
    const installedVersion = existsSync(join(installed, 'package.json'))
      ? JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version
      : undefined;
    if (installedVersion === pkg.version) {
      copyPackage(pkg, installed, into, target);
    } else {
      const unpacked = join(cacheDir, 'unpacked', pkg.path);
      rmSync(unpacked, { recursive: true, force: true });
      fetchPackage(pkg, cacheDir, unpacked);
      copyPackage(pkg, unpacked, into, target);
    }
  }
  return packages;
}
