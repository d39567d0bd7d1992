/**
 * Adversarial inputs (MARGIN case V): which samples under test were tampered
 * with? The detectors learn what clean looks like from the labelled reference
 * (and, for the fused default, what the model's own FGSM and PGD attacks look
 * like), then score every sample under test. The data's labels are never read:
 * an attacker does not label its inputs truthfully.
 */
import { InputError, ParameterError } from '../../../core/errors';
import { readModelInputs } from '../../../model/adversarial';
import { stageOptions, type JobContext } from '../../context';
import type { TaskDataset, TaskInput, TaskOutput, TaskSample } from '../types';
import { openAdversarialModel } from './adversarialModel';
import { fitDetectors, scoreData } from './detector';
import { probeInputs } from './probe';
import { referenceClasses } from './referenceClasses';
import type { FittedDetectors } from './detector';
import { adversarialScorer, SCORER_SQUEEZERS } from './scorers';

export async function detectAdversarialInputs(
  { params, data, reference, neighbours }: TaskInput,
  context: JobContext,
): Promise<TaskOutput> {
  // validateParams already refuses a scan without one; this keeps the type honest.
  if (!reference)
    throw new ParameterError('reference', 'is required: pass a clean labelled set with --reference');
  const modelPath = params.model!;
  for (const entry of [data, reference]) requireImages(entry);
  const scorer = adversarialScorer(params.scorer);
  const model = await openAdversarialModel(modelPath, {
    gradients: Boolean(scorer.needsGradients),
    batchSize: params.batchSize,
  });
  try {
    const classNames = model.config.labels;
    const referenceRows = reference.representation.keptIndices;
    const referenceInputs = await readInputs(
      reference,
      model.config,
      modelPath,
      context,
      'reading the reference images',
    );
    const { codes, unknown } = referenceClasses(
      Array.from(referenceRows, (index) => reference.dataset.labels[index]),
      classNames,
      model.classes,
      reference.dataset.source,
    );
    const fitted = await fitDetectors(
      model,
      {
        x: referenceInputs,
        n: referenceRows.length,
        classes: codes,
        source: reference.dataset.source,
        classNames,
      },
      { scorers: [scorer.name] },
      context,
    );
    const dataRows = data.representation.keptIndices;
    const dataInputs = await readInputs(
      data,
      model.config,
      modelPath,
      context,
      'reading the images under test',
    );
    const probe = await probeInputs(model, dataInputs, dataRows.length, context, 'data under test');
    const scored = await scoreData(
      fitted,
      probe,
      [scorer.name],
      { k: params.k, operator: params.operator, variant: params.variant, search: neighbours },
      context,
    );
    const scores = scored.scores.get(scorer.name)!;
    const name = (code: number) => classNames?.[code] ?? String(code);
    const [a, b] = SCORER_SQUEEZERS.map((squeezer) => probe.squeeze.change[squeezer]);
    const samples: TaskSample[] = Array.from(dataRows, (index, row) => ({
      index,
      score: scores[row],
      predicted: name(probe.predicted[row]),
      closest: name(scored.closest[row]),
      squeezing: Math.max(a[row], b[row]),
    }));

    return {
      samples,
      labelNames: classNames ?? Array.from({ length: model.classes }, (_, code) => String(code)),
      notices: noticesFor(fitted, unknown),
      metrics: {
        samples: dataRows.length,
        referenceSamples: referenceRows.length,
        referenceUsed: fitted.reference.rows.length,
        referenceMisclassified: fitted.dropped.misclassified,
        hiddenLayers: model.layerNames.length - 1,
        kdeBandwidth: fitted.folds[0].bandwidth,
        ...(fitted.fused
          ? { fusedTrainingAttacks: fitted.fused.attacks.reduce((sum, attack) => sum + attack.successful, 0) }
          : {}),
      },
      distribution: {
        title: `${scorer.name} score`,
        series: [
          { name: 'reference (clean)', values: Array.from(scored.referenceScores.get(scorer.name)!) },
          { name: 'data under test', values: Array.from(scores) },
        ],
      },
    };
  } finally {
    await model.release();
  }
}

/** What the user should know about the reference and the fit. */
function noticesFor(fitted: FittedDetectors, unknownLabels: number): string[] {
  const notices: string[] = [];
  const { unlabelled, misclassified } = fitted.dropped;
  if (misclassified > 0) {
    notices.push(
      `${misclassified} reference samples the model does not classify as their label were left out of the reference (clean, correctly classified samples only)`,
    );
  }
  if (unlabelled > 0) {
    const foreign =
      unknownLabels > 0
        ? ` (${unknownLabels} of them labelled with a name that is not one of the model's classes)`
        : '';
    notices.push(`${unlabelled} reference samples without a usable label were left out${foreign}`);
  }
  if (fitted.fused) {
    const attacks = fitted.fused.attacks
      .map((attack) => `${attack.name}: ${attack.successful} of ${attack.crafted}`)
      .join('; ');
    notices.push(
      `the fused detector was fitted on ${fitted.fused.clean} clean reference samples vs the attacks crafted on them that changed the prediction (${attacks})`,
    );
  }
  return notices;
}

function requireImages(entry: TaskDataset): void {
  if (!entry.dataset.images || entry.representation.source !== 'model-embeddings') {
    throw new InputError(
      entry.dataset.source,
      'holds features, not images: the adversarial task feeds the images to the model (hidden layers, squeezing, attacks)',
    );
  }
}

function readInputs(
  entry: TaskDataset,
  config: Parameters<typeof readModelInputs>[2],
  modelPath: string,
  context: JobContext,
  stage: string,
): Promise<Float32Array> {
  const { dataset, representation } = entry;
  return readModelInputs(
    dataset.images!,
    representation.keptIndices,
    config,
    modelPath,
    (index) => dataset.samples[index]?.path ?? dataset.source,
    stageOptions(context, stage),
  );
}
