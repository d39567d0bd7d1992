/**
 * The fused detector. Lee et al. and Ma et al. reach their figures by fitting a
 * logistic regression on features of known attacks; we can make those attacks
 * ourselves: FGSM and PGD crafted with the model's own gradients on the clean
 * reference samples, at strengths other than the ones a user is likely to test
 * (ε = 0.05 and 0.2 in unit pixels), keeping the attacks that change the
 * prediction. Every feature of a reference sample — clean or attacked — is
 * computed against the statistics of the other fold, so the regression never
 * sees a sample scored against itself.
 */
import { InputError } from '../../../core/errors';
import { sampleWithoutReplacement, seededUniform } from '../../../core/random';
import { fitLogisticRegression, type LogisticModel } from '../../../core/logisticRegression';
import { fgsm, pgd } from '../../../model/adversarial';
import { stageOptions, type JobContext } from '../../context';
import type { AdversarialModel } from './adversarialModel';
import { foldFeatures, type FeatureFamily, type Features, type FoldStats } from './features';
import { probeInputs, subsetProbe } from './probe';

export interface TrainingAttack {
  kind: 'fgsm' | 'pgd';
  /** L∞ radius in unit pixels. */
  epsilon: number;
  steps?: number;
  stepSize?: number;
}

/** PGD: 10 steps of ε/4 (a random start, then enough steps to cross the ball 2.5 times). */
export const TRAINING_ATTACKS: TrainingAttack[] = [
  { kind: 'fgsm', epsilon: 0.05 },
  { kind: 'fgsm', epsilon: 0.2 },
  { kind: 'pgd', epsilon: 0.05, steps: 10, stepSize: 0.0125 },
  { kind: 'pgd', epsilon: 0.2, steps: 10, stepSize: 0.05 },
];

export const FUSED_FAMILIES: FeatureFamily[] = ['mahalanobis', 'lid', 'kde', 'model-free'];

/** Attacks are crafted on at most this many reference samples (a seeded draw): enough for a dozen-feature regression. */
export const MAX_ATTACKED = 2000;

/** sklearn's default penalty on standardised features. */
const PENALTY_C = 1;

export interface FusedDetector {
  logistic: LogisticModel;
  /** The features, in the regression's column order. */
  featureNames: string[];
  /** What it was fitted on. */
  clean: number;
  attacks: { name: string; crafted: number; successful: number }[];
  /** The training rows (feature columns in featureNames order; label 1 = attacked), for ablations. */
  training: { columns: Float64Array[]; labels: Uint8Array };
}

export function attackName(attack: TrainingAttack): string {
  return `${attack.kind.toUpperCase()} ε=${attack.epsilon}`;
}

export async function fitFusedDetector(
  model: AdversarialModel,
  reference: { x: Float32Array; n: number; predicted: Int32Array; fold: Int32Array; features: Features },
  folds: FoldStats[],
  seed: number,
  context: JobContext,
  attacks: TrainingAttack[] = TRAINING_ATTACKS,
): Promise<FusedDetector> {
  const featureNames = [...reference.features.keys()];
  const columns: number[][] = featureNames.map((name) => Array.from(reference.features.get(name)!));
  const labels: number[] = new Array(reference.n).fill(0);
  const summary: FusedDetector['attacks'] = [];
  const families = new Set(FUSED_FAMILIES);
  const victims =
    reference.n <= MAX_ATTACKED
      ? Int32Array.from({ length: reference.n }, (_, i) => i)
      : sampleWithoutReplacement(reference.n, MAX_ATTACKED, seededUniform(seed + 29)).sort();
  const size = model.space.sampleSize;
  const victimInputs = new Float32Array(victims.length * size);
  victims.forEach((row, i) => victimInputs.set(reference.x.subarray(row * size, (row + 1) * size), i * size));
  const targets = Int32Array.from(victims, (row) => reference.predicted[row]);
  const victimFold = Int32Array.from(victims, (row) => reference.fold[row]);

  for (const [a, attack] of attacks.entries()) {
    const name = attackName(attack);
    const stage = stageOptions(context, `crafting ${name} on the reference`);
    const attacked =
      attack.kind === 'fgsm'
        ? await fgsm(model.gradients!, model.space, victimInputs, victims.length, targets, {
            epsilon: attack.epsilon,
            ...stage,
          })
        : await pgd(model.gradients!, model.space, victimInputs, victims.length, targets, {
            epsilon: attack.epsilon,
            steps: attack.steps ?? 10,
            stepSize: attack.stepSize ?? attack.epsilon / 4,
            seed: seed + 101 * (a + 1),
            ...stage,
          });
    const probe = await probeInputs(model, attacked, victims.length, context, name);
    let successful = 0;
    for (let f = 0; f < folds.length; f++) {
      const rows: number[] = [];
      for (let i = 0; i < victims.length; i++) {
        if (victimFold[i] === f && probe.predicted[i] !== targets[i]) rows.push(i);
      }
      if (rows.length === 0) continue;
      successful += rows.length;
      const features = await foldFeatures(
        subsetProbe(probe, rows),
        folds[f],
        families,
        seed + 1000 * (a + 1) + f,
        { signal: context.signal },
      );
      featureNames.forEach((feature, column) => {
        for (const value of features.get(feature)!) columns[column].push(value);
      });
      for (let i = 0; i < rows.length; i++) labels.push(1);
    }
    summary.push({ name, crafted: victims.length, successful });
    context.log(
      'info',
      `fused detector: ${name} on ${victims.length} reference samples, ${successful} changed the prediction`,
    );
  }
  const attackedRows = labels.length - reference.n;
  if (attackedRows === 0) {
    throw new InputError(
      model.loaded.path,
      'no attack crafted on the reference changed a prediction, so the fused detector has nothing to learn from; choose another scorer (e.g. --scorer mahalanobis)',
    );
  }
  const rows = labels.length;
  const dim = featureNames.length;
  const x = new Float64Array(rows * dim);
  for (let column = 0; column < dim; column++) {
    const values = columns[column];
    for (let row = 0; row < rows; row++) x[row * dim + column] = values[row];
  }
  context.progress('fitting the fused detector', 0, 1);
  const logistic = fitLogisticRegression(x, rows, dim, labels, { c: PENALTY_C });
  context.progress('fitting the fused detector', 1, 1);
  return {
    logistic,
    featureNames,
    clean: reference.n,
    attacks: summary,
    training: {
      columns: columns.map((values) => Float64Array.from(values)),
      labels: Uint8Array.from(labels),
    },
  };
}
