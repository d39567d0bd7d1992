/**
 * Adversarial inputs: AUROC of every detector on FGSM and PGD (L∞, ε = 0.1)
 * under the standard protocol — clean t10k images the model classifies
 * correctly vs the attacks of such images that change the prediction.
 *
 * The attacks are made by PyTorch (scripts/make-adversarial-fixtures.py
 * --eval) on the 10,000 held-out t10k images against the fixture model; the
 * clean labelled reference is 5,000 images drawn from the 60,000 training
 * images (a new draw per seed; the model was trained on them, which is what a
 * "clean labelled set" usually is). Each seed also reseeds the reference's
 * folds, the LID mini-batches and the fused detector's PGD starts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auroc } from '../../../src/core/metrics';
import { fitLogisticRegression, logisticDecision } from '../../../src/core/logisticRegression';
import { sampleWithoutReplacement } from '../../../src/core/random';
import { npyToFloat32, readNpy } from '../../../src/data/npy';
import type { JobContext } from '../../../src/engine/context';
import { runScan } from '../../../src/engine/scan';
import {
  openAdversarialModel,
  type AdversarialModel,
} from '../../../src/engine/tasks/adversarial/adversarialModel';
import {
  fitDetectors,
  scoreData,
  type FittedDetectors,
} from '../../../src/engine/tasks/adversarial/detector';
import type { Features } from '../../../src/engine/tasks/adversarial/features';
import { attackName, TRAINING_ATTACKS } from '../../../src/engine/tasks/adversarial/fused';
import {
  concatProbes,
  probeInputs,
  subsetProbe,
  type Probe,
} from '../../../src/engine/tasks/adversarial/probe';
import { ADVERSARIAL_SCORERS } from '../../../src/engine/tasks/adversarial/scorers';
import { fromUnit } from '../../../src/model/adversarial';
import {
  benchCache,
  FIXTURE_MODEL,
  meanAndSpread,
  pixels,
  repoRoot,
  seededRandom,
  trueLabels,
} from '../fashionMnist';

const ATTACKS = join(benchCache, 'adversarial');
const MAKE_ATTACKS = '/usr/bin/python3 scripts/make-adversarial-fixtures.py --eval';
const SEEDS = [1, 2, 3];
const REFERENCE_SIZE = 5000;
const GRAPH = { k: 20, operator: 'normalized' as const, variant: 'algorithm-1' as const };
const ALL_SCORERS = ADVERSARIAL_SCORERS.map((scorer) => scorer.name);
const DEFAULT_SCORER = 'fused';
/** The issue's figures (last hidden layer) for the same protocol, FGSM / PGD. */
const ISSUE: Record<string, string> = {
  'mahalanobis-last': '0.71 / 0.86',
  'lid-last': '0.76 / 0.82',
  kde: '≈ 0.70 / 0.76',
  'margin-kde': '≈ 0.5',
  squeezing: '0.67 / 0.70 (1-bit + 3×3 median)',
};

type AttackKind = 'fgsm' | 'pgd';
const KINDS: AttackKind[] = ['fgsm', 'pgd'];

/** A row of the table: a name and its AUROC per attack per seed. */
interface Row {
  name: string;
  what: string;
  auroc: Record<AttackKind, number[]>;
}

interface TestSet {
  probe: Probe;
  positive: boolean[];
  clean: number;
  attacked: number;
}

