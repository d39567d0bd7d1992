/**
 * MARGIN: Find Label Issues in a real VS Code, on a copy of the bundled example
 * (1,000 Fashion-MNIST test images, 50 labels flipped, the PyTorch-trained model).
 * The ranking must be the one the CLI writes for the same files, the flipped
 * labels must come out on top, and the results panel must be open.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ScanResult } from '../../../src/protocol/engine';
import { flippedIds } from '../../support/truthFiles';
import { cliScan } from '../cliReference';
import { activatedApi, exampleFile, workspaceRoot } from './extension';

describe('MARGIN: Find Label Issues (in the extension host)', function () {
  this.timeout(300_000);
  let result: ScanResult;
  let cli: ScanResult;

  before(async () => {
    const { extension } = await activatedApi();
    const root = workspaceRoot();
    result = (await vscode.commands.executeCommand<ScanResult | undefined>('margin.findLabelIssues', {
      data: 'images',
      model: 'model.onnx',
    }))!;
    assert.ok(result, 'the command returned no result');
    const out = mkdtempSync(join(tmpdir(), 'margin-e2e-cli-'));
    try {
      cli = await cliScan(
        join(extension.extensionPath, 'dist', 'cli.js'),
        join(root, 'images'),
        join(root, 'model.onnx'),
        out,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('scans every image of the workspace dataset with the workspace model', () => {
    assert.equal(result.task, 'labels');
    assert.equal(result.dataset.count, 1000);
    assert.equal(result.samples.length, 1000);
    assert.deepEqual(result.skipped, []);
    assert.equal(result.params.model, join(workspaceRoot(), 'model.onnx'));
  });

  it('ranks exactly as the CLI does for the same files', () => {
    assert.equal(result.samples.length, cli.samples.length);
    for (let rank = 0; rank < 50; rank++) {
      const ours = result.samples[rank];
      const theirs = cli.samples[rank];
      assert.equal(ours.id, theirs.id, `rank ${rank + 1}`);
      assert.equal(ours.label, theirs.label);
      assert.equal(ours.suggested, theirs.suggested);
      assert.ok(
        Math.abs(ours.score - theirs.score) <= 1e-9 * Math.max(1, Math.abs(theirs.score)),
        `score at rank ${rank + 1}`,
      );
    }
  });

  it('puts at least 80% of the 50 flipped labels in its 10% most suspect samples', async () => {
    const { extension } = await activatedApi();
    const flipped = flippedIds(exampleFile(extension, 'flipped.csv'));
    assert.equal(flipped.size, 50);
    const found = result.samples.slice(0, 100).filter((sample) => flipped.has(sample.id)).length;
    console.log(`      flipped labels in the top 10%: ${found}/${flipped.size}`);
    assert.ok(found / flipped.size >= 0.8, `recall@10% = ${found}/${flipped.size}`);
  });

  it('shows the ranked samples in the results panel, with thumbnails and openable rows', async () => {
    const { api } = await activatedApi();
    const payload = api.lastResults();
    assert.ok(payload, 'no results were sent to a panel');
    assert.equal(payload.task, 'labels');
    assert.deepEqual(
      payload.rows.slice(0, 10).map((row) => [row.rank, row.id, row.values.label, row.values.suggested]),
      result.samples.slice(0, 10).map((sample) => [sample.rank, sample.id, sample.label, sample.suggested]),
    );
    assert.ok(
      payload.rows.every((row) => row.openable && row.thumbnail?.includes('images')),
      'every row has a thumbnail and opens a file',
    );

    // The workbench tells the extension host about tabs asynchronously: poll briefly.
    const resultsTab = () =>
      vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .find(
          (tab) =>
            tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('margin.results'),
        );
    for (let waited = 0; !resultsTab() && waited < 10_000; waited += 100)
      await new Promise((done) => setTimeout(done, 100));
    const panel = resultsTab();
    const labels = vscode.window.tabGroups.all.flatMap((group) => group.tabs.map((tab) => tab.label));
    assert.ok(panel, `no MARGIN results tab among: ${labels.join(', ')}`);
    assert.match(panel.label, /^MARGIN: .*images/);
  });

  it('answers a second scan of the unchanged files from the cache, with the same ranking', async () => {
    const again = (await vscode.commands.executeCommand<ScanResult | undefined>('margin.findLabelIssues', {
      data: 'images',
      model: 'model.onnx',
    }))!;
    assert.ok(again.cached.embeddings || again.cached.result, `not cached: ${JSON.stringify(again.cached)}`);
    assert.deepEqual(
      again.samples.map((sample) => sample.id),
      result.samples.map((sample) => sample.id),
    );
  });
});
