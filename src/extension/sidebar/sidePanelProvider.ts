/**
 * The MARGIN side panel's tree (view `margin.sidePanel`): builds the nodes of
 * sideTreeModel.ts from what the workspace holds (discovery), what the user
 * chose (RememberedTargets) and the latest results (services.results), and
 * turns them into TreeItems. With nothing found it lists nothing, so VS Code
 * shows the welcome view (context key `margin.hasTargets`).
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { SampleResult, ScanResult } from '../../protocol/engine';
import { MANAGE_TRUST_COMMAND } from '../commands/workspaceTrust';
import type { ExtensionServices } from '../commands/services';
import { TASK_COMMANDS } from '../commands/taskCommands';
import type { DatasetCandidate } from '../discovery/datasetCandidates';
import type { RememberedTargets } from '../discovery/rememberedTargets';
import { findDatasetCandidates, findModelCandidates } from '../discovery/workspaceSearch';
import { Disposable } from '../dispose';
import { reviewFor } from '../review';
import {
  datasetNodes,
  flaggedSamples,
  isStale,
  modelNodes,
  sampleDescription,
  sampleLabel,
  sampleNodes,
  taskDescription,
  withChosenModel,
  type SideNode,
  type TaskNode,
} from './sideTreeModel';

export const SIDE_PANEL_VIEW = 'margin.sidePanel';
export const OPEN_SAMPLE_COMMAND = 'margin.openSample';
/** Internal (not in the palette): the "… N more" item shows the task's results panel. */
export const SHOW_TASK_RESULTS_COMMAND = 'margin.sidePanel.showTaskResults';

/** Titles of tasks not run yet (a result brings its own). */
const TASK_TITLES: Record<string, string> = {
  labels: 'Label issues',
  boundary: 'Boundary samples',
  adversarial: 'Adversarial inputs',
  prototypes: 'Prototypes and criticisms',
  acquire: 'Samples to label',
};
/** Label folders stat'ed to tell whether an image folder changed; more is a huge dataset, checked by its root. */
const LABEL_FOLDERS_CHECKED = 1000;