export async function evaluate(): Promise<string> {
  const started = performance.now();
  const attackFiles = loadAttackFiles();
  const model = await openAdversarialModel(FIXTURE_MODEL, { gradients: true, batchSize: 256 });
  try {
    const context = stderrContext();
    const tests = await testSets(model, attackFiles, context);
    const rows = new Map<string, Row>();
    const row = (name: string, what: string) => {
      if (!rows.has(name)) rows.set(name, { name, what, auroc: { fgsm: [], pgd: [] } });
      return rows.get(name)!;
    };
    const training: string[] = [];
    for (const seed of SEEDS) {
      const reference = referenceDraw(seed, model);
      const fitted = await fitDetectors(model, reference, { scorers: ALL_SCORERS, seed }, context);
      const fgsmOnly = await fitDetectors(
        model,
        reference,
        { scorers: ['fused'], seed, attacks: TRAINING_ATTACKS.filter((a) => a.kind === 'fgsm') },
        context,
      );
      training.push(
        `seed ${seed}: ${fitted.reference.rows.length} of ${REFERENCE_SIZE} reference images correctly classified; ` +
          fitted.fused!.attacks.map((a) => `${a.name} ${a.successful}/${a.crafted}`).join(', '),
      );
      for (const kind of KINDS) {
        const test = tests[kind];
        const scored = await scoreData(fitted, test.probe, ALL_SCORERS, GRAPH, context);
        for (const scorer of ADVERSARIAL_SCORERS) {
          const name = scorer.name === DEFAULT_SCORER ? `**${scorer.name}** (default)` : scorer.name;
          row(name, scorer.description).auroc[kind].push(
            auroc(scored.scores.get(scorer.name)!, test.positive),
          );
        }
        for (const [name, what, keep] of ablations()) {
          row(name, what).auroc[kind].push(
            auroc(subsetRegression(fitted, scored.features, keep), test.positive),
          );
        }
        for (const [name, column] of [
          ['squeezing, 1-bit only', 'squeeze:bit-depth-1'],
          ['squeezing, 4-bit only', 'squeeze:bit-depth-4'],
          ['squeezing, 3×3 median only', 'squeeze:median-3x3'],
          ["max(1-bit, 3×3 median) (Xu et al.'s MNIST setting)", ''],
        ] as const) {
          const values = column
            ? scored.features[0].get(column)!
            : maxOf(scored.features[0], ['squeeze:bit-depth-1', 'squeeze:median-3x3']);
          row(name, 'one feature of the fused detector, unsupervised').auroc[kind].push(
            auroc(values, test.positive),
          );
        }
        const transfer = await scoreData(fgsmOnly, test.probe, ['fused'], GRAPH, context);
        row(
          'fused, fitted on FGSM only',
          'the default, but fitted on the FGSM attacks only (tests transfer to PGD)',
        ).auroc[kind].push(auroc(transfer.scores.get('fused')!, test.positive));
      }
    }
    const example = await exampleFigure(context);
    const minutes = (performance.now() - started) / 60_000;
    return report([...rows.values()], tests, training, example, minutes);
  } finally {
    await model.release();
  }
}

/** Logistic regressions on subsets of the fused features, fitted on the same training rows. */
function ablations(): [string, string, (feature: string) => boolean][] {
  return [
    [
      'Lee et al.: regression on Mahalanobis, all layers',
      'logistic regression on the per-layer Mahalanobis features only, same training rows',
      (f) => f.startsWith('mahalanobis@'),
    ],
    [
      'Ma et al.: regression on LID, all layers',
      'logistic regression on the per-layer LID features only, same training rows',
      (f) => f.startsWith('lid@'),
    ],
    [
      'fused without the pixel residual',
      'the default without its input-space feature',
      (f) => f !== 'residual',
    ],
    [
      'fused, model features only',
      'the default without squeezing and the residual (hidden layers, logits, gradient)',
      (f) => f !== 'residual' && !f.startsWith('squeeze:'),
    ],
  ];
}

function subsetRegression(
  fitted: FittedDetectors,
  features: Features[],
  keep: (feature: string) => boolean,
): Float64Array {
  const { featureNames, training } = fitted.fused!;
  const chosen = featureNames.flatMap((name, column) => (keep(name) ? [{ name, column }] : []));
  const rows = training.labels.length;
  const dim = chosen.length;
  const x = new Float64Array(rows * dim);
  chosen.forEach(({ column }, j) => training.columns[column].forEach((value, i) => (x[i * dim + j] = value)));
  const logistic = fitLogisticRegression(x, rows, dim, training.labels);
  const n = features[0].get(chosen[0].name)!.length;
  const out = new Float64Array(n);
  for (const fold of features) {
    const test = new Float64Array(n * dim);
    chosen.forEach(({ name }, j) => fold.get(name)!.forEach((value, i) => (test[i * dim + j] = value)));
    logisticDecision(logistic, test, n).forEach((value, i) => (out[i] += value / features.length));
  }
  return out;
}

function maxOf(features: Features, names: string[]): Float64Array {
  const columns = names.map((name) => features.get(name)!);
  return columns[0].map((_, i) => Math.max(...columns.map((column) => column[i])));
}

function loadAttackFiles(): Record<AttackKind, string> {
  const files = { fgsm: join(ATTACKS, 't10k-fgsm-eps0.1.npy'), pgd: join(ATTACKS, 't10k-pgd-eps0.1.npy') };
  for (const path of Object.values(files)) {
    if (!existsSync(path)) {
      throw new Error(
        `${path} is missing: make the evaluation attacks first (PyTorch, ~5 min): ${MAKE_ATTACKS}`,
      );
    }
  }
  return files;
}

