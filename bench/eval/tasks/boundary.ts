/**
 * Boundary task (MARGIN case IV) on held-out Fashion-MNIST: how well does each
 * scorer find the fixture model's mistakes among the 10,000 test images (which
 * it never saw)? AUROC and average precision of the score for "predicted ≠ true
 * label", every scorer without a reference and with the 60,000 training images
 * (true labels) as the reference, through the task's own code
 * (scoreBoundary, as `margin scan --task boundary` runs it).
 *
 *   npx tsx bench/eval/run.ts --task boundary
 */
import { averagePrecision, auroc } from '../../../src/core/metrics';
import { graphFromKnn } from '../../../src/core/csr';
import { labelDisagreement, rankByScore } from '../../../src/core/labels';
import { densityFilter, topTwo, trustScores } from '../../../src/core/boundary';
import { silentContext } from '../../../src/engine/context';
import { resolveParams } from '../../../src/engine/scan';
import { boundaryTask } from '../../../src/engine/tasks/boundary';
import { scoreBoundary } from '../../../src/engine/tasks/boundary/rankBoundarySamples';
import { ortCrossKnn } from '../../../src/model/ortCrossKnn';
import { labelledReference } from '../../../src/engine/tasks/boundary/classes';
import type { TaskDataset } from '../../../src/engine/tasks/types';
import { loadModelConfig, openModel, ortKnn } from '../../../src/model';
import type { DatasetSpec } from '../../../src/protocol/engine';
import {
  embeddedSplit,
  FIXTURE_MODEL,
  meanAndSpread,
  repoRoot,
  seededRandom,
  type EmbeddedSplit,
} from '../fashionMnist';

const SEEDS = [1, 2, 3];
const SMALL_REFERENCE = 1_000;

interface Figures {
  auroc: number;
  ap: number;
}

function figures(scores: ArrayLike<number>, mistakes: boolean[]): Figures {
  return { auroc: auroc(scores, mistakes), ap: averagePrecision(rankByScore(scores), mistakes) };
}

function taskDataset(
  role: 'data' | 'reference',
  split: EmbeddedSplit,
  classNames: string[] | undefined,
  rows?: Int32Array,
): TaskDataset {
  const kept = rows ?? Int32Array.from({ length: split.embeddings.rows }, (_, i) => i);
  const pick = (m: EmbeddedSplit['logits']) => {
    if (!rows) return m;
    const data = new Float32Array(rows.length * m.dim);
    rows.forEach((row, r) => data.set(m.data.subarray(row * m.dim, (row + 1) * m.dim), r * m.dim));
    return { rows: rows.length, dim: m.dim, data };
  };
  return {
    role,
    dataset: split.dataset,
    representation: {
      points: pick(split.embeddings),
      keptIndices: kept,
      logits: pick(split.logits),
      classNames,
      skipped: [],
      source: 'model-embeddings',
      cached: true,
    },
  };
}

function randomRows(n: number, count: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, count).sort();
}

const format = (value: number) => value.toFixed(3);
const seconds = (values: number[]) => {
  const { mean, sd } = meanAndSpread(values);
  return `${mean.toFixed(0)} ± ${sd.toFixed(0)} s`;
};
const spread = (values: number[]) => {
  const { mean, sd } = meanAndSpread(values);
  return values.length > 1 ? `${format(mean)} ± ${sd.toFixed(4)}` : format(mean);
};

