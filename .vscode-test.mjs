// The in-host suite in desktop VS Code, wherever one can be downloaded (or is
// given with `useInstallation: { fromPath }`): `npm run test:desktop`.
// This machine cannot download VS Code; here `npm run test:e2e` runs the same
// suite in code-server (VS Code 1.100.3) instead. See test/e2e/README.md.
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'extension-host suite',
  // Compiled by test/e2e/build.mjs (the test:desktop script runs it first).
  files: 'test/e2e/.work/suite/*.test.js',
  version: '1.100.3',
  // The tests name the dataset and model explicitly, so the example folder itself serves as workspace.
  workspaceFolder: 'examples/fashion-mnist',
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'bdd', timeout: 300_000 },
});
