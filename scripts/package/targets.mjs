// The platforms a .vsix is built for, and where each native package keeps that
// platform's binaries. One table, read by the stager (stage.mjs) and the checker
// (checkVsix.mjs), so what is shipped and what is asserted cannot drift apart.

/** Packages esbuild.mjs leaves external (besides vscode): they load .node binaries, so they ship as node_modules. */
export const RUNTIME_PACKAGES = ['onnxruntime-node', 'sharp', 'usearch'];

/**
 * vsce target → npm's os/cpu/libc (to pick optional dependencies, as npm does), the
 * onnxruntime-node bin folder, usearch's prebuild folder, the binary format the
 * checker expects, and the sharp packages that hold sharp's binding and libvips.
 * onnxruntime-node 1.30 has no darwin-x64 binary, so there is no darwin-x64 target.
 */
export const TARGETS = {
  'linux-x64': {
    os: 'linux',
    cpu: 'x64',
    libc: 'glibc',
    onnxruntime: 'linux/x64',
    usearch: 'linux-x64',
    format: 'elf-x64',
    sharp: ['@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64'],
  },
  'darwin-arm64': {
    os: 'darwin',
    cpu: 'arm64',
    onnxruntime: 'darwin/arm64',
    // usearch ships one universal (arm64 + x64) binary for macOS.
    usearch: 'darwin-arm64+x64',
    format: 'macho-arm64',
    sharp: ['@img/sharp-darwin-arm64', '@img/sharp-libvips-darwin-arm64'],
  },
  'win32-x64': {
    os: 'win32',
    cpu: 'x64',
    onnxruntime: 'win32/x64',
    usearch: 'win32-x64',
    format: 'pe-x64',
    // sharp's Windows package carries libvips' DLLs itself.
    sharp: ['@img/sharp-win32-x64'],
  },
};

export function targetNamed(name) {
  const target = TARGETS[name];
  if (!target) throw new Error(`unknown target "${name}"; known: ${Object.keys(TARGETS).join(', ')}`);
  return target;
}

/**
 * The folders (inside the extension) that may hold native binaries for `target`,
 * and one file in each that must be there.
 */
export function expectedBinaries(target) {
  const ort = `node_modules/onnxruntime-node/bin/napi-v6/${target.onnxruntime}/`;
  return {
    allowedFolders: [
      ort,
      `node_modules/usearch/prebuilds/${target.usearch}/`,
      ...target.sharp.map((name) => `node_modules/${name}/`),
    ],
    required: [
      `${ort}onnxruntime_binding.node`,
      `node_modules/usearch/prebuilds/${target.usearch}/usearch.node`,
      `node_modules/${target.sharp[0]}/lib/sharp-${target.sharp[0].replace('@img/sharp-', '')}.node`,
    ],
  };
}

/** A file name that is a native binary: a Node addon or a shared library. */
export const NATIVE_FILE = /\.(node|dll|dylib|exe)$|\.so(\.\d+)*$/;
