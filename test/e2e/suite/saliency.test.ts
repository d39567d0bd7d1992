/**
 * MARGIN: Explain Prediction inside the real extension host: the command
 * finds the workspace's model as the scans do, explains the image it is
 * given in the saliency panel, with the faithfulness figures, and answers the
 * same request again from its cache; a missing image is an error naming it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { ExplainResult } from '../../../src/protocol/engine';
import type { SaliencyState } from '../../../src/protocol/saliencyPanel';
import { activatedApi, workspaceRoot } from './extension';

const EXPLAIN = 'margin.explainPrediction';

describe('MARGIN: Explain Prediction', () => {
  let image: string;
  before(async () => {
    await activatedApi();
    image = join(workspaceRoot(), 'images', 'Sneaker', 't10k-1024.png');
  });
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('explains the image with the workspace model: the map, the figures and the classes, as the CLI computes them', async () => {
    const { extension } = await activatedApi();
    const state = await vscode.commands.executeCommand<SaliencyState>(EXPLAIN, {
      image,
      method: 'occlusion',
    });
    assert.ok(state, 'the command returned no state');
    assert.equal(state.subject.model, join(workspaceRoot(), 'model.onnx'));
    const [view] = state.views;
    assert.equal(view.status, 'done', JSON.stringify(view.error));
    // The CLI, run on the same files, writes the same map and figures.
    const out = join(mkdtempSync(join(tmpdir(), 'margin-explain-')), 'map.json');
    await promisify(execFile)(
      process.execPath,
      [
        join(extension.extensionPath, 'dist', 'cli.js'),
        ...['explain', '--model', state.subject.model, '--input', image, '--method', 'occlusion'],
        ...['--metrics', '--out', out, '--quiet'],
      ],
      { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
    );
    const cli = JSON.parse(readFileSync(out, 'utf8')) as ExplainResult;
    assert.deepEqual(view.map!.layers[0].values, cli.map);
    assert.deepEqual(view.map!.metrics, cli.metrics);
    assert.equal(view.map!.targetLabel, cli.targetLabel);
    assert.ok(
      view.map!.layers[0].values.some((value) => value !== 0),
      'the map is not all zero',
    );
    assert.equal(state.classes?.length, 10);
    assert.equal(view.map!.cached, false);

    const again = await vscode.commands.executeCommand<SaliencyState>(EXPLAIN, {
      image,
      method: 'occlusion',
    });
    assert.equal(again.views[0].map!.cached, true, 'the second request came from the cache');
    assert.deepEqual(again.views[0].map!.layers, view.map!.layers);
  });

  it('compares methods side by side, each with its figures', async () => {
    const state = await vscode.commands.executeCommand<SaliencyState>(EXPLAIN, {
      image,
      compare: ['margin', 'gradient'],
    });
    assert.equal(state.mode, 'compare');
    assert.deepEqual(
      state.views.map((view) => [view.request.method, view.status]),
      [
        ['margin', 'done'],
        ['gradient', 'done'],
      ],
    );
    assert.ok(state.views.every((view) => view.map?.metrics));
  });

  it('shows a missing image as an error that names the file', async () => {
    const missing = join(workspaceRoot(), 'images', 'nope.png');
    const state = await vscode.commands.executeCommand<SaliencyState>(EXPLAIN, {
      image: missing,
      method: 'gradient',
    });
    assert.equal(state.views[0].status, 'failed');
    assert.ok(state.views[0].error!.message.includes(missing), state.views[0].error!.message);
  });
});
