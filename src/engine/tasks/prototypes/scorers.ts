/**
 * The prototypes task's scorers. Each turns the points (one row per sample
 * taking part) and, per class, their class codes into best-first prototypes,
 * criticisms and a per-sample score (higher = more deserving of a look).
 */
import { graphFromKnn, type CsrGraph } from '../../../core/csr';
import { highPassInfluence } from '../../../core/margin';
import {
  blockGraph,
  greedyCoverage,
  interleave,
  kernelRowSums,
  RANDOM_FREQUENCIES,
  marginCriticismOrder,
  marginPrototypeOrder,
  medianHeuristicGamma,
  mmdCriticCriticisms,
  mmdCriticPrototypes,
  mmdNodeFunction,
  mmdWitness,
  nearestPrototypes,
  rowsByCode,
  selectCriticisms,
  subsetRows,
  type NearestPrototypes,
} from '../../../core/prototypes';
import { ParameterError } from '../../../core/errors';
import type { DenseMatrix, KnnResult, KnnSearch } from '../../../core/types';
import { ortKnn } from '../../../model';
import { stageOptions, type JobContext } from '../../context';
import type { ResolvedScanParams } from '../types';
import { ortKernelRowSums } from './ortKernelSums';
import {
  CONFUSION_PENALTY,
  COVERAGE_GAMMA_SCALE,
  COVERAGE_NEIGHBOURS_PER_K,
  ORT_EXACT_KERNEL_SUMS_LIMIT,
} from './settings';

export interface ScorerInput {
  points: DenseMatrix;
  /** Class code of each row (0 … C−1) when prototypes are chosen per class; absent: one global set. */
  classes?: Int32Array;
  /** Prototypes to choose (≤ rows); as many criticisms when there are enough other rows. */
  count: number;
  params: ResolvedScanParams;
  context: JobContext;
  /** The scan's kNN search (absent: exact search, `ortKnn`). */
  search?: KnnSearch;
}

export interface Selection {
  /** Rows, best first; every prefix is itself a good set. */
  prototypes: Int32Array;
  criticisms: Int32Array;
  /** Per row; higher = more deserving of a look (criticisms high, prototypes low). */
  score: Float64Array;
  notices: string[];
  /** Each row's nearest prototypes, when the scorer computed them anyway. */
  nearest?: NearestPrototypes;
}

export type Scorer = (input: ScorerInput) => Promise<Selection>;

/** Rows of each class (or all rows as one group). */
function groupsOf({ points, classes }: ScorerInput): Int32Array[] {
  return classes ? rowsByCode(classes).rows : [Int32Array.from({ length: points.rows }, (_, row) => row)];
}

/**
 * The points of a group: the input's own points when the group is every row
 * in order (no labels, --per-class false, or one class), so that the scan's
 * search can serve them from the data's given graph; otherwise a copy.
 */
function groupPoints(points: DenseMatrix, rows: Int32Array): DenseMatrix {
  const everyRow = rows.length === points.rows && rows.every((row, local) => row === local);
  return everyRow ? points : subsetRows(points, rows);
}

function criticismCount(input: ScorerInput): number {
  return Math.min(input.count, input.points.rows - input.count);
}

/** The row sums of the RBF kernel within each group, in row order; notes when random features stood in for exact sums. */
async function groupRowSums(
  input: ScorerInput,
  groups: Int32Array[],
  gamma: number,
): Promise<{ rowSums: Float64Array; notices: string[] }> {
  const rowSums = new Float64Array(input.points.rows);
  const approximated: number[] = [];
  for (const rows of groups) {
    const sums = await kernelRowSums(subsetRows(input.points, rows), gamma, {
      exact: ortKernelRowSums,
      exactLimit: ORT_EXACT_KERNEL_SUMS_LIMIT,
      ...stageOptions(input.context, 'kernel sums'),
    });
    rows.forEach((row, local) => (rowSums[row] = sums.rowSums[local]));
    if (sums.method === 'random-features') approximated.push(rows.length);
  }
  const notices = approximated.length
    ? [
        `kernel sums over ${approximated.join(', ')} samples were estimated with ${2 * RANDOM_FREQUENCIES} random ` +
          `Fourier features (exact up to ${ORT_EXACT_KERNEL_SUMS_LIMIT} samples per ${input.classes ? 'class' : 'set'})`,
      ]
    : [];
  return { rowSums, notices };
}

