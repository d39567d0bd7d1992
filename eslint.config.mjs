// Flat ESLint config (STYLE.md habit 10): typescript-eslint's recommended rules,
// plus the folder rules of DESIGN.md §2 as zones on resolved paths, so an
// import is judged by the file it reaches, from any depth of subfolder.
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** Each folder of src/ and what it may import (DESIGN.md §2). */
const ALLOWED = {
  core: [],
  data: ['core'],
  model: ['core', 'data'],
  engine: ['core', 'data', 'model', 'protocol'],
  cli: ['core', 'engine', 'protocol'],
  protocol: [],
  extension: ['protocol'],
};
const FOLDERS = [...Object.keys(ALLOWED), 'webview'];
const pathOf = (folder) => (folder === 'webview' ? './webview' : `./src/${folder}`);

/** One zone per (folder, folder it must not import). */
const zones = Object.entries({ ...ALLOWED, webview: ['protocol'] }).flatMap(([folder, allowed]) =>
  FOLDERS.filter((other) => other !== folder && !allowed.includes(other)).map((other) => ({
    target: pathOf(folder),
    from: pathOf(other),
    message: `${folder}/ may import only ${allowed.length ? allowed.join(', ') : 'its own files'} (DESIGN.md §2)`,
  })),
);

/** Packages a folder must not load: native or host-only ones stay out of pure and browser code. */
const restrictedPackages = (packages) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: packages.map((name) => ({
        group: [name, `${name}/*`],
        message: `not in this folder (DESIGN.md §2)`,
      })),
    },
  ],
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'test/fixtures/**',
      'test/e2e/.work/**',
      '.margin/**',
      'bench/.cache/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: { 'import-x/no-restricted-paths': ['error', { zones }] },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: restrictedPackages(['vscode', 'onnxruntime-node', 'sharp', 'fs', 'node:*', 'vscode-jsonrpc']),
  },
  {
    files: ['src/data/**/*.ts'],
    rules: restrictedPackages(['vscode', 'onnxruntime-node', 'vscode-jsonrpc']),
  },
  { files: ['src/model/**/*.ts'], rules: restrictedPackages(['vscode', 'vscode-jsonrpc']) },
  { files: ['src/engine/**/*.ts', 'src/cli/**/*.ts'], rules: restrictedPackages(['vscode']) },
  {
    // The extension host stays light: native and heavy packages belong to the engine.
    files: ['src/extension/**/*.ts'],
    rules: restrictedPackages(['onnxruntime-node', 'sharp', 'ml-matrix', 'onnx-proto']),
  },
  {
    files: ['src/protocol/**/*.ts', 'webview/**/*.ts'],
    rules: restrictedPackages(['vscode', 'onnxruntime-node', 'sharp', 'node:*', 'fs']),
  },
  {
    // Plain CommonJS files (mocha loads its reporter with require()).
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