/** Clean correctly classified t10k images + the successful attacks of such images, per attack. */
async function testSets(
  model: AdversarialModel,
  files: Record<AttackKind, string>,
  context: JobContext,
): Promise<Record<AttackKind, TestSet>> {
  const truth = trueLabels('t10k');
  const { count, data } = pixels('t10k');
  const cleanInputs = fromUnit(
    model.space,
    Float32Array.from(data, (p) => p / 255),
  );
  const cleanProbe = await probeInputs(model, cleanInputs, count, context, 't10k clean');
  const correct = Int32Array.from({ length: count }, (_, i) => i).filter(
    (i) => cleanProbe.predicted[i] === truth[i],
  );
  const clean = subsetProbe(cleanProbe, correct);
  const out = {} as Record<AttackKind, TestSet>;
  for (const kind of KINDS) {
    const all = npyToFloat32(await readNpy(files[kind]));
    if (all.length !== count * 784)
      throw new Error(`${files[kind]}: expected ${count} images of 28×28; remake it with ${MAKE_ATTACKS}`);
    const attackedInputs = new Float32Array(correct.length * 784);
    correct.forEach((i, row) =>
      attackedInputs.set(fromUnit(model.space, all.subarray(i * 784, (i + 1) * 784)), row * 784),
    );
    const attacked = await probeInputs(model, attackedInputs, correct.length, context, `t10k ${kind}`);
    const successful = Int32Array.from({ length: correct.length }, (_, r) => r).filter(
      (r) => attacked.predicted[r] !== truth[correct[r]],
    );
    out[kind] = {
      probe: concatProbes([clean, subsetProbe(attacked, successful)]),
      positive: [
        ...new Array<boolean>(clean.n).fill(false),
        ...new Array<boolean>(successful.length).fill(true),
      ],
      clean: clean.n,
      attacked: successful.length,
    };
  }
  return out;
}

function referenceDraw(seed: number, model: AdversarialModel) {
  const { data } = pixels('train');
  const labels = trueLabels('train');
  const rows = sampleWithoutReplacement(labels.length, REFERENCE_SIZE, seededRandom(seed));
  const u = new Float32Array(REFERENCE_SIZE * 784);
  rows.forEach((row, i) => {
    for (let e = 0; e < 784; e++) u[i * 784 + e] = data[row * 784 + e] / 255;
  });
  return {
    x: fromUnit(model.space, u),
    n: REFERENCE_SIZE,
    classes: Int32Array.from(rows, (row) => labels[row]),
    source: `train (${REFERENCE_SIZE} images, seed ${seed})`,
  };
}

