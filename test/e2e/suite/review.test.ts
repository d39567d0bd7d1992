/**
 * Inline review in a real VS Code: on a manifest CSV written here (200 of the
 * workspace's images, 20 labels changed on purpose), Find Label Issues puts
 * diagnostics on the flagged rows; the Relabel quick fix changes the row on
 * disk after save and Undo restores the file byte for byte; Mark as reviewed
 * persists in `.margin/review.json`. On the image folder a flagged file has a
 * badge, Relabel moves it to the suggested class folder and its Undo moves it back.
 * (Reloading the window is the UI harness's job; here a fresh ReviewStore
 * reads the file back.)
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { ScanResult } from '../../../src/protocol/engine';
import { ReviewStore, reviewFile } from '../../../src/extension/review/reviewStore';
import { activatedApi, workspaceRoot } from './extension';
import { manifestText, rowText, writeReviewManifest, type ManifestRow } from './reviewManifest';

const MANIFEST_FOLDER = 'review-manifest';

async function until<T>(what: string, probe: () => T | undefined, ms = 15_000): Promise<T> {
  for (let waited = 0; waited < ms; waited += 100) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function marginDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((diagnostic) => diagnostic.source === 'MARGIN')
    .sort((a, b) => a.range.start.line - b.range.start.line);
}

function topFlagged(result: ScanResult): string[] {
  const cut = result.metrics?.estimatedIssues;
  assert.equal(typeof cut, 'number', 'the labels result carries metrics.estimatedIssues');
  return [...result.samples]
    .sort((a, b) => a.rank - b.rank)
    .slice(0, cut)
    .map((sample) => sample.id);
}

describe('Inline review (in the extension host)', function () {
  this.timeout(300_000);
  let root: string;
  let manifest: string;
  let uri: vscode.Uri;
  let rows: ManifestRow[];
  let original: Buffer;
  let result: ScanResult;

  before(async () => {
    await activatedApi();
    root = workspaceRoot();
    ({ file: manifest, rows } = writeReviewManifest(root, MANIFEST_FOLDER, 20, 2));
    uri = vscode.Uri.file(manifest);
    original = readFileSync(manifest);
    result = (await vscode.commands.executeCommand<ScanResult | undefined>('margin.findLabelIssues', {
      data: `${MANIFEST_FOLDER}/labels.csv`,
      model: 'model.onnx',
    }))!;
    assert.ok(result, 'the command returned no result');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(join(root, MANIFEST_FOLDER), { recursive: true, force: true });
  });

  it('scans the manifest and reports each row’s line', () => {
    assert.equal(result.task, 'labels');
    assert.equal(result.samples.length, rows.length);
    for (const sample of result.samples) {
      const row = rows.findIndex((candidate) => candidate.path === sample.id);
      assert.ok(row >= 0, `${sample.id} is a row of the manifest`);
      assert.equal(sample.line, row + 2, `line of ${sample.id}`);
    }
  });

  it('puts a diagnostic on each flagged row, on that row’s own line', async () => {
    const expected = topFlagged(result);
    const diagnostics = await until('the manifest diagnostics', () => {
      const found = marginDiagnostics(uri);
      return found.length === expected.length ? found : undefined;
    });
    assert.deepEqual(diagnostics.map((d) => String(d.code)).sort(), [...expected].sort());
    for (const diagnostic of diagnostics) {
      // Line n (0-based) of the file written above is row n - 1: its path cell is the sample id.
      const row = rows[diagnostic.range.start.line - 1];
      assert.equal(row?.path, diagnostic.code, `line ${diagnostic.range.start.line + 1}`);
      const sample = result.samples.find((candidate) => candidate.id === diagnostic.code)!;
      if (sample.suggested !== sample.label) assert.ok(diagnostic.message.includes(`"${sample.suggested}"`));
    }
    const changed = rows.filter((row) => row.changed).map((row) => row.path);
    const caught = changed.filter((id) => expected.includes(id)).length;
    console.log(`      changed labels flagged: ${caught}/${changed.length} (${expected.length} flags)`);
    assert.ok(caught / changed.length >= 0.5, `only ${caught} of ${changed.length} changed labels flagged`);
  });

  it('shows score, suggestion and neighbours on hover', async () => {
    const [first] = marginDiagnostics(uri);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      first.range.start,
    );
    const text = hovers
      .flatMap((hover) => hover.contents)
      .map((content) => (typeof content === 'string' ? content : content.value))
      .join('\n');
    const sample = result.samples.find((candidate) => candidate.id === first.code)!;
    assert.match(text, new RegExp(`Score ${sample.score.toFixed(3)}`));
    assert.ok(text.includes(`\`${String(sample.suggested)}\``), text);
    if (sample.neighbours?.length) {
      const nearest = result.samples.find((candidate) => candidate.index === sample.neighbours![0]);
      if (nearest) assert.ok(text.includes(nearest.id), `the nearest neighbour ${nearest.id} is named`);
    }
  });

  it('relabels the first flagged row with its quick fix (on disk after save), and Undo restores the file byte for byte', async () => {
    const diagnostic = marginDiagnostics(uri).find((candidate) => {
      const sample = result.samples.find((s) => s.id === candidate.code)!;
      return sample.suggested !== sample.label;
    })!;
    const sample = result.samples.find((candidate) => candidate.id === diagnostic.code)!;
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      diagnostic.range,
    );
    const relabel = actions.find((action) => action.title === `Relabel to ${String(sample.suggested)}`);
    assert.ok(relabel?.edit, `no Relabel quick fix among: ${actions.map((a) => a.title).join(', ')}`);
    // The fix names its sample (the diagnostic's code); executeCodeActionProvider does not hand back `diagnostics`.
    assert.deepEqual(relabel.command?.arguments?.[0], {
      datasetKey: result.dataset.source,
      sampleId: sample.id,
    });
    assert.ok(await vscode.workspace.applyEdit(relabel.edit));
    if (relabel.command)
      await vscode.commands.executeCommand(relabel.command.command, ...(relabel.command.arguments ?? []));

    // The editor shows the change before it is saved.
    const rowIndex = diagnostic.range.start.line - 1;
    const expectedRows = rows.map((row, i) =>
      i === rowIndex ? { ...row, label: String(sample.suggested) } : row,
    );
    assert.equal(document.isDirty, true);
    assert.equal(document.lineAt(diagnostic.range.start.line).text, rowText(expectedRows[rowIndex]));
    assert.equal(readFileSync(manifest).equals(original), true, 'nothing on disk changes before save');
    assert.ok(await document.save());
    assert.equal(readFileSync(manifest, 'utf8'), manifestText(expectedRows));
    await until('the relabelled row to lose its flag', () =>
      marginDiagnostics(uri).some((d) => d.code === sample.id) ? undefined : true,
    );

    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('undo');
    assert.ok(await document.save());
    assert.equal(readFileSync(manifest).equals(original), true, 'Undo restores the manifest byte for byte');
    // The decision is still recorded, but no longer in the file: the row is flagged again.
    await until('the undone row to be flagged again', () =>
      marginDiagnostics(uri).some((d) => d.code === sample.id) ? true : undefined,
    );
  });

  it('marks a row as reviewed: the flag goes, the decision is on disk and read back, and exported', async () => {
    const diagnostic = marginDiagnostics(uri)[1];
    const id = String(diagnostic.code);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      diagnostic.range,
    );
    const reviewed = actions.find((action) => action.title.startsWith('Mark as reviewed'));
    assert.ok(reviewed?.command, 'no Mark as reviewed quick fix');
    assert.equal(reviewed.edit, undefined, 'marking as reviewed changes nothing in the dataset');
    assert.equal(
      await vscode.commands.executeCommand(reviewed.command.command, ...(reviewed.command.arguments ?? [])),
      true,
    );
    await until('the reviewed row to lose its flag', () =>
      marginDiagnostics(uri).some((d) => d.code === id) ? undefined : true,
    );
    assert.equal(readFileSync(manifest).equals(original), true, 'the manifest is untouched');

    const onDisk = JSON.parse(readFileSync(reviewFile(root), 'utf8')) as {
      datasets: Record<string, Record<string, { state: string }>>;
    };
    assert.equal(onDisk.datasets[result.dataset.source]?.[id]?.state, 'ok');
    const fresh = await ReviewStore.open(root);
    assert.equal(fresh.decision(result.dataset.source, id)?.state, 'ok');

    const exported = await vscode.commands.executeCommand<string>(
      'margin.exportReview',
      join(root, '.margin', 'review-export-test.csv'),
    );
    const lines = readFileSync(exported, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'dataset,sample,path,decision,given_label,new_label,applied,decided_at');
    assert.ok(
      lines.some((line) => line.startsWith(`${result.dataset.source},${id},`) && line.includes(',ok,')),
      lines.join('\n'),
    );
  });

  it('badges a flagged image in the Explorer; Relabel moves it to the suggested class, its Undo moves it back', async () => {
    const images = (await vscode.commands.executeCommand<ScanResult | undefined>('margin.findLabelIssues', {
      data: 'images',
      model: 'model.onnx',
    }))!;
    const sample = [...images.samples]
      .sort((a, b) => a.rank - b.rank)
      .find((candidate) => candidate.suggested !== candidate.label)!;
    const file = vscode.Uri.file(sample.path!);
    const badge = await vscode.commands.executeCommand<{ badge?: string; tooltip?: string } | undefined>(
      'margin.review.decoration',
      file,
    );
    assert.equal(badge?.badge, '!');
    assert.ok(badge.tooltip?.includes(`"${String(sample.suggested)}"`), badge.tooltip);
    const folderBadge = await vscode.commands.executeCommand<{ badge?: string } | undefined>(
      'margin.review.decoration',
      vscode.Uri.file(dirname(sample.path!)),
    );
    assert.match(folderBadge?.badge ?? '', /^\d+$/, 'the class folder has a count badge');

    const moved = join(root, 'images', String(sample.suggested), basename(sample.path!));
    assert.equal(await vscode.commands.executeCommand('margin.relabelSample', file, sample.suggested), true);
    assert.equal(existsSync(moved), true, `moved to ${moved}`);
    assert.equal(existsSync(sample.path!), false);
    assert.equal(await vscode.commands.executeCommand('margin.review.decoration', file), undefined);

    assert.equal(await vscode.commands.executeCommand('margin.review.undoRelabel', file), true);
    assert.equal(existsSync(sample.path!), true, 'moved back');
    assert.equal(existsSync(moved), false);
    const fresh = await ReviewStore.open(root);
    assert.equal(
      fresh.decision(images.dataset.source, sample.id),
      undefined,
      'the undone relabel is forgotten',
    );
    assert.equal(
      (await vscode.commands.executeCommand<{ badge?: string }>('margin.review.decoration', file))?.badge,
      '!',
    );
  });
});
