/**
 * MARGIN: Calibrate on This Dataset in a real VS Code, on a copy of the bundled
 * example (1,000 Fashion-MNIST test images and the PyTorch-trained model): the
 * panel gets exactly the table the CLI prints as JSON for the same files (an
 * independent process, another working folder), and Find Label Issues then
 * ranks with the recommended scorer and says so. The stored recommendation is
 * removed afterwards, so the other suites scan with the default scorer.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { CalibrationPayload } from '../../../src/protocol/calibratePanel';
import type { CalibrationResult, ScanResult } from '../../../src/protocol/engine';
import { activatedApi, workspaceRoot } from './extension';

/** `margin calibrate … --json` in a child process with its own working folder (so its own .margin/). */
async function cliCalibrate(cliPath: string, args: string[]): Promise<CalibrationResult> {
  const cwd = mkdtempSync(join(tmpdir(), 'margin-e2e-calibrate-'));
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cliPath, 'calibrate', ...args, '--json', '--quiet'],
      {
        cwd,
        timeout: 600_000,
        maxBuffer: 16 * 1024 * 1024,
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      },
    );
    return JSON.parse(stdout) as CalibrationResult;
  } catch (error) {
    assert.fail(`CLI failed:\n${(error as { stderr?: string }).stderr ?? error}`);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** What a row of the table says, from the panel's payload and from the CLI's JSON alike. */
function tableOf(payload: CalibrationPayload): unknown[] {
  return payload.rows.map((row) => [
    row.scorer,
    row.recommended,
    row.unavailable ?? null,
    row.cells.map((cell) => [cell.fraction, cell.mean, cell.sd, cell.perSeed]),
  ]);
}

function cliTable(result: CalibrationResult): unknown[] {
  return result.scorers.map((entry) => [
    entry.scorer,
    entry.scorer === result.recommended,
    entry.unavailable ?? null,
    entry.recall.map((cell) => [cell.fraction, cell.mean, cell.sd, cell.perSeed]),
  ]);
}

describe('MARGIN: Calibrate on This Dataset (in the extension host)', function () {
  this.timeout(600_000);
  let ours: CalibrationResult;
  let cli: CalibrationResult;

  before(async () => {
    const { extension } = await activatedApi();
    const root = workspaceRoot();
    ours = (await vscode.commands.executeCommand<CalibrationResult | undefined>('margin.calibrate', {
      data: 'images',
      model: 'model.onnx',
    }))!;
    assert.ok(ours, 'margin.calibrate returned no result (see the MARGIN log)');
    cli = await cliCalibrate(join(extension.extensionPath, 'dist', 'cli.js'), [
      '--data',
      join(root, 'images'),
      '--model',
      join(root, 'model.onnx'),
    ]);
  });

  after(() => {
    rmSync(join(workspaceRoot(), '.margin', 'calibration'), { recursive: true, force: true });
  });

  it('calibrates on the workspace dataset: 100 of its 1,000 labels (10%) flipped per seed, 3 seeds', () => {
    assert.equal(ours.task, 'labels');
    assert.equal(ours.labelled, 1000);
    assert.equal(ours.flips, 100);
    assert.deepEqual(ours.seeds, [1, 2, 3]);
    assert.equal(ours.params.model, join(workspaceRoot(), 'model.onnx'));
    assert.ok(ours.recommendationFile.startsWith(join(workspaceRoot(), '.margin', 'calibration')));
  });

  it("shows in its panel exactly the CLI's table for the same files", async () => {
    const { api } = await activatedApi();
    const payload = api.lastCalibration();
    assert.ok(payload, 'no calibration was sent to a panel');
    assert.deepEqual(tableOf(payload), cliTable(cli));
    assert.equal(payload.recommended, cli.recommended);
    assert.equal(payload.rows.filter((row) => row.recommended).length, 1);
    assert.deepEqual(payload.fractions, [0.05, 0.1, 0.2, 0.3]);
    for (const row of payload.rows.filter((entry) => !entry.unavailable))
      console.log(
        `      ${row.scorer}: recall@10% ${row.cells[1].mean.toFixed(3)} ± ${row.cells[1].sd.toFixed(3)}` +
          (row.recommended ? ' (recommended)' : ''),
      );

    // The workbench tells the extension host about tabs asynchronously: poll briefly.
    const tab = () =>
      vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .find(
          (candidate) =>
            candidate.input instanceof vscode.TabInputWebview &&
            candidate.input.viewType.endsWith('margin.calibration'),
        );
    for (let waited = 0; !tab() && waited < 10_000; waited += 100)
      await new Promise((done) => setTimeout(done, 100));
    assert.ok(tab(), 'no calibration tab');
    assert.match(tab()!.label, /^MARGIN: Scorer calibration · images$/);
  });

  it('Find Label Issues then ranks with the recommended scorer, and says so', async () => {
    const result = (await vscode.commands.executeCommand<ScanResult | undefined>('margin.findLabelIssues', {
      data: 'images',
      model: 'model.onnx',
    }))!;
    assert.ok(result, 'margin.findLabelIssues returned no result');
    assert.equal(result.scorer, ours.recommended);
    assert.match(result.notices![0], new RegExp(`^scorer ${ours.recommended} chosen by calibration`));
  });
});