export class SidePanelProvider extends Disposable implements vscode.TreeDataProvider<SideNode> {
  private readonly changed = this._register(new vscode.EventEmitter<SideNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private models: string[] = [];
  private datasets: DatasetCandidate[] = [];
  private search: Promise<void> | undefined;

  constructor(
    private readonly services: ExtensionServices,
    private readonly targets: RememberedTargets,
  ) {
    super();
    this._register(services.results.onDidPublish(() => this.changed.fire(undefined)));
    this._register(targets.onDidChange(() => this.changed.fire(undefined)));
    // A decision (Mark OK, Relabel) takes its sample off the list.
    const review = reviewFor(services);
    if (review) this._register(review.flags.onDidChange(() => this.changed.fire(undefined)));
  }

  /**
   * The samples a result flags: for label issues the review's list (reviewed
   * samples left out, as in the Problems panel and the Explorer), else the task's own.
   */
  private flagged(result: ScanResult): SampleResult[] {
    const state = reviewFor(this.services)?.flags.current();
    if (state && state.entry.result === result) return state.flagged.map((flag) => flag.sample);
    return flaggedSamples(result);
  }

  /** Looks for models and datasets again (and redraws); resolves when the search is done. */
  refresh(): Promise<void> {
    this.search = this.searchWorkspace();
    this.changed.fire(undefined);
    return this.search;
  }

  /** Redraws without searching again (a result or a review decision arrived). */
  redraw(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: SideNode): Promise<SideNode[]> {
    if (!node) return this.rootNodes();
    switch (node.kind) {
      case 'group':
        await this.searched();
        return node.group === 'models'
          ? modelNodes(withChosenModel(this.models, this.targets.get('model')), this.chosenModel())
          : datasetNodes(this.datasets, this.targets.get('dataset'));
      case 'task': {
        const latest = this.services.results.get(node.task);
        return latest ? sampleNodes(latest.result, this.flagged(latest.result)) : [];
      }
      default:
        return [];
    }
  }

  getTreeItem(node: SideNode): vscode.TreeItem {
    switch (node.kind) {
      case 'untrusted': {
        const item = new vscode.TreeItem('Restricted Mode');
        item.description = 'trust this folder to scan';
        item.tooltip =
          'MARGIN loads no model and reads no .margin/ cache until you trust this folder, because both come from its author.';
        item.iconPath = new vscode.ThemeIcon('shield');
        item.command = { command: MANAGE_TRUST_COMMAND, title: 'Manage Workspace Trust' };
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(
          node.group === 'models' ? 'Models' : 'Datasets',
          vscode.TreeItemCollapsibleState.Expanded,
        );
        item.id = `group:${node.group}`;
        item.iconPath = new vscode.ThemeIcon(node.group === 'models' ? 'circuit-board' : 'database');
        return item;
      }
      case 'model':
      case 'dataset': {
        const item = new vscode.TreeItem(basename(node.path));
        item.id = `${node.kind}:${node.path}`;
        const where = vscode.workspace.asRelativePath(dirname(node.path), true);
        const detail = node.kind === 'dataset' ? `${node.description} · ${where}` : where;
        item.description = node.chosen ? `✓ chosen · ${detail}` : detail;
        item.tooltip = `${node.path}${node.chosen ? '\nChosen for this workspace: the scans use it.' : ''}`;
        item.iconPath = new vscode.ThemeIcon(
          node.chosen ? 'pass-filled' : node.kind === 'model' ? 'symbol-class' : 'folder',
        );
        item.resourceUri = vscode.Uri.file(node.path);
        item.contextValue = `margin.${node.kind}${node.chosen ? '.chosen' : ''}`;
        return item;
      }
      case 'task': {
        const item = new vscode.TreeItem(
          node.title,
          node.last ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
        );
        item.id = `task:${node.task}`;
        item.description = taskDescription(node.last);
        item.tooltip = node.last
          ? `${node.title}: last run ${node.last.receivedAt.toLocaleString()} on ${node.data ?? '?'}` +
            `${node.model ? ` with ${node.model}` : ''}.` +
            (node.last.stale ? '\nStale: the model or the dataset changed since; run it again.' : '')
          : `${node.title}: not run in this window yet.`;
        item.iconPath = new vscode.ThemeIcon(
          !node.last ? 'circle-outline' : node.last.stale ? 'warning' : 'check',
        );
        item.contextValue = `margin.task.${node.task}${node.last ? '.done' : ''}`;
        return item;
      }
      case 'sample': {
        const item = new vscode.TreeItem(sampleLabel(node));
        item.id = `sample:${node.task}:${node.index}`;
        item.description = sampleDescription(node);
        item.tooltip = new vscode.MarkdownString().appendText(
          [
            `${node.id} (rank ${node.rank}, score ${node.score.toFixed(4)})`,
            node.label !== undefined ? `label: ${node.label}` : undefined,
            node.suggestion !== undefined ? `suggestion: ${node.suggestion}` : undefined,
          ]
            .filter((line) => line !== undefined)
            .join('\n'),
        );
        if (node.path) item.resourceUri = vscode.Uri.file(node.path);
        item.iconPath = new vscode.ThemeIcon(node.image ? 'file-media' : 'list-flat');
        item.command = { command: OPEN_SAMPLE_COMMAND, title: 'Open Sample', arguments: [node] };
        item.contextValue = node.image ? 'margin.sample.image' : 'margin.sample.row';
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem(`… ${node.hidden.toLocaleString('en-US')} more`);
        item.id = `more:${node.task}`;
        item.description = 'in the results panel';
        item.command = { command: SHOW_TASK_RESULTS_COMMAND, title: 'Show Results', arguments: [node.task] };
        return item;
      }
    }
  }

  /** The model scans use now: the chosen one (settings, when set, still win in the scan commands). */
  private chosenModel(): string | undefined {
    return this.targets.get('model');
  }

  private async rootNodes(): Promise<SideNode[]> {
    await this.searched();
    const tasks = await Promise.all(TASK_COMMANDS.map((spec) => this.taskNode(spec.task, spec.command)));
    const found =
      this.models.length > 0 ||
      this.datasets.length > 0 ||
      this.targets.get('model') !== undefined ||
      this.targets.get('dataset') !== undefined ||
      tasks.some((task) => task.last);
    void vscode.commands.executeCommand('setContext', 'margin.hasTargets', found);
    // Nothing found: an empty tree, so VS Code shows the welcome view with its buttons.
    if (!found) return [];
    const nodes: SideNode[] = [];
    if (!vscode.workspace.isTrusted) nodes.push({ kind: 'untrusted' });
    nodes.push({ kind: 'group', group: 'models' }, { kind: 'group', group: 'datasets' }, ...tasks);
    return nodes;
  }

  private async taskNode(task: string, command: string): Promise<TaskNode> {
    const latest = this.services.results.get(task);
    if (!latest) return { kind: 'task', task, command, title: TASK_TITLES[task] ?? task };
    const { result, receivedAt } = latest;
    const node: TaskNode = { kind: 'task', task, command, title: result.title, data: result.dataset.source };
    if (result.params.model) node.model = result.params.model;
    if (result.reference) node.reference = result.reference.source;
    node.last = {
      receivedAt,
      samples: result.samples.length,
      flagged: this.flagged(result).length,
      stale: isStale(receivedAt, await modificationTimes(result)),
    };
    return node;
  }

  private searched(): Promise<void> {
    this.search ??= this.searchWorkspace();
    return this.search;
  }

  private async searchWorkspace(): Promise<void> {
    try {
      const [models, datasets] = await Promise.all([findModelCandidates(), findDatasetCandidates()]);
      this.models = models;
      this.datasets = datasets;
    } catch (error) {
      this.services.log.warn(`side panel: the workspace search failed: ${(error as Error).message}`);
    }
  }
}

/**
 * When the inputs of a result last changed: the model file, the dataset file,
 * or an image folder and its label folders (adding, removing or moving an
 * image changes its folder's time). Files that cannot be read count as changed now.
 */
async function modificationTimes(result: ScanResult): Promise<number[]> {
  const paths = [result.dataset.source];
  if (result.params.model) paths.push(result.params.model);
  if (result.dataset.kind === 'image-folder') {
    const entries = await readdir(result.dataset.source, { withFileTypes: true }).catch(() => []);
    paths.push(
      ...entries
        .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
        .slice(0, LABEL_FOLDERS_CHECKED)
        .map((entry) => join(result.dataset.source, entry.name)),
    );
  }
  return Promise.all(
    paths.map((path) =>
      stat(path).then(
        (info) => info.mtimeMs,
        () => Date.now(),
      ),
    ),
  );
}
