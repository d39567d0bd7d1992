/**
 * The MARGIN side panel and the commands around it: Open Sample, Choose
 * Model…/Dataset…, Refresh, Rescan Without Cache. Registered by one line in
 * extension.ts; it also gives the scan commands the workspace's remembered
 * choice (`services.targets`).
 */
import * as vscode from 'vscode';
import { RESCAN_WITHOUT_CACHE_COMMAND, runRescanWithoutCache } from '../commands/rescanCommand';
import type { ExtensionServices } from '../commands/services';
import { RememberedTargets } from '../discovery/rememberedTargets';
import { chooseDataset, chooseModel } from './chooseTargets';
import { openSample } from './sampleOpener';
import {
  OPEN_SAMPLE_COMMAND,
  SHOW_TASK_RESULTS_COMMAND,
  SIDE_PANEL_VIEW,
  SidePanelProvider,
} from './sidePanelProvider';

export type { SampleArgument } from './sideTreeModel';
export type { SideNode } from './sideTreeModel';
export { SidePanelProvider } from './sidePanelProvider';

/** What the test API exposes of the side panel. */
export interface SidePanelApi {
  tree: SidePanelProvider;
}

/** Files whose change can add or remove a model or dataset (the engine's own `.margin/` writes do not). */
const WATCHED = '**/*.{onnx,csv,tsv,jsonl,npy,gz,idx,png,jpg,jpeg}';
const IGNORED = /[\\/](\.margin|node_modules|\.git)[\\/]/;
const REFRESH_DELAY_MS = 1500;

export function registerSidePanel(
  context: vscode.ExtensionContext,
  services: ExtensionServices,
): SidePanelApi {
  const targets = new RememberedTargets(context.workspaceState);
  services.targets = targets;
  const tree = new SidePanelProvider(services, targets);
  const view = vscode.window.createTreeView(SIDE_PANEL_VIEW, {
    treeDataProvider: tree,
    showCollapseAll: true,
  });

  let pending: ReturnType<typeof setTimeout> | undefined;
  const refreshSoon = (uri: vscode.Uri) => {
    if (IGNORED.test(uri.fsPath)) return;
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => void tree.refresh(), REFRESH_DELAY_MS);
  };
  const watcher = vscode.workspace.createFileSystemWatcher(WATCHED);

  context.subscriptions.push(
    tree,
    view,
    watcher,
    watcher.onDidCreate(refreshSoon),
    watcher.onDidDelete(refreshSoon),
    // A changed file does not add or remove a candidate, but may make a result stale.
    watcher.onDidChange((uri) => {
      if (!IGNORED.test(uri.fsPath)) tree.redraw();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void tree.refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => tree.redraw()),
    { dispose: () => pending && clearTimeout(pending) },
    vscode.commands.registerCommand(OPEN_SAMPLE_COMMAND, (arg?: unknown) => openSample(services, arg)),
    vscode.commands.registerCommand('margin.chooseModel', (arg?: unknown) => chooseModel(targets, arg)),
    vscode.commands.registerCommand('margin.chooseDataset', (arg?: unknown) => chooseDataset(targets, arg)),
    vscode.commands.registerCommand('margin.refreshSidePanel', () => tree.refresh()),
    vscode.commands.registerCommand(RESCAN_WITHOUT_CACHE_COMMAND, (arg?: unknown) =>
      runRescanWithoutCache(services, arg),
    ),
    vscode.commands.registerCommand(SHOW_TASK_RESULTS_COMMAND, (task: unknown) => {
      const latest = typeof task === 'string' ? services.results.get(task) : undefined;
      if (latest) services.panels.show(latest.result);
    }),
  );
  return { tree };
}
