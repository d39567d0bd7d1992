/**
 * The four other scan commands in a real VS Code, on a copy of the bundled
 * example: each runs in the engine, its panel gets the same ranking as the CLI
 * computes for the same files (an independent process, no cache), and each
 * result carries what its task promises (galleries, a histogram, only
 * unlabelled samples).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ScanResult } from '../../../src/protocol/engine';
import type { ResultsPayload } from '../../../src/protocol/webview';
import { auroc } from '../../../src/core/metrics';
import { readCsv } from '../../support/truthFiles';
import { cliScanWith, exampleScans, type ExampleScan } from '../cliReference';
import { activatedApi, exampleFile, workspaceRoot } from './extension';

/** Runs one command and the CLI on the same inputs. */
async function runBoth(scan: ExampleScan): Promise<{ ours: ScanResult; cli: ScanResult }> {
  const { extension } = await activatedApi();
  const ours = await vscode.commands.executeCommand<ScanResult | undefined>(scan.command, scan.args);
  assert.ok(ours, `${scan.command} returned no result (see the MARGIN log)`);
  const out = mkdtempSync(join(tmpdir(), 'margin-e2e-cli-'));
  try {
    return { ours, cli: await cliScanWith(join(extension.extensionPath, 'dist', 'cli.js'), scan.cli, out) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function assertSameRanking(ours: ScanResult, cli: ScanResult, rows = 50): void {
  assert.equal(ours.samples.length, cli.samples.length);
  assert.equal(ours.scorer, cli.scorer);
  for (let rank = 0; rank < Math.min(rows, cli.samples.length); rank++) {
    const a = ours.samples[rank];
    const b = cli.samples[rank];
    assert.equal(a.id, b.id, `rank ${rank + 1}`);
    for (const column of cli.columns)
      assert.equal(a[column.key], b[column.key], `rank ${rank + 1}, ${column.key}`);
    assert.ok(
      Math.abs(a.score - b.score) <= 1e-9 * Math.max(1, Math.abs(b.score)),
      `score at rank ${rank + 1}`,
    );
  }
}

describe('MARGIN scan commands (in the extension host)', function () {
  this.timeout(600_000);
  const results = new Map<string, { ours: ScanResult; cli: ScanResult; payload: ResultsPayload }>();
  const scans = () => exampleScans(workspaceRoot());
  const scan = (task: string) => scans().find((entry) => entry.task === task)!;

  for (const task of ['boundary', 'adversarial', 'prototypes', 'acquire']) {
    it(`${task}: the command's ranking equals the CLI's, and its panel shows it`, async () => {
      const entry = scan(task);
      const both = await runBoth(entry);
      assert.equal(both.ours.task, task);
      assertSameRanking(both.ours, both.cli);

      const { api } = await activatedApi();
      const payload = api.lastResults();
      assert.ok(payload && payload.task === task, `the ${task} panel got no results`);
      results.set(task, { ...both, payload });
      assert.equal(payload.title, entry.title);
      assert.deepEqual(
        payload.rows.slice(0, 10).map((row) => [row.rank, row.id]),
        both.cli.samples.slice(0, 10).map((sample) => [sample.rank, sample.id]),
      );
      assert.ok(
        payload.rows.slice(0, 10).every((row) => row.openable && row.thumbnail),
        'rows open files, with thumbnails',
      );
    });
  }

  it('boundary: the samples the model gets wrong rank high (AUROC against the true labels)', async () => {
    const { ours } = results.get('boundary')!;
    const truth = new Map(
      readCsv(exampleFile((await activatedApi()).extension, 'flipped.csv')).map((row) => [
        row.id,
        row.true_label,
      ]),
    );
    const wrong = ours.samples.map((sample) => sample.predicted !== truth.get(sample.id));
    const figure = auroc(
      ours.samples.map((sample) => sample.score),
      wrong,
    );
    console.log(
      `      AUROC of the score for the model's ${wrong.filter(Boolean).length} errors: ${figure.toFixed(3)}`,
    );
    assert.ok(figure >= 0.85, `AUROC ${figure}`);
  });

  it('adversarial: attacked inputs rank above clean ones, and the panel gets the score histogram', async () => {
    const { ours, payload } = results.get('adversarial')!;
    const truth = readCsv(exampleFile((await activatedApi()).extension, join('adversarial', 'truth.csv')));
    const attacked = new Set(truth.filter((row) => row.kind !== 'clean').map((row) => row.path));
    const isAttacked = ours.samples.map((sample) => attacked.has(sample.id));
    assert.ok(isAttacked.some(Boolean) && !isAttacked.every(Boolean), 'both kinds are in the ranking');
    const figure = auroc(
      ours.samples.map((sample) => sample.score),
      isAttacked,
    );
    console.log(`      AUROC attacked vs clean: ${figure.toFixed(3)}`);
    assert.ok(figure >= 0.9, `AUROC ${figure}`);
    assert.ok(ours.distribution && ours.distribution.series.length === 2, 'a reference-vs-data distribution');
    assert.deepEqual(payload.distribution, ours.distribution);
  });

  it('prototypes: the panel gets the prototypes and criticisms the CLI lists, and the first 10 prototypes span the classes', () => {
    const { ours, cli, payload } = results.get('prototypes')!;
    assert.deepEqual(ours.prototypes, cli.prototypes);
    assert.deepEqual(payload.prototypes, cli.prototypes);
    assert.deepEqual(ours.criticisms, cli.criticisms);
    assert.equal(ours.prototypes!.length, 50);
    const labelOf = new Map(ours.samples.map((sample) => [sample.index, sample.label]));
    const classes = new Set(ours.prototypes!.slice(0, 10).map((index) => labelOf.get(index)));
    assert.ok(classes.size >= 8, `the first 10 prototypes cover ${classes.size} classes`);
  });

  it('acquire: ranks the 950 unlabelled samples of to-label.csv only', () => {
    const { ours } = results.get('acquire')!;
    assert.equal(ours.samples.length, 950);
    assert.ok(ours.samples.every((sample) => sample.label === undefined));
  });
});
