/**
 * The MARGIN side panel in a real VS Code, on the example workspace: after
 * Find Label Issues the tree lists the workspace's model and dataset (the
 * chosen pair marked), the labels task with its flagged samples, and a click
 * on a sample opens its image in the editor. The tree is walked through the
 * TreeDataProvider the extension API exposes, as VS Code itself walks it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SideNode } from '../../../src/extension/sidebar';
import type { ScanResult } from '../../../src/protocol/engine';
import { activatedApi, workspaceRoot } from './extension';

type Tree = vscode.TreeDataProvider<SideNode>;

async function children(tree: Tree, node?: SideNode): Promise<SideNode[]> {
  return (await tree.getChildren(node)) ?? [];
}

describe('MARGIN side panel (in the extension host)', function () {
  this.timeout(300_000);
  let tree: Tree;
  let result: ScanResult;

  before(async () => {
    const { api } = await activatedApi();
    tree = api.sidePanel;
    const root = workspaceRoot();
    await vscode.commands.executeCommand('margin.chooseModel', vscode.Uri.file(join(root, 'model.onnx')));
    await vscode.commands.executeCommand('margin.chooseDataset', vscode.Uri.file(join(root, 'images')));
    // No argument: the scan takes the pair chosen above, the remembered choice.
    result = (await vscode.commands.executeCommand<ScanResult | undefined>('margin.findLabelIssues'))!;
    assert.ok(result, 'Find Label Issues returned no result');
    await vscode.commands.executeCommand('margin.refreshSidePanel');
  });

  after(async () => {
    await vscode.commands.executeCommand('margin.chooseModel', { forget: true });
    await vscode.commands.executeCommand('margin.chooseDataset', { forget: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('scanned the chosen pair', () => {
    assert.equal(result.dataset.source, join(workspaceRoot(), 'images'));
    assert.equal(result.params.model, join(workspaceRoot(), 'model.onnx'));
  });

  it("lists the example's model and dataset, the chosen pair marked", async () => {
    const roots = await children(tree);
    const models = roots.find((node) => node.kind === 'group' && node.group === 'models');
    const datasets = roots.find((node) => node.kind === 'group' && node.group === 'datasets');
    assert.ok(models && datasets, `root: ${JSON.stringify(roots)}`);
    const modelNodes = await children(tree, models);
    assert.deepEqual(
      modelNodes.map((node) => node.kind === 'model' && [node.path, node.chosen]),
      [[join(workspaceRoot(), 'model.onnx'), true]],
    );
    const datasetNodes = await children(tree, datasets);
    const images = datasetNodes.find(
      (node) => node.kind === 'dataset' && node.path === join(workspaceRoot(), 'images'),
    );
    assert.ok(images && images.kind === 'dataset' && images.chosen, JSON.stringify(datasetNodes));
    assert.ok(images.kind === 'dataset' && /10 classes · 1,000 images/.test(images.description));
    assert.equal(datasetNodes.filter((node) => node.kind === 'dataset' && node.chosen).length, 1);
    const item = tree.getTreeItem(images);
    assert.match(String((item as vscode.TreeItem).description), /^✓ chosen/);
  });

  it('shows the labels task with its last result, fresh, and its flagged samples', async () => {
    const labels = (await children(tree)).find((node) => node.kind === 'task' && node.task === 'labels');
    assert.ok(labels && labels.kind === 'task' && labels.last, 'no labels task with a result');
    const estimated = result.metrics?.estimatedIssues;
    assert.equal(typeof estimated, 'number');
    assert.equal(labels.last.samples, 1000);
    assert.equal(labels.last.stale, false);
    const item = (await tree.getTreeItem(labels)) as vscode.TreeItem;
    assert.match(String(item.description), /1,000 samples · \d+ flagged · fresh$/);

    const samples = await children(tree, labels);
    const sampleNodes = samples.filter((node) => node.kind === 'sample');
    assert.ok(sampleNodes.length > 0, 'no flagged samples under the task');
    // The top of the ranking, in order (Mark OK elsewhere may take some off: the rest keep their order).
    const ranks = sampleNodes.map((node) => (node.kind === 'sample' ? node.rank : 0));
    assert.deepEqual(
      ranks,
      [...ranks].sort((a, b) => a - b),
    );
    assert.ok(
      ranks.every((rank) => rank <= Math.round(estimated!)),
      `ranks ${ranks.join(',')}`,
    );
    const first = sampleNodes[0];
    assert.ok(first.kind === 'sample');
    const sample = result.samples.find((candidate) => candidate.rank === first.rank)!;
    assert.equal(first.id, sample.id);
    assert.equal(first.path, sample.path);
    assert.equal(first.suggestion, sample.suggested);
    const firstItem = (await tree.getTreeItem(first)) as vscode.TreeItem;
    assert.equal(
      firstItem.description,
      `${sample.score.toFixed(3)} · ${String(sample.label)}${sample.suggested !== sample.label ? ` → ${String(sample.suggested)}` : ''}`,
    );
  });

  it("opens the sample's image when its item is clicked", async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const labels = (await children(tree)).find((node) => node.kind === 'task' && node.task === 'labels')!;
    const first = (await children(tree, labels)).find((node) => node.kind === 'sample')!;
    assert.ok(first.kind === 'sample' && first.path);
    const item = (await tree.getTreeItem(first)) as vscode.TreeItem;
    assert.ok(item.command, 'the sample item has no command');
    assert.equal(item.command.command, 'margin.openSample');
    await vscode.commands.executeCommand(item.command.command, ...(item.command.arguments ?? []));
    const opened = await waitFor(() =>
      vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .find((tab) => tabUri(tab)?.fsPath === first.path),
    );
    assert.ok(opened, `no tab shows ${first.path}`);
    // In the active group, not beside: the image gets the editor's full width.
    assert.equal(vscode.window.tabGroups.all.length, 1);
  });
});

function tabUri(tab: vscode.Tab): vscode.Uri | undefined {
  const input = tab.input;
  if (
    input instanceof vscode.TabInputText ||
    input instanceof vscode.TabInputCustom ||
    input instanceof vscode.TabInputNotebook
  )
    return input.uri;
  return undefined;
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T | undefined> {
  const start = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined || Date.now() - start > timeoutMs) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