/** The committed example through runScan (the CLI's path): AUROC of the default scorer, and its time. */
async function exampleFigure(
  context: JobContext,
): Promise<{ auroc: number; seconds: number; attacked: number; clean: number }> {
  const folder = join(repoRoot, 'examples', 'fashion-mnist');
  const started = performance.now();
  // inputs.csv has a path column only; the labelled copy of the truth file feeds the same images.
  const result = await runScan(
    {
      task: 'adversarial',
      datasets: [
        { role: 'data', path: join(folder, 'adversarial', 'truth.csv'), labelColumn: 'true_label' },
        { role: 'reference', path: join(folder, 'images') },
      ],
      model: join(folder, 'model.onnx'),
      noCache: true,
    },
    context,
  );
  const seconds = (performance.now() - started) / 1000;
  const kinds = new Map(
    readFileSync(join(folder, 'adversarial', 'truth.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','))
      .map(([path, kind]) => [path, kind]),
  );
  const positive = result.samples.map((sample) => kinds.get(sample.id) !== 'clean');
  return {
    auroc: auroc(
      result.samples.map((sample) => sample.score),
      positive,
    ),
    seconds,
    attacked: positive.filter(Boolean).length,
    clean: positive.filter((p) => !p).length,
  };
}

function stderrContext(): JobContext {
  let last = '';
  return {
    progress(stage) {
      if (stage !== last) process.stderr.write(`  ${stage}…\n`);
      last = stage;
    },
    log() {},
  };
}

function format(values: number[]): string {
  const { mean, sd } = meanAndSpread(values);
  return `${mean.toFixed(3)} ± ${sd.toFixed(3)}`;
}

function report(
  rows: Row[],
  tests: Record<AttackKind, TestSet>,
  training: string[],
  example: { auroc: number; seconds: number; attacked: number; clean: number },
  minutes: number,
): string {
  const scorerRows = rows.filter((r) =>
    ALL_SCORERS.some((name) => r.name === name || r.name.startsWith(`**${name}**`)),
  );
  const otherRows = rows.filter((r) => !scorerRows.includes(r));
  const line = (r: Row) => {
    const plain = r.name.replace(/\*\*/g, '').replace(' (default)', '');
    return `| ${r.name} | ${format(r.auroc.fgsm)} | ${format(r.auroc.pgd)} | ${ISSUE[plain] ?? ''} | ${r.what} |`;
  };
  const fgsm = tests.fgsm;
  const pgd = tests.pgd;
  return `## Adversarial inputs

*Which inputs were tampered with?* AUROC of the score for "attacked" under the
standard protocol: the ${fgsm.clean.toLocaleString('en')} clean t10k images the fixture model classifies correctly vs
the attacks of such images that change its prediction (FGSM: ${fgsm.attacked.toLocaleString('en')}, PGD:
${pgd.attacked.toLocaleString('en')}). Attacks: L∞, ε = 0.1 of the pixel range, cross-entropy against the true label,
crafted by PyTorch on the 10,000 held-out t10k images (FGSM one step; PGD a random start and 20 steps of
0.01), stored as float32 (not quantised). Clean labelled reference: ${REFERENCE_SIZE.toLocaleString('en')} images drawn from the
60,000 *training* images, a new draw per seed; mean ± sd over seeds ${SEEDS.join(', ')} (the seed also draws the
reference folds, the LID mini-batches and the fused detector's PGD starts). Higher is better; 0.5 is chance.

| scorer (\`--scorer\`) | FGSM | PGD | issue's figure (FGSM / PGD) | what |
|---|---|---|---|---|
${scorerRows.map(line).join('\n')}

Ablations and single features (not scorers; same fits and test sets):

| variant | FGSM | PGD | | what |
|---|---|---|---|---|
${otherRows.map(line).join('\n')}

**The default is \`fused\`**: it measures best on both attacks, above the ≥ 0.95 aim. It is not the paper's
scorer: MARGIN over KDE or MMD-global (the paper's case V) is the high-pass response |f − A f| of a density
score on the kNN graph of reference + test samples. The density varies smoothly over that graph — an attacked
sample's neighbours are mostly other attacked or low-density samples, with scores like its own — so the
high-pass keeps only local wiggles and drops most of what separates attacked from clean (near chance, as the
issue measured). The density scores themselves (\`kde\`, \`mmd-global\`) do much better.

How the fused detector is fitted, at scan time, on the user's reference only: the reference samples the model
classifies as their label are split into two folds; each fold's class means, tied covariances, LID mini-batches
and KDE samples score the other fold, so every reference feature is out-of-fold. Attacks are crafted with the
ONNX model's own gradients (\`src/model/autodiff\`) on up to 2,000 of those samples, against their predicted
class: ${TRAINING_ATTACKS.map(attackName).join(', ')} (PGD: 10 steps of ε/4 from a random start) — strengths
other than the test's ε = 0.1, and only attacks that change the prediction are kept. A logistic regression
(standardised features, L2, C = 1, Newton) separates clean from attacked on the features: Mahalanobis
distance and LID on each tapped layer (5 hidden layers + logits), class-conditional KDE, the three squeezing
changes, the pixel noise residual mean |u − median₃ₓ₃(u)|, softmax entropy and maximum, and the L1 norm of
the loss gradient. Data under test gets the mean of its scores under both folds. Fitted per seed:

${training.map((t) => `- ${t}`).join('\n')}

The pixel noise residual is an input-space feature (L∞ attacks add high-frequency noise where clean
Fashion-MNIST images are flat); the row "fused without the pixel residual" shows what the detector measures
without it, and "fused, model features only" without any input-space feature.

\`residual\` (the pixel noise residual on its own) reads neither the model nor the reference and is the best
single unsupervised score on FGSM here; it is specific to L∞ noise on images with flat regions, so it is a
feature of the default rather than the default.

Squeezing: \`squeezing\` takes the larger change of 4-bit depth reduction and 3×3 median smoothing; Xu et
al.'s MNIST setting (1-bit) measured lower on Fashion-MNIST's grey textures (rows above).

The committed example (\`examples/fashion-mnist/adversarial/\`: ${example.clean} clean, ${example.attacked} attacked PNGs,
reference \`examples/fashion-mnist/images\`, 5% of whose labels are wrong) through \`runScan\`, the images listed
by \`truth.csv\` (its label column is ignored by the task): AUROC
${example.auroc.toFixed(3)} with the default scorer, ${example.seconds.toFixed(0)} s on this machine.

Reproduce: \`${MAKE_ATTACKS}\` (once), then \`npx tsx bench/eval/run.ts --task adversarial\`
(${minutes.toFixed(0)} min on the 2-core build machine).`;
}