export async function evaluate(): Promise<string> {
  const [test, train] = await Promise.all([embeddedSplit('t10k'), embeddedSplit('train')]);
  const classNames = (await loadModelConfig(FIXTURE_MODEL, (await openModel(FIXTURE_MODEL)).info)).labels;
  const predicted = topTwo(test.logits).first;
  const mistakes = Array.from(predicted, (c, i) => c !== test.labels[i]);
  const mistakeCount = mistakes.filter(Boolean).length;
  const data = taskDataset('data', test, classNames);
  const fullReference = taskDataset('reference', train, classNames);

  const run = async (scorer: string, reference?: TaskDataset, seed?: number) => {
    const datasets: DatasetSpec[] = [{ role: 'data', path: test.dataset.source }];
    if (reference) datasets.push({ role: 'reference', path: train.dataset.source });
    const params = resolveParams(
      { task: 'boundary', datasets, model: FIXTURE_MODEL, scorer, noCache: true },
      boundaryTask,
      repoRoot,
    );
    const started = performance.now();
    const output = await scoreBoundary({ params, data, reference }, silentContext, { seed });
    const seconds = (performance.now() - started) / 1000;
    console.error(
      `  ${scorer}${reference ? ` + reference (${reference.representation.points.rows})` : ''}${seed ? ` seed ${seed}` : ''}: ${seconds.toFixed(1)} s`,
    );
    // Samples come in row order (every test image is kept).
    return {
      scores: output.samples.map((sample) => sample.score),
      metrics: output.metrics ?? {},
      notices: output.notices ?? [],
      seconds,
    };
  };

  const rows: string[] = [];
  const row = (cells: string[]) => rows.push(`| ${cells.join(' | ')} |`);

  // Scorers that do not read the reference: one run, the same figure in both columns.
  const plain: [string, string][] = [
    ['margin', 'MARGIN on predicted-label disagreement, k = 30 (the paper)'],
    ['confidence', '1 − p(predicted) (max-softmax baseline)'],
    ['entropy', 'entropy of the softmax'],
    ['margin-gap', '1 − (p₁ − p₂)'],
    ['boundary-distance', 'linearised distance to the boundary, (z₁ − z₂)/‖∇ₓ(z₁ − z₂)‖'],
  ];
  const best = { without: 0, with: 0 };
  for (const [scorer, what] of plain) {
    const result = figures((await run(scorer)).scores, mistakes);
    best.without = Math.max(best.without, result.auroc);
    best.with = Math.max(best.with, result.auroc);
    row([`\`${scorer}\``, what, format(result.auroc), format(result.ap), 'not used', '']);
    if (scorer === 'margin') {
      // The paper's node function before its filter, on the same graph (symmetrised 30-NN).
      const graph = graphFromKnn(await ortKnn(test.embeddings, 30));
      const f = figures(labelDisagreement(graph, predicted), mistakes);
      row([
        "(MARGIN's f, unfiltered)",
        'f alone: share of the 30 nearest test images predicted as another class',
        format(f.auroc),
        format(f.ap),
        'not used',
        '',
      ]);
    }
  }

  const trust = figures((await run('trust-score', fullReference)).scores, mistakes);
  row([
    '`trust-score`',
    'trust score, α = 0.05, k = 10 (Jiang et al. 2018)',
    'needs one',
    '',
    format(trust.auroc),
    format(trust.ap),
  ]);
  best.with = Math.max(best.with, trust.auroc);

  // The paper's "α = 0 in most experiments" setting, through the same core function.
  const labelled = labelledReference(fullReference, classNames!);
  const keepAll = await densityFilter(labelled.points, labelled.labels, 10, { alpha: 0 });
  const trustAlpha0 = await trustScores(test.embeddings, predicted, labelled.points, labelled.labels, 10, {
    kept: keepAll,
    crossKnn: ortCrossKnn,
  });
  const alpha0 = figures(trustAlpha0.score, mistakes);
  row([
    '(trust score, α = 0)',
    'the same without density filtering',
    'needs one',
    '',
    format(alpha0.auroc),
    format(alpha0.ap),
  ]);

  const combinedWithout = figures((await run('combined')).scores, mistakes);
  const withFull = [];
  const fullSeconds: number[] = [];
  let fullMetrics: Record<string, number> = {};
  for (const seed of SEEDS) {
    const result = await run('combined', fullReference, seed);
    withFull.push(figures(result.scores, mistakes));
    fullSeconds.push(result.seconds);
    fullMetrics = result.metrics;
  }
  row([
    '**`combined`** (default)',
    "logistic combination of 1 − p with reference kNN agreement (k = 10/30/100) and trust, fitted on the reference's own mistakes",
    `${format(combinedWithout.auroc)} (= confidence)`,
    format(combinedWithout.ap),
    `**${spread(withFull.map((f) => f.auroc))}**`,
    spread(withFull.map((f) => f.ap)),
  ]);

  // A small reference: 1,000 random training images (a new sample per seed).
  const small: Figures[] = [];
  const smallUsed: number[] = [];
  for (const seed of SEEDS) {
    const subset = taskDataset(
      'reference',
      train,
      classNames,
      randomRows(train.embeddings.rows, SMALL_REFERENCE, seed),
    );
    const result = await run('combined', subset, seed);
    small.push(figures(result.scores, mistakes));
    smallUsed.push(result.metrics.combinationUsed ?? 0);
  }

  // The reference's own evidence alone, for comparison: share of the 30 nearest training images labelled as predicted.
  const neighbours = await ortCrossKnn(test.embeddings, train.embeddings, 30);
  const disagreement = Array.from(predicted, (c, i) => {
    let other = 0;
    for (let s = 0; s < 30; s++) if (train.labels[neighbours.indices[i * 30 + s]] !== c) other++;
    return other / 30;
  });
  const knnAlone = figures(disagreement, mistakes);
  row([
    '(reference kNN alone)',
    'share of the 30 nearest training images not labelled as predicted',
    'needs one',
    '',
    format(knnAlone.auroc),
    format(knnAlone.ap),
  ]);

  return `## Boundary samples

Which samples confuse the model? Scored by how well each ranking finds the
fixture model's **mistakes** (predicted ≠ true label) among the 10,000
Fashion-MNIST test images, which the model never saw: ${mistakeCount} mistakes
(accuracy ${format(1 - mistakeCount / mistakes.length)}). AUROC of the score for a
mistake, and average precision (AP) of the ranking. "With reference" passes the
60,000 training images with their true labels as \`--reference\` (the model was
trained on them; they are not the test data). Scorers that do not read a
reference give the same figure either way.

| scorer | what it computes | AUROC, no reference | AP, no reference | AUROC, training set as reference | AP, training set as reference |
|---|---|---|---|---|---|
${rows.join('\n')}

- **Default (\`auto\`): \`combined\`.** With the training set as reference it measures
  ${spread(withFull.map((f) => f.auroc))} (seeds ${SEEDS.join(', ')}: which 10,000 reference
  samples the combination is fitted on, and its cross-validation folds), above the aim of
  0.92 and above every single score (best: ${format(Math.max(best.with, knnAlone.auroc))}).
  On the reference it was fitted on ${fullMetrics.combinationFitSamples.toLocaleString('en')} samples with
  ${fullMetrics.combinationFitMistakes} mistakes, cross-validated AUROC
  ${format(fullMetrics.combinationCrossValidatedAuroc ?? NaN)} vs ${format(fullMetrics.confidenceAurocOnReference ?? NaN)}
  for the model's confidence alone. Cost: ${seconds(fullSeconds)} per scan on this 2-core
  machine (shared with other jobs while measured), after the embeddings (density filter, nearest reference samples of 20,000
  queries among 60,000, the fit).
- **Without a reference nothing beats the model's own confidence**: \`combined\` then is
  \`confidence\` (1 − p(predicted)), ${format(combinedWithout.auroc)}. Graph evidence built
  on the model's own predictions (MARGIN, the paper's scorer) repeats what the softmax
  already says, less precisely; the linearised boundary distance measures lower too. The aim
  of 0.92 is reached only with a labelled reference.
- **A small reference** (${SMALL_REFERENCE.toLocaleString('en')} random training images, seeds
  ${SEEDS.join(', ')}): \`combined\` measured ${spread(small.map((f) => f.auroc))}; the
  cross-validation on the reference chose the combination in ${smallUsed.filter(Boolean).length}
  of ${SEEDS.length} runs (the model's confidence alone in the others): a fit on ~80
  mistakes is noisier than no fit, and the check on the reference says so before it
  can cost anything.
- The paper's MARGIN scorer ranks by the high pass |f − A f| of f = share of the 30
  nearest test images predicted as another class. It finds a mistake that stands alone
  among neighbours that agree; but where two classes overlap (Shirt, T-shirt/top,
  Pullover, Coat: where most mistakes are), every sample there has a high f, the high
  pass is small, and those mistakes rank low, below f itself. Either way the graph only
  repeats the model's own predictions, so neither beats the softmax.

Reproduce: \`npx tsx bench/eval/run.ts --task boundary\` (needs Debian's
\`dataset-fashion-mnist\`; embeddings cached in \`bench/.cache/\`).
`;
}
