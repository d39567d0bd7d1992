// Flat ESLint config (STYLE.md habit 10): typescript-eslint's recommended rules,
// plus the folder rule of DESIGN.md §2: core/ imports nothing outside core/.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', 'test/e2e/.work/**', '.margin/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['../*', 'vscode', 'onnxruntime-node', 'fs', 'node:*', 'sharp'] },
      ],
    },
  },
  {
    files: ['src/data/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['vscode', '../model/*', '../engine/*', '../extension/*', '../cli/*'] }],
    },
  },
  {
    files: ['src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['vscode', '../engine/*', '../extension/*', '../cli/*'] }],
    },
  },
  {
    // Plain CommonJS files (mocha loads its reporter with require()).
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/protocol/**/*.ts', 'webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['vscode', 'onnxruntime-node', 'node:*', '../../src/engine/*'] }],
    },
  },
);
