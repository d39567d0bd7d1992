/**
 * The labels task's scorers through the CLI, on the noisy fixture set (1,000
 * real Fashion-MNIST test images, 50 labels flipped; truth in
 * noisy-truth.csv) with the real exported model, and on the text fixture
 * without a model: every scorer is reachable by name, `auto` is `fused`, and
 * the estimated number of label issues is in the JSON metrics, close to the
 * true count, and marked in the CLI table.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labelsTask } from '../../src/engine/tasks/labels';
import type { ScanResult } from '../../src/protocol/engine';
import { fixtures, flippedIds, freshDir, readCsv, runCli } from './helpers';

const fmnist = join(fixtures, 'fmnist');
const model = join(fmnist, 'model.onnx');
const noisy = join(fmnist, 'noisy');

describe('margin scan --task labels: scorers, default and estimate (CLI)', function () {
  this.timeout(600_000);
  // One folder for every scan: the embeddings are cached after the first.
  const dir = freshDir();
  const flipped = flippedIds(join(fmnist, 'noisy-truth.csv'));

  function scan(args: string[], out: string): { result: ScanResult; stdout: string; stderr: string } {
    const run = runCli(['scan', '--task', 'labels', ...args, '--out', out, '--quiet'], dir);
    assert.equal(run.status, 0, run.stderr);
    return { result: JSON.parse(readFileSync(join(dir, out), 'utf8')) as ScanResult, ...run };
  }

  it('lists fused first, margin (the paper) and the baselines; auto is fused', () => {
    assert.deepEqual(
      labelsTask.scorers.map((scorer) => scorer.name),
      ['fused', 'margin', 'disagreement', 'confidence', 'spread', 'confident-learning'],
    );
    assert.equal(labelsTask.defaultScorer, 'fused');
    const { result } = scan(['--data', noisy, '--model', model, '--top', '0'], 'auto.json');
    assert.equal(result.scorer, 'fused');
  });

  for (const scorer of labelsTask.scorers.map((entry) => entry.name)) {
    it(`runs --scorer ${scorer}: every sample ranked once, scores descending, most flips in the top 10%`, () => {
      const { result } = scan(['--data', noisy, '--model', model, '--scorer', scorer], `${scorer}.json`);
      assert.equal(result.scorer, scorer);
      assert.equal(new Set(result.samples.map((sample) => sample.index)).size, 1000);
      result.samples.forEach((sample, position) => {
        if (position > 0) assert.ok(sample.score <= result.samples[position - 1].score);
      });
      const found = result.samples.slice(0, 100).filter((sample) => flipped.has(sample.id)).length;
      console.log(`      ${scorer}: ${found}/${flipped.size} flips in the top 10%`);
      // Every scorer we ship finds far more than chance (10%) on this clean-cut set.
      assert.ok(found / flipped.size >= 0.8, `${found}/${flipped.size}`);
    });
  }

  it('puts the estimated number of label issues in the metrics, within 30% of the 50 flipped', () => {
    const { result } = scan(['--data', noisy, '--model', model], 'estimate.json');
    const { estimatedIssues, estimatedNoiseRate, confidentJointIssues } = result.metrics!;
    console.log(
      `      estimated ${estimatedIssues} (noise rate ${estimatedNoiseRate.toFixed(3)}); confident joint ${confidentJointIssues}; flipped ${flipped.size}`,
    );
    assert.ok(Math.abs(estimatedIssues - flipped.size) <= 0.3 * flipped.size, `${estimatedIssues}`);
    assert.ok(Math.abs(estimatedNoiseRate - estimatedIssues / 1000) < 0.02);
    assert.ok(Number.isInteger(confidentJointIssues));
  });

  it('marks where the estimated issues end in the CLI table', () => {
    const run = runCli(['scan', '--data', noisy, '--model', model, '--top', '80', '--quiet'], dir);
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    const cut = lines.findIndex((line) => /estimated issues: \d+ of 1000 .* above this line/.test(line));
    assert.ok(cut > 0, run.stdout);
    const estimate = Number(/estimated issues: (\d+)/.exec(lines[cut])![1]);
    // Heading, column header, then ranks 1..estimate, then the line.
    assert.equal(cut, estimate + 2);
    assert.match(lines[cut - 1], new RegExp(`^${estimate}\\s`));
    assert.match(lines[cut + 1], new RegExp(`^${estimate + 1}\\s`));
  });

  it('says where the class probabilities come from without a model (text, every scorer)', () => {
    const text = join(fixtures, 'text');
    const truth = readCsv(join(text, 'debian-packages-noisy-truth.csv'));
    const flippedRows = new Set(truth.filter((row) => row.flipped === '1').map((row) => Number(row.index)));
    for (const scorer of ['fused', 'confidence', 'confident-learning']) {
      const { result } = scan(
        [
          '--data',
          join(text, 'debian-packages-noisy.csv'),
          '--text-column',
          'text',
          '--label-column',
          'label',
          '--scorer',
          scorer,
        ],
        `text-${scorer}.json`,
      );
      assert.ok(
        result.notices!.some((notice) =>
          /^no model: class probabilities come from a logistic regression/.test(notice),
        ),
        JSON.stringify(result.notices),
      );
      const found = result.samples.slice(0, 60).filter((sample) => flippedRows.has(sample.index)).length;
      console.log(`      text ${scorer}: ${found}/${flippedRows.size} flips in the top 10%`);
      assert.ok(found / flippedRows.size >= 0.3, `${found}/${flippedRows.size}`);
      assert.ok(result.metrics!.estimatedIssues > 0);
    }
  });
});
