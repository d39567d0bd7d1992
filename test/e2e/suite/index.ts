/**
 * Entry of the in-host suite: the extension host requires this module (through
 * `extensionTestsPath`) and calls `run()`. It runs mocha over the compiled
 * `*.test.js` files beside it. Output goes through console.log, which the
 * workbench relays to the harness; the last line is `N passed, N failed`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
// The project's reporter: mocha's spec output plus the closing tally line.
import SpecWithSummary from '../../support/summaryReporter.js';
import { SUITE_START_MARKER } from '../harness/automationLog';

export function run(): Promise<void> {
  console.log(SUITE_START_MARKER);
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000, reporter: SpecWithSummary });
  for (const file of readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