/**
 * MARGIN (the paper's case I): per group, a kNN graph, the node function
 * f(i) = MMD(X̄ᵢ, X̄ᵢ ∪ {xᵢ}) and its high-pass influence I; criticisms by I
 * descending, prototypes among the low-I samples by f ascending; classes
 * interleaved. Score = I.
 */
export const marginScorer: Scorer = async (input) => {
  const { points, params, context, search = ortKnn } = input;
  const groups = groupsOf(input);
  const gamma = medianHeuristicGamma(points);
  const { rowSums, notices } = await groupRowSums(input, groups, gamma);
  const score = new Float64Array(points.rows);
  const prototypeOrders: Int32Array[] = [];
  const criticismOrders: Int32Array[] = [];
  for (const rows of groups) {
    const k = Math.min(params.k, rows.length - 1);
    let f: Float64Array = new Float64Array(rows.length);
    let influence: Float64Array = new Float64Array(rows.length);
    if (k >= 1) {
      const sub = groupPoints(points, rows);
      const knn = await search(sub, k, stageOptions(context, 'building the kNN graph'));
      const localSums = Float64Array.from(rows, (row) => rowSums[row]);
      f = await mmdNodeFunction(sub, knn, gamma, localSums, stageOptions(context, 'MMD node function'));
      influence = highPassInfluence(graphFromKnn(knn), f, {
        operator: params.operator,
        variant: params.variant,
      });
    }
    rows.forEach((row, local) => (score[row] = influence[local]));
    prototypeOrders.push(Int32Array.from(marginPrototypeOrder(f, influence), (local) => rows[local]));
    criticismOrders.push(Int32Array.from(marginCriticismOrder(f, influence), (local) => rows[local]));
  }
  const prototypes = interleave(prototypeOrders).slice(0, input.count);
  const taken = new Set(prototypes);
  const criticisms = interleave(criticismOrders)
    .filter((row) => !taken.has(row))
    .slice(0, criticismCount(input));
  return { prototypes, criticisms, score, notices };
};

/** MMD-critic (Kim et al. 2016) with the authors' per-class ("local") kernel when there are classes. Score = |witness|. */
export const mmdCriticScorer: Scorer = async (input) => {
  const { points, classes, count, context } = input;
  const groups = groupsOf(input);
  const gamma = medianHeuristicGamma(points);
  const { rowSums, notices } = await groupRowSums(input, groups, gamma);
  const options = { gamma, rowSums, groups: classes, ...stageOptions(context, 'choosing prototypes') };
  const prototypes = await mmdCriticPrototypes(points, count, options);
  const criticisms = await mmdCriticCriticisms(points, prototypes, criticismCount(input), {
    ...options,
    ...stageOptions(context, 'choosing criticisms'),
  });
  const score = mmdWitness(points, prototypes, options).map(Math.abs);
  return { prototypes, criticisms, score, notices };
};

/** The coverage scorers' settings (settings.ts); the evaluation varies them to show why these. */
export interface CoverageSettings {
  confusionPenalty: number;
  gammaScale: number;
  neighboursPerK: number;
}

const COVERAGE_SETTINGS: CoverageSettings = {
  confusionPenalty: CONFUSION_PENALTY,
  gammaScale: COVERAGE_GAMMA_SCALE,
  neighboursPerK: COVERAGE_NEIGHBOURS_PER_K,
};

