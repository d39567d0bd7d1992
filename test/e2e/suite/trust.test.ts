/**
 * Trust and the cache in a real VS Code. The harness turns workspace trust off
 * (every folder trusted), and trust cannot be withdrawn from inside the host,
 * so the Restricted Mode gate is unit-tested (test/unit/extension/commands/
 * workspaceTrust.test.ts); here: what the manifest declares, that a trusted
 * folder scans, and that Rescan Without Cache reads no cache.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ScanResult } from '../../../src/protocol/engine';
import { activatedApi } from './extension';

describe('MARGIN trust and cache (in the extension host)', function () {
  this.timeout(300_000);

  it('declares limited support in untrusted folders, and no virtual workspaces', async () => {
    const { extension } = await activatedApi();
    const capabilities = (extension.packageJSON as { capabilities?: Record<string, Record<string, unknown>> })
      .capabilities;
    assert.equal(capabilities?.untrustedWorkspaces?.supported, 'limited');
    const restricted = capabilities?.untrustedWorkspaces?.restrictedConfigurations as string[];
    assert.ok(restricted.includes('margin.dataPath') && restricted.includes('margin.modelPath'));
    assert.equal(capabilities?.virtualWorkspaces?.supported, false);
    assert.equal(vscode.workspace.isTrusted, true, 'the harness trusts its workspace');
  });

  it('rescans the last task without the cache', async () => {
    const first = await vscode.commands.executeCommand<ScanResult | undefined>('margin.findLabelIssues', {
      data: 'images',
      model: 'model.onnx',
    });
    assert.ok(first);
    // The same scan again comes from the cache...
    const cached = await vscode.commands.executeCommand<ScanResult | undefined>('margin.findLabelIssues', {
      data: 'images',
      model: 'model.onnx',
    });
    assert.equal(cached?.cached.result, true, 'a repeated scan should come from the cache');
    // ...and Rescan Without Cache computes it anew, on the same inputs, to the same ranking.
    const fresh = await vscode.commands.executeCommand<ScanResult | undefined>('margin.rescanWithoutCache');
    assert.ok(fresh, 'Rescan Without Cache returned no result');
    assert.equal(fresh.task, 'labels');
    assert.deepEqual(fresh.cached, { embeddings: false, result: false });
    assert.equal(fresh.params.noCache, true);
    assert.equal(fresh.dataset.source, first.dataset.source);
    assert.deepEqual(
      fresh.samples.slice(0, 20).map((sample) => sample.id),
      first.samples.slice(0, 20).map((sample) => sample.id),
    );
  });
});
