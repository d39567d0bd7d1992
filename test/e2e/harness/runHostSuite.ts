/**
 * Part 1 of the end-to-end run: the mocha suite inside the real extension host.
 * The workbench loads the suite through `extensionTestsPath`, relays its console
 * output through `codeAutomationLog`, and reports the end with
 * `codeAutomationExit(code)` once the suite's `run()` settles.
 */
import { existsSync } from 'node:fs';
import { suiteOutput } from './automationLog';
import { partTimeLimitMs, runPart } from './part';
import { hostSuiteEntry } from './paths';
import { openSession } from './session';

const PART_TIME_LIMIT_MS = partTimeLimitMs(12 * 60_000);

runPart('extension-host suite', PART_TIME_LIMIT_MS, async (tally) => {
  if (!existsSync(hostSuiteEntry))
    throw new Error(`compiled suite missing: ${hostSuiteEntry} (test/e2e/run.sh builds it)`);
  const output = suiteOutput();
  const session = await openSession({
    name: 'host',
    extensionTestsPath: hostSuiteEntry,
    onAutomationLog: (level, message) => {
      const line = output.accept(level, message);
      if (line !== undefined) console.log(line);
    },
  });
  const exit = await session.automationExit;
  if (exit.code !== 0) await session.screenshot('exit').catch(() => undefined);
  await session.close();

  const reported = output.tally();
  if (!reported)
    throw new Error(`the suite ended (exit code ${exit.code}) without its \`N passed, N failed\` line`);
  tally.passed = reported.passed;
  tally.failed = reported.failed;
  if (exit.code !== 0 && reported.failed === 0) {
    throw new Error(`the suite reported no failure but the extension host exited with ${exit.code}`);
  }
});