/** Similarities exp(−γ d²) between each row and its nearest neighbours (5k), within each group. */
async function coverageGraph(
  input: ScorerInput,
  groups: Int32Array[],
  gamma: number,
  neighboursPerK: number,
): Promise<CsrGraph> {
  const sigma = 1 / Math.sqrt(gamma);
  const parts: { rows: Int32Array; graph: CsrGraph }[] = [];
  for (const rows of groups) {
    const neighbours = Math.min(Math.round(neighboursPerK * input.params.k), rows.length - 1);
    const graph =
      neighbours >= 1
        ? graphFromKnn(
            await similarityNeighbours(input, groupPoints(input.points, rows), neighbours, neighboursPerK),
            { weighting: 'gaussian', sigma },
          )
        : {
            n: rows.length,
            indptr: new Int32Array(rows.length + 1),
            indices: new Int32Array(0),
            weights: new Float32Array(0),
          };
    parts.push({ rows, graph });
  }
  return parts.length === 1 && parts[0].rows.length === input.points.rows
    ? parts[0].graph
    : blockGraph(input.points.rows, parts);
}

/**
 * The similarity graph's neighbours. A given graph with fewer is refused as
 * having "fewer than k = 100" while the user asked for k = 20: say where the
 * 100 comes from.
 */
async function similarityNeighbours(
  input: ScorerInput,
  points: DenseMatrix,
  neighbours: number,
  neighboursPerK: number,
): Promise<KnnResult> {
  const search = input.search ?? ortKnn;
  try {
    return await search(points, neighbours, stageOptions(input.context, 'building the similarity graph'));
  } catch (error) {
    if (!(error instanceof ParameterError) || error.parameter !== 'knnGraph') throw error;
    const { scorer, k } = input.params;
    throw new ParameterError(
      'knnGraph',
      `${error.problem} (the ${scorer} scorer asks for ${neighbours} neighbours of each sample at k = ${k}: ` +
        `its similarity graph reaches ${neighboursPerK} × k)`,
    );
  }
}

/**
 * Coverage scorers: greedy facility location on the similarity graph, then
 * criticisms = the samples their prototypes represent worst (a diverse pick).
 * `contrastive` builds one graph over every class and charges resemblance
 * to other classes' prototypes; plain facility location works class by class.
 */
export function coverageScorer(contrastive: boolean, settings: CoverageSettings = COVERAGE_SETTINGS): Scorer {
  return async (input) => {
    const { points, classes, count, context } = input;
    const gamma = medianHeuristicGamma(points, { scale: settings.gammaScale });
    const all = [Int32Array.from({ length: points.rows }, (_, row) => row)];
    const graph = await coverageGraph(
      input,
      contrastive ? all : groupsOf(input),
      gamma,
      settings.neighboursPerK,
    );
    const { order: prototypes } = await greedyCoverage(graph, {
      count,
      classes,
      confusionPenalty: contrastive ? settings.confusionPenalty : 0,
      order: contrastive ? 'by-gain' : 'round-robin',
      ...stageOptions(context, 'choosing prototypes'),
    });
    const nearest = await nearestPrototypes(
      points,
      prototypes,
      classes,
      stageOptions(context, 'nearest prototypes'),
    );
    const score = new Float64Array(points.rows);
    for (let row = 0; row < points.rows; row++) {
      const own = Math.exp(-gamma * nearest.ownDistance2[row]);
      const other = contrastive && classes ? Math.exp(-gamma * nearest.otherDistance2[row]) : 0;
      score[row] = contrastive && classes ? other - own : 1 - own;
    }
    const criticisms = await selectCriticisms(score, {
      count: criticismCount(input),
      exclude: prototypes,
      graph,
      ...stageOptions(context, 'choosing criticisms'),
    });
    return { prototypes, criticisms, score, notices: [], nearest };
  };
}

export const facilityLocationScorer = coverageScorer(false);
export const contrastiveScorer = coverageScorer(true);
